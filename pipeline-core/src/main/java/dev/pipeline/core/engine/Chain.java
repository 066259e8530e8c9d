package dev.pipeline.core.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * A chain of steps from a head: a source, or a merge of several chains. A branch's chain has
 * no head (its items come from the fan-out).
 *
 * @param head where the items come from; null for a branch
 * @param steps the steps, in order
 */
public record Chain(Head head, List<Step> steps) {

    public Chain {
        steps = List.copyOf(steps);
    }

    /** Where a chain's items come from. */
    public sealed interface Head {
    }

    /** A source. */
    public record SourceHead(SourceDef source) implements Head {
    }

    /** A merge node fed by several chains. */
    public record MergeHead(String name, List<Chain> inputs) implements Head {
        public MergeHead {
            inputs = List.copyOf(inputs);
        }
    }

    public Chain then(Step step) {
        List<Step> next = new ArrayList<>(steps);
        next.add(step);
        return new Chain(head, next);
    }

    /** The last step, or null. */
    public Step last() {
        return steps.isEmpty() ? null : steps.get(steps.size() - 1);
    }

    public Chain replaceLast(Step step) {
        List<Step> next = new ArrayList<>(steps);
        next.set(next.size() - 1, step);
        return new Chain(head, next);
    }

    /** Whether items still flow out of the end of this chain (false once every branch of its last fan-out ended in a sink). */
    public boolean open() {
        for (int i = steps.size() - 1; i >= 0; i--) {
            if (steps.get(i) instanceof Step.FanOutStep f) {
                return f.branches().stream().anyMatch(BranchDef::rejoins);
            }
        }
        return true;
    }
}
