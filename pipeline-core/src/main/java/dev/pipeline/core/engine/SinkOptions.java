package dev.pipeline.core.engine;

import dev.pipeline.core.Breaker;

/**
 * The options every kind of sink shares, as one immutable value: each {@code with...} returns a
 * copy. Which options a kind accepts is the kind's own business ({@link SinkDef#accepts()}).
 *
 * @param name the sink's name, unique in its pipeline
 * @param policy what happens to an item the sink fails on
 * @param concurrency items handled at once
 * @param breaker the circuit breaker its calls go through, or null
 */
public record SinkOptions(String name, PolicyDef policy, int concurrency, Breaker breaker) {

    /** The defaults: fail-fast, one item at a time, no breaker. */
    public static SinkOptions named(String name) {
        return new SinkOptions(name, PolicyDef.FAIL_FAST, 1, null);
    }

    public SinkOptions withName(String name) {
        return new SinkOptions(name, policy, concurrency, breaker);
    }

    public SinkOptions withPolicy(PolicyDef policy) {
        return new SinkOptions(name, policy, concurrency, breaker);
    }

    public SinkOptions withConcurrency(int concurrency) {
        return new SinkOptions(name, policy, concurrency, breaker);
    }

    public SinkOptions withBreaker(Breaker breaker) {
        return new SinkOptions(name, policy, concurrency, breaker);
    }
}
