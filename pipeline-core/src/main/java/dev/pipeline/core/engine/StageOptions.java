package dev.pipeline.core.engine;

import java.time.Duration;

import dev.pipeline.core.Breaker;
import reactor.util.retry.Retry;

/**
 * The options every kind of stage shares, as one immutable value: each {@code with...} returns
 * a copy. Which options a kind accepts is the kind's own business ({@link StageDef#accepts()}).
 *
 * @param name the stage's name, unique in its pipeline
 * @param concurrency items worked on at once (lanes for a partitioned stage)
 * @param ordered whether results leave in input order
 * @param timeout the limit of one attempt, or null
 * @param retry the retry strategy, or null
 * @param policy what happens to a failed item
 * @param breaker the circuit breaker its calls go through, or null
 */
public record StageOptions(String name, int concurrency, boolean ordered, Duration timeout, Retry retry,
        PolicyDef policy, Breaker breaker) {

    /** The defaults: one item at a time, in order, no timeout, no retry, fail-fast, no breaker. */
    public static StageOptions named(String name) {
        return new StageOptions(name, 1, true, null, null, PolicyDef.FAIL_FAST, null);
    }

    public StageOptions withName(String name) {
        return new StageOptions(name, concurrency, ordered, timeout, retry, policy, breaker);
    }

    public StageOptions withConcurrency(int concurrency) {
        return new StageOptions(name, concurrency, ordered, timeout, retry, policy, breaker);
    }

    public StageOptions withOrdered(boolean ordered) {
        return new StageOptions(name, concurrency, ordered, timeout, retry, policy, breaker);
    }

    public StageOptions withTimeout(Duration timeout) {
        return new StageOptions(name, concurrency, ordered, timeout, retry, policy, breaker);
    }

    public StageOptions withRetry(Retry retry) {
        return new StageOptions(name, concurrency, ordered, timeout, retry, policy, breaker);
    }

    public StageOptions withPolicy(PolicyDef policy) {
        return new StageOptions(name, concurrency, ordered, timeout, retry, policy, breaker);
    }

    public StageOptions withBreaker(Breaker breaker) {
        return new StageOptions(name, concurrency, ordered, timeout, retry, policy, breaker);
    }
}
