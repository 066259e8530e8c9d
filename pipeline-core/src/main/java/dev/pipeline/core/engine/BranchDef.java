package dev.pipeline.core.engine;

import java.util.List;

/**
 * One branch of a fan-out: its name, its steps, and the sink it ends in, or null when it
 * rejoins the chain after the fan-out.
 */
public record BranchDef(String name, List<Step> steps, SinkDef sink) {

    public BranchDef {
        steps = List.copyOf(steps);
    }

    public boolean rejoins() {
        return sink == null;
    }
}
