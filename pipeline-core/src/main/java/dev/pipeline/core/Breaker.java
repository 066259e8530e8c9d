package dev.pipeline.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

import dev.pipeline.core.internal.Require;
import dev.pipeline.core.internal.Ticker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowSynchronizationStrategy;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.TransitionCheckResult;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A circuit breaker that stages and sinks call through ({@link Stage#circuitBreaker},
 * {@link Sink#circuitBreaker}): resilience4j's {@link CircuitBreaker}, under this library's own
 * type so that resilience4j stays an optional dependency (add
 * {@code io.github.resilience4j:resilience4j-circuitbreaker} to use one). Hot and shared: one
 * breaker may guard several stages, sinks, pipelines and runs, and it keeps its state between
 * them.
 *
 * <pre>{@code
 * Breaker api = Breaker.consecutiveFailures("pricing-api", 5, Duration.ofSeconds(10));
 * Stage<Order, Priced> price = HttpStages.get("price", o -> prices.resolve("/" + o.sku()), Priced.class)
 *         .circuitBreaker(api)
 *         .onError(ErrorPolicy.deadLetter(failed));
 * }</pre>
 *
 * <p>Breakers built by {@link #consecutiveFailures} and {@link #of(String, CircuitBreakerConfig)}
 * keep time on a Reactor {@link Scheduler} (the parallel scheduler by default), so that their
 * open period, their call durations and the report's timestamps follow
 * {@code StepVerifier.withVirtualTime} in tests. {@link #of(CircuitBreaker)} takes any
 * resilience4j breaker as it is (its clock is then its own); {@link #resilience4j()} gives the
 * breaker back, for resilience4j's event publisher and metrics.
 */
public final class Breaker {

    private final CircuitBreaker delegate;

    private Breaker(CircuitBreaker delegate) {
        this.delegate = delegate;
    }

    /**
     * A resilience4j breaker as it is, with its own configuration and clock. Give it a
     * {@code LOCK_FREE} sliding window ({@code slidingWindowSynchronizationStrategy}):
     * resilience4j's default, {@code SYNCHRONIZED}, takes a lock that parks a non-blocking
     * thread when two calls end at once. The breakers the other factories build are lock-free.
     *
     * @param breaker the breaker
     * @return it, for {@link Stage#circuitBreaker}
     */
    public static Breaker of(CircuitBreaker breaker) {
        return new Breaker(Require.nonNull(breaker, "breaker"));
    }

    /** @return the breaker's name */
    public String name() {
        return delegate.getName();
    }

    /** @return its state now: CLOSED, OPEN, HALF_OPEN, FORCED_OPEN, DISABLED or METRICS_ONLY */
    public String state() {
        return delegate.getState().name();
    }

    /** @return the resilience4j breaker itself */
    public CircuitBreaker resilience4j() {
        return delegate;
    }

    @Override
    public String toString() {
        return "Breaker[" + name() + ", " + state() + "]";
    }

    /**
     * A breaker that opens after {@code failures} calls in a row have failed, stays open for
     * {@code openFor}, then lets one probe call through (half-open): it closes if the probe
     * succeeds and opens again if it fails. Timed on Reactor's parallel scheduler.
     *
     * @param name the breaker's name, shown in errors and reports
     * @param failures consecutive failed calls that open it, {@code > 0}
     * @param openFor how long it stays open before a probe, {@code > 0}
     * @return the breaker
     */
    public static Breaker consecutiveFailures(String name, int failures, Duration openFor) {
        Require.positive(failures, "failures");
        Require.positive(openFor, "openFor");
        CircuitBreakerConfig.Builder config = CircuitBreakerConfig.custom()
                .failureRateThreshold(100f)
                .waitDurationInOpenState(openFor)
                .permittedNumberOfCallsInHalfOpenState(1);
        if (failures == 1) {
            // resilience4j's lock-free window of one call fails (NullPointerException, resilience4j
            // issue 2334): a window of two that never fills, and every failure opens the breaker
            config.slidingWindow(2, 2, SlidingWindowType.COUNT_BASED)
                    .transitionOnResult(result -> result.isRight() ? TransitionCheckResult.transitionToOpenAndWaitFor(openFor)
                            : TransitionCheckResult.noTransition());
        } else {
            config.slidingWindow(failures, failures, SlidingWindowType.COUNT_BASED);
        }
        return of(name, config.build());
    }

    /**
     * A breaker with resilience4j's {@code config} (failure rate, slow calls, sliding window,
     * open period, half-open probes, recorded and ignored exceptions), timed on Reactor's
     * parallel scheduler, with a lock-free sliding window (calls end on non-blocking threads).
     *
     * @param name the breaker's name
     * @param config the configuration; its clock and timestamp function are replaced
     * @return the breaker
     */
    public static Breaker of(String name, CircuitBreakerConfig config) {
        return of(name, config, null);
    }

    /**
     * A breaker timed on {@code clock}: its open period, call durations and transitions are
     * measured on that scheduler's time.
     *
     * @param name the breaker's name
     * @param config the configuration; its clock and timestamp function are replaced
     * @param clock the scheduler whose time it keeps
     * @return the breaker
     */
    public static Breaker of(String name, CircuitBreakerConfig config, Scheduler clock) {
        Require.nonBlank(name, "name");
        Require.nonNull(config, "config");
        SchedulerClock time = new SchedulerClock(clock);
        return new Breaker(CircuitBreaker.of(name, CircuitBreakerConfig.from(config)
                // resilience4j's default window takes a lock, which parks a non-blocking thread
                // when two calls end at once; the lock-free one never blocks
                .slidingWindowSynchronizationStrategy(config.getSlidingWindowSize() == 1
                        // the lock-free window of one call fails (resilience4j issue 2334): keep the caller's
                        ? config.getSlidingWindowSynchronizationStrategy() : SlidingWindowSynchronizationStrategy.LOCK_FREE)
                .clock(time)
                .currentTimestampFunction(c -> time.nanos(), TimeUnit.NANOSECONDS)
                .build()));
    }

    /**
     * A {@link Clock} that reads a scheduler's time, or, when none is given, Reactor's parallel
     * scheduler looked up at each reading (so a breaker made before {@code withVirtualTime}
     * still follows it).
     */
    static final class SchedulerClock extends Clock {
        private final Scheduler scheduler;
        private final ZoneId zone;

        SchedulerClock(Scheduler scheduler) {
            this(scheduler, ZoneOffset.UTC);
        }

        private SchedulerClock(Scheduler scheduler, ZoneId zone) {
            this.scheduler = scheduler;
            this.zone = zone;
        }

        private Scheduler scheduler() {
            return scheduler != null ? scheduler : Schedulers.parallel();
        }

        long nanos() {
            return Ticker.of(scheduler()).nanos();
        }

        @Override
        public ZoneId getZone() {
            return zone;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return new SchedulerClock(scheduler, Require.nonNull(zone, "zone"));
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(scheduler().now(TimeUnit.MILLISECONDS));
        }
    }
}
