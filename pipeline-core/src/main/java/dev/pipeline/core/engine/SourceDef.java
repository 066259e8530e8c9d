package dev.pipeline.core.engine;

import java.util.function.Function;

import dev.pipeline.core.StageContext;
import org.reactivestreams.Publisher;

/**
 * A source: its name, the factory that builds its publisher for one run (given the run's
 * context, to reject single records), and the policy for the records it rejects.
 */
public record SourceDef(String name, Function<StageContext, Publisher<?>> factory, PolicyDef policy) {

    public SourceDef withName(String name) {
        return new SourceDef(name, factory, policy);
    }

    public SourceDef withPolicy(PolicyDef policy) {
        return new SourceDef(name, factory, policy);
    }
}
