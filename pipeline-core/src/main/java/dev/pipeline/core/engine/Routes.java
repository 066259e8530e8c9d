package dev.pipeline.core.engine;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A route's two halves around its shared {@code publish}: before it, the branch of each item is
 * chosen (the selector runs once per item) and written to the route's {@link Tags}; after it,
 * each branch reads the branch of each item it is handed from the same tags, takes the items of
 * its own index and lets the others pass. An item no branch takes (the selector names no branch
 * and there is no {@code otherwise}, or the selector throws) goes to the route's policy.
 *
 * <p>The items go through the {@code publish} as they are, with no wrapper carrying the branch
 * (a wrapper was 24 bytes per item): the {@code publish} hands every item to every branch, in
 * the order it got them, so the n-th item a branch is handed is the n-th item the route passed
 * on, and its branch is the n-th tag written.
 */
final class Routes {

    private Routes() {
    }

    /**
     * The branch of each item passed to the {@code publish} and not yet read by every branch,
     * in a ring indexed by the item's sequence number. One writer (the route's serialized signal
     * path) and one reader per branch (each on the {@code publish}'s serialized drain). The
     * {@code publish} holds at most {@value FanOutDef#PREFETCH} items and hands each one to all
     * branches at once, so no branch is more than that many (plus the one being handed over)
     * behind the writer; the ring holds four times as many. A slot also keeps its sequence
     * number, and a reader that finds another one fails (it would otherwise take another item's
     * branch): that cannot happen while the bound above holds.
     *
     * <p>The writer writes a slot before the item is passed on; a reader reads it after the
     * {@code publish} handed the item over, on the same thread (a fused source) or through the
     * {@code publish}'s queue, whose offer and poll order the slot's write before its read.
     */
    static final class Tags {
        static final int SIZE = Integer.highestOneBit(FanOutDef.PREFETCH) * 4;
        private static final int MASK = SIZE - 1;
        private static final int BRANCH_BITS = 16;

        private final long[] ring = new long[SIZE];
        /** The writer's next sequence number (written by the writer only). */
        private long written;

        Tags(int branches) {
            if (branches > (1 << BRANCH_BITS)) {
                throw new IllegalArgumentException("at most " + (1 << BRANCH_BITS) + " branches, got " + branches);
            }
        }

        /** The writer: the next item passed on goes to {@code branch}. */
        void put(int branch) {
            long seq = written++;
            ring[(int) seq & MASK] = (seq << BRANCH_BITS) | branch;
        }

        /** A reader: the branch of its {@code seq}-th item. */
        int branchOf(long seq) {
            long slot = ring[(int) seq & MASK];
            if (slot >>> BRANCH_BITS != seq) {
                throw new IllegalStateException("route: the branch of item " + seq + " was overwritten (slot holds item "
                        + (slot >>> BRANCH_BITS) + ")");
            }
            return (int) (slot & ((1 << BRANCH_BITS) - 1));
        }
    }

    static Flux<Object> tag(Flux<Object> in, FanOutDef fan, List<BranchDef> branches, NodeRun node, Tags tags) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < branches.size(); i++) {
            index.put(branches.get(i).name(), i);
        }
        int otherwise = fan.otherwise() == null ? -1 : index.get(fan.otherwise());
        List<String> names = branches.stream().map(BranchDef::name).toList();
        if (fan.policy().deadLetter()) {
            // a dead letter may wait for room: each item in its own step; concatMap passes on
            // each inner's item before it maps the next, so the tags stay in the items' order
            return in.concatMap(item -> {
                int branch;
                try {
                    branch = route(item, fan, index, otherwise, names);
                } catch (RuntimeException e) {
                    return node.reject(item, e, 1).then(Mono.empty());
                }
                tags.put(branch);
                return Mono.just(item);
            });
        }
        // inline: one step of the fused path, so a polled source stays fused into the publish
        InlineOperator.Step step = new InlineOperator.Step(fan.name(), fan.policy(), node.copy, node.ctx) {
            @Override
            Object step(Object item, Throwable[] failure) {
                int branch;
                try {
                    branch = route(item, fan, index, otherwise, names);
                } catch (Throwable e) {
                    return reject(item, e, failure);
                }
                // the step is the operator's only one: what it returns is passed on
                tags.put(branch);
                return item;
            }
        };
        return new InlineOperator(in, null, null, new InlineOperator.Step[] {step});
    }

    private static int route(Object item, FanOutDef fan, Map<String, Integer> index, int otherwise, List<String> names) {
        String name;
        try {
            name = fan.selector().apply(Tracked.value(item));
        } catch (RuntimeException e) {
            throw new IllegalStateException("the selector of route '" + fan.name() + "' failed: " + e, e);
        }
        Integer i = name == null ? null : index.get(name);
        if (i == null) {
            if (otherwise < 0) {
                throw new IllegalArgumentException("route '" + fan.name() + "' has no branch "
                        + (name == null ? "for a null name" : "'" + name + "'") + "; its branches are " + names
                        + " (give it otherwise(branch) to take the rest)");
            }
            return otherwise;
        }
        return i;
    }

    /** Branch {@code branch}'s items out of the shared stream, counted in its outlet. */
    static Flux<Object> take(Flux<Object> shared, int branch, Cell outlet, RunContext ctx, Tags tags) {
        InlineOperator.Step take = new InlineOperator.Step("", PolicyDef.FAIL_FAST, outlet, ctx) {
            /** How many items this branch was handed (single reader: the publish's drain). */
            private long seen;

            @Override
            Object step(Object item, Throwable[] failure) {
                if (tags.branchOf(seen++) != branch) {
                    return InlineOperator.DROP;
                }
                outlet.emitted();
                return item;
            }
        };
        return new InlineOperator(shared, null, null, new InlineOperator.Step[] {take});
    }
}
