package dev.pipeline.core.engine;

import java.util.List;

/** One step of a chain, after its head: a stage, a bounded buffer (with its workers), or a fan-out into branches. */
public sealed interface Step {

    /** @return the names this step gives to nodes (for the uniqueness check) */
    List<String> names();

    /** A stage. */
    record StageStep(StageDef stage) implements Step {
        @Override
        public List<String> names() {
            return List.of(stage.name());
        }
    }

    /** A bounded hand-off between stages, with the number of consumers after it. */
    record BufferStep(String name, int capacity, int workers) implements Step {
        public BufferStep withWorkers(int workers) {
            return new BufferStep(name, capacity, workers);
        }

        @Override
        public List<String> names() {
            return List.of(name);
        }
    }

    /** A broadcast or route into named branches; the branches that do not end in a sink rejoin after it. */
    record FanOutStep(FanOutDef fanOut, List<BranchDef> branches) implements Step {
        public FanOutStep {
            branches = List.copyOf(branches);
        }

        @Override
        public List<String> names() {
            return List.of(fanOut.name());
        }
    }
}
