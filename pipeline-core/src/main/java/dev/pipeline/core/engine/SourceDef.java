package dev.pipeline.core.engine;

import java.util.function.Function;

import dev.pipeline.core.StageContext;
import org.reactivestreams.Publisher;

/**
 * A source: its name, the factory that builds its publisher for one run (given the run's
 * context, to reject single records), the policy for the records it rejects, and whether its
 * publisher emits {@link dev.pipeline.core.Delivery deliveries} to settle.
 */
public record SourceDef(String name, Function<StageContext, Publisher<?>> factory, PolicyDef policy, boolean acknowledged) {

    /** A source whose items are not acknowledged. */
    public SourceDef(String name, Function<StageContext, Publisher<?>> factory, PolicyDef policy) {
        this(name, factory, policy, false);
    }

    public SourceDef withName(String name) {
        return new SourceDef(name, factory, policy, acknowledged);
    }

    public SourceDef withPolicy(PolicyDef policy) {
        return new SourceDef(name, factory, policy, acknowledged);
    }
}
