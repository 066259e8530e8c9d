package dev.pipeline.core.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.pipeline.core.Breaker;
import dev.pipeline.core.CircuitBreakerReport;
import dev.pipeline.core.CircuitOpenException;
import dev.pipeline.core.internal.Ticker;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;
import io.github.resilience4j.core.EventConsumer;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * The circuit breakers of one run: one {@link Guard} per breaker, shared by the stages and
 * sinks that call through it, which lets each call through resilience4j's breaker (permission,
 * then success, error or, on cancel, the permission back: exactly one of them per call) and
 * records what the run saw: refused calls and state changes. Only loaded when a stage or sink
 * has a breaker, so resilience4j stays an optional dependency.
 */
public final class RunBreakers {

    static final int KEPT_TRANSITIONS = 64;

    private final Ticker ticker;
    private final long startNanos;
    private final Map<CircuitBreaker, Guard> guards = new IdentityHashMap<>();

    RunBreakers(Ticker ticker) {
        this.ticker = ticker;
        this.startNanos = ticker.nanos();
    }

    /** The guard of {@code breaker} in this run, used by {@code node}. */
    synchronized Guard guard(Breaker breaker, String node) {
        Guard g = guards.computeIfAbsent(breaker.resilience4j(), b -> new Guard(b, Watch.of(b)));
        g.nodes.add(node);
        return g;
    }

    synchronized List<CircuitBreakerReport> snapshot() {
        List<CircuitBreakerReport> reports = new ArrayList<>(guards.size());
        for (Guard g : guards.values()) {
            reports.add(g.report());
        }
        return reports;
    }

    /** Stops watching the breakers (the run has ended). */
    synchronized void close() {
        for (Guard g : guards.values()) {
            g.watch.recorders.remove(g);
        }
    }

    /** A breaker as one run uses it. */
    public final class Guard {
        final CircuitBreaker breaker;
        final Watch watch;
        final Set<String> nodes = new LinkedHashSet<>();
        private final AtomicLong refused = new AtomicLong();
        private final List<CircuitBreakerReport.Transition> transitions = new ArrayList<>();
        private long transitionCount;

        Guard(CircuitBreaker breaker, Watch watch) {
            this.breaker = breaker;
            this.watch = watch;
            watch.recorders.add(this);
        }

        /**
         * One call through the breaker, decided at subscription: refused at once with a
         * {@link CircuitOpenException} when it does not permit calls.
         */
        <T> Mono<T> call(Mono<T> call) {
            return Mono.defer(() -> {
                if (!breaker.tryAcquirePermission()) {
                    refused.incrementAndGet();
                    return Mono.error(watch.refused(breaker));
                }
                long start = breaker.getCurrentTimestamp();
                AtomicBoolean settled = new AtomicBoolean();
                return call
                        .doOnSuccess(v -> {
                            if (settled.compareAndSet(false, true)) {
                                long took = breaker.getCurrentTimestamp() - start;
                                if (v == null) {
                                    breaker.onSuccess(took, breaker.getTimestampUnit());
                                } else {
                                    breaker.onResult(took, breaker.getTimestampUnit(), v);
                                }
                            }
                        })
                        .doOnError(e -> {
                            if (settled.compareAndSet(false, true)) {
                                breaker.onError(breaker.getCurrentTimestamp() - start, breaker.getTimestampUnit(), e);
                            }
                        })
                        .doOnCancel(() -> {
                            if (settled.compareAndSet(false, true)) {
                                breaker.releasePermission();
                            }
                        });
            });
        }

        void transition(String from, String to) {
            Duration at = Duration.ofNanos(Math.max(0L, ticker.nanos() - startNanos));
            synchronized (this) {
                transitionCount++;
                if (transitions.size() < KEPT_TRANSITIONS) {
                    transitions.add(new CircuitBreakerReport.Transition(from, to, at));
                }
            }
        }

        CircuitBreakerReport report() {
            List<CircuitBreakerReport.Transition> seen;
            long count;
            synchronized (this) {
                seen = new ArrayList<>(transitions);
                count = transitionCount;
            }
            return new CircuitBreakerReport(breaker.getName(), new ArrayList<>(nodes), breaker.getState().name(), seen,
                    count, refused.get());
        }
    }

    /**
     * A retry strategy that gives up at once on a call the breaker refused: retrying while the
     * circuit is open would only wait for nothing. Every other failure goes to {@code retry}.
     */
    static Retry notWhenOpen(Retry retry) {
        return Retry.from(signals -> retry.generateCompanion(signals.handle((signal, sink) -> {
            if (signal.failure() instanceof CircuitOpenException) {
                sink.error(signal.failure());
            } else {
                sink.next(signal);
            }
        })));
    }

    /**
     * Listens to one breaker's state changes, once per breaker for the life of the breaker
     * (resilience4j has no way to unregister a listener), and passes them to the runs watching
     * it now. Remembers when the breaker last opened, on the breaker's own clock.
     */
    static final class Watch implements EventConsumer<CircuitBreakerOnStateTransitionEvent> {
        private static final Map<CircuitBreaker, Watch> WATCHES = Collections.synchronizedMap(new WeakHashMap<>());

        final List<Guard> recorders = new CopyOnWriteArrayList<>();
        private final java.time.Clock clock;
        volatile Instant openSince;
        /** Whether the last state change this watch heard left the breaker refusing calls (open or half-open). */
        private volatile boolean open;

        private Watch(java.time.Clock clock) {
            this.clock = clock;
        }

        static Watch of(CircuitBreaker breaker) {
            return WATCHES.computeIfAbsent(breaker, b -> {
                Watch w = new Watch(b.getCircuitBreakerConfig().getClock());
                b.getEventPublisher().onStateTransition(w);
                return w;
            });
        }

        /**
         * The error for a call the breaker refused. A breaker refuses calls from the moment it
         * starts opening, before it reports its new state and its event: a refusal the watch has
         * not heard an opening for is one that is opening now.
         */
        CircuitOpenException refused(CircuitBreaker breaker) {
            CircuitBreaker.State state = breaker.getState();
            boolean opening = !open || state == CircuitBreaker.State.CLOSED;
            Instant since = opening ? clock.instant() : openSince;
            String name = state == CircuitBreaker.State.CLOSED ? CircuitBreaker.State.OPEN.name() : state.name();
            return new CircuitOpenException(breaker.getName(), name, since,
                    CallNotPermittedException.createCallNotPermittedException(breaker));
        }

        @Override
        public void consumeEvent(CircuitBreakerOnStateTransitionEvent event) {
            CircuitBreaker.State to = event.getStateTransition().getToState();
            if (to == CircuitBreaker.State.OPEN || to == CircuitBreaker.State.FORCED_OPEN) {
                openSince = clock.instant();
                open = true;
            } else if (to != CircuitBreaker.State.HALF_OPEN) {
                open = false;
            }
            String from = event.getStateTransition().getFromState().name();
            for (Guard g : recorders) {
                g.transition(from, to.name());
            }
        }
    }
}
