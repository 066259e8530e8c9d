package dev.pipeline.core.engine;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A route's two halves around its shared {@code publish}: before it, each item is tagged with
 * the index of its branch (the selector runs once per item); after it, each branch takes the
 * items tagged with its own index and lets the others pass. An item no branch takes (the
 * selector names no branch and there is no {@code otherwise}, or the selector throws) goes to
 * the route's policy.
 */
final class Routes {

    private Routes() {
    }

    /** An item and the index of its branch. */
    private record Routed(Object item, int branch) {
    }

    static Flux<Object> tag(Flux<Object> in, FanOutDef fan, List<BranchDef> branches, NodeRun node) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < branches.size(); i++) {
            index.put(branches.get(i).name(), i);
        }
        int otherwise = fan.otherwise() == null ? -1 : index.get(fan.otherwise());
        List<String> names = branches.stream().map(BranchDef::name).toList();
        if (fan.policy().deadLetter()) {
            // a dead letter may wait for room: each item in its own step
            return in.concatMap(item -> {
                Object routed;
                try {
                    routed = route(item, fan, index, otherwise, names);
                } catch (RuntimeException e) {
                    return node.reject(item, e, 1).then(Mono.empty());
                }
                return Mono.just(routed);
            });
        }
        // inline: one step of the fused path, so a polled source stays fused into the publish
        InlineOperator.Step step = new InlineOperator.Step(fan.name(), fan.policy(), node.copy, node.ctx) {
            @Override
            Object step(Object item, Throwable[] failure) {
                try {
                    return route(item, fan, index, otherwise, names);
                } catch (Throwable e) {
                    return reject(item, e, failure);
                }
            }
        };
        return new InlineOperator(in, null, null, new InlineOperator.Step[] {step});
    }

    private static Routed route(Object item, FanOutDef fan, Map<String, Integer> index, int otherwise, List<String> names) {
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
            return new Routed(item, otherwise);
        }
        return new Routed(item, i);
    }

    /** Branch {@code branch}'s items out of the shared, tagged stream, counted in its outlet. */
    static Flux<Object> take(Flux<Object> shared, int branch, Cell outlet, RunContext ctx) {
        InlineOperator.Step take = new InlineOperator.Step("", PolicyDef.FAIL_FAST, outlet, ctx) {
            @Override
            Object step(Object tagged, Throwable[] failure) {
                Routed r = (Routed) tagged;
                if (r.branch != branch) {
                    return InlineOperator.DROP;
                }
                outlet.emitted();
                return r.item;
            }
        };
        return new InlineOperator(shared, null, null, new InlineOperator.Step[] {take});
    }
}
