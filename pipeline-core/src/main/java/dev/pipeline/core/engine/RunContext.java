package dev.pipeline.core.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import dev.pipeline.core.AckReport;
import dev.pipeline.core.Breaker;
import dev.pipeline.core.CircuitBreakerReport;
import dev.pipeline.core.DeadLetter;
import dev.pipeline.core.PipelineException;
import dev.pipeline.core.PipelineListener;
import dev.pipeline.core.Settlement;
import dev.pipeline.core.StageContext;
import dev.pipeline.core.StageReport;
import dev.pipeline.core.aio.AsyncQueue;
import dev.pipeline.core.aio.AsyncSemaphore;
import dev.pipeline.core.aio.QueueShutDownException;
import dev.pipeline.core.internal.Items;
import dev.pipeline.core.internal.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * Everything one run of a pipeline shares: the accounting of its nodes, the stop valve, the
 * dead-letter channels, the rate limiters and circuit breakers, the sinks' results and the
 * listeners. Created when the run is subscribed.
 */
public final class RunContext {

    private static final Logger LOG = LoggerFactory.getLogger("dev.pipeline.core.Pipeline");

    final String pipeline;
    final Scheduler clock;
    final List<PipelineListener> listeners;
    /** Whether {@code RunningPipeline.stop} may be called (the sources then get a stop valve). */
    final boolean stoppable;
    /** Measures busy time and call durations; follows virtual time. */
    final Ticker ticker;
    private final Map<String, NodeAccount> nodes = new LinkedHashMap<>();
    private final Map<SinkDef, AsyncQueue<Letter>> channels = new IdentityHashMap<>();
    private final Sinks.Empty<Void> stop = Sinks.empty();
    private final Map<String, AsyncSemaphore> limiters = new LinkedHashMap<>();
    private final Map<String, Object> results = Collections.synchronizedMap(new LinkedHashMap<>());
    /** The acknowledged sources' accounts, by source name; empty (and never touched per item) without one. */
    private final Map<String, AckAccount> acks = new LinkedHashMap<>();
    private final Sinks.Empty<Void> ended = Sinks.empty();
    /** Created when the first node with a circuit breaker is assembled (resilience4j is optional). */
    private RunBreakers breakers;

    public RunContext(String pipeline, Scheduler clock, List<PipelineListener> listeners, boolean stoppable) {
        this.pipeline = pipeline;
        this.clock = clock;
        this.ticker = Ticker.of(clock);
        this.listeners = listeners;
        this.stoppable = stoppable;
    }

    /** The node of this name, created on first use (workers share one). */
    synchronized NodeAccount node(String name, String kind, boolean itemized, String branch) {
        return nodes.computeIfAbsent(name, n -> new NodeAccount(n, kind, itemized, branch));
    }

    synchronized NodeAccount nodeNamed(String name) {
        return nodes.get(name);
    }

    /** Every node, in the order they were assembled. */
    synchronized List<NodeAccount> nodes() {
        return new ArrayList<>(nodes.values());
    }

    /**
     * Every node's report, in the order the nodes were assembled (upstream before downstream).
     * The nodes are read from the last to the first, each node's outcomes before what it
     * received (its upstreams' outputs, read with those upstreams): so no node shows more
     * outcomes than it received, and the nodes agree with each other.
     */
    synchronized List<StageReport> snapshot() {
        List<NodeAccount> order = new ArrayList<>(nodes.values());
        Map<NodeAccount, NodeAccount.Raw> raw = new IdentityHashMap<>();
        for (int i = order.size() - 1; i >= 0; i--) {
            raw.put(order.get(i), order.get(i).read());
        }
        List<StageReport> reports = new ArrayList<>(order.size());
        for (NodeAccount n : order) {
            NodeAccount.Raw own = raw.get(n);
            reports.add(own.report(n.received(own, raw), n.upstreamNames()));
        }
        return reports;
    }

    /** The account of an acknowledged source, created when it is assembled. */
    synchronized AckAccount ackAccount(String source) {
        return acks.computeIfAbsent(source, n -> new AckAccount(n, ticker));
    }

    /** Whether the run has an acknowledged source (so its items may carry tickets). */
    synchronized boolean acknowledged() {
        return !acks.isEmpty();
    }

    /** Every acknowledged source's report so far. */
    synchronized List<AckReport> ackReports() {
        List<AckReport> out = new ArrayList<>(acks.size());
        acks.values().forEach(a -> out.add(a.report()));
        return out;
    }

    /**
     * The run has ended (failed, cancelled, stopped or completed): nothing settles from here on,
     * and {@link StageContext#whenRunEnds()} completes.
     */
    void end() {
        List<AckAccount> all;
        synchronized (this) {
            all = new ArrayList<>(acks.values());
        }
        all.forEach(AckAccount::close);
        ended.tryEmitEmpty();
    }

    /** Completes when the run has ended. */
    Mono<Void> whenEnded() {
        return ended.asMono();
    }

    /** Completes when the run is asked to stop taking items from its sources. */
    Mono<Void> stopSignal() {
        return stop.asMono();
    }

    void requestStop() {
        stop.tryEmitEmpty();
    }

    /** The rate limiter of a throttle stage, shared by its workers in this run. */
    synchronized AsyncSemaphore limiter(String stage, int permits) {
        return limiters.computeIfAbsent(stage, s -> AsyncSemaphore.of(permits));
    }

    synchronized AsyncQueue<Letter> channel(PolicyDef policy) {
        return channels.computeIfAbsent(policy.deadLetters(), s -> AsyncQueue.bounded(policy.bufferCapacity()));
    }

    synchronized Map<SinkDef, AsyncQueue<Letter>> channels() {
        return new IdentityHashMap<>(channels);
    }

    /**
     * A dead letter on its way to its sink, with the counters of the node that sent it: the
     * item counts as dead-lettered there when the dead-letter sink takes it (one event on the
     * sink's side), so a letter is never counted and lost, nor delivered and not counted,
     * whatever is cancelled in between; until then it is in flight at the node that sent it.
     */
    final class Letter {
        private final DeadLetter<Object> letter;
        private final Cell origin;
        /** The share of the item's ticket the letter carries to the dead-letter sink, or null. */
        final Ticket ticket;

        Letter(DeadLetter<Object> letter, Cell origin, Ticket ticket) {
            this.letter = letter;
            this.origin = origin;
            this.ticket = ticket;
        }

        /** Counts the letter at its origin and returns it, as the dead-letter sink takes it. */
        DeadLetter<Object> take() {
            origin.deadLettered();
            RunContext.this.notify(letter.stage(), letter.item(), letter.error(), "dead-lettered");
            return letter;
        }
    }

    /** Records a sink's result. */
    void result(String sink, Object value) {
        results.put(sink, value);
    }

    /** Every sink's result so far, by name (a Void sink's is null). */
    Map<String, Object> results() {
        synchronized (results) {
            return new LinkedHashMap<>(results);
        }
    }

    /**
     * The run's guard for a node's circuit breaker.
     *
     * @param breaker the node's breaker, or null
     * @return its guard, or null when the node has none
     */
    synchronized RunBreakers.Guard guard(Breaker breaker, String node) {
        if (breaker == null) {
            return null;
        }
        if (breakers == null) {
            breakers = new RunBreakers(ticker);
        }
        return breakers.guard(breaker, node);
    }

    /** What each circuit breaker did in this run so far. */
    synchronized List<CircuitBreakerReport> breakerReports() {
        return breakers == null ? List.of() : breakers.snapshot();
    }

    /** Releases what the run holds beyond its subscription (its watch on circuit breakers). */
    synchronized void close() {
        if (breakers != null) {
            breakers.close();
        }
    }

    Instant now() {
        return Instant.ofEpochMilli(clock.now(TimeUnit.MILLISECONDS));
    }

    /** The original failure, unwrapped from Reactor's retry exhaustion. */
    static Throwable unwrap(Throwable e) {
        if (Exceptions.isRetryExhausted(e) && e.getCause() != null) {
            return e.getCause();
        }
        return e;
    }

    /**
     * Applies {@code policy} to a failed item, for paths that cannot wait (inline stages, whose
     * policy is never dead-letter).
     *
     * @return the error to signal (fail-fast), or null when the item was skipped
     */
    Throwable rejectNow(String node, PolicyDef policy, Cell cell, Object tracked, Throwable error, int attempts) {
        Throwable cause = unwrap(error);
        Object item = Tracked.value(tracked);
        if (policy.kind() == PolicyDef.Kind.SKIP) {
            skip(node, cell, item, cause);
            Tracked.release(tracked, Settlement.SKIPPED);
            return null;
        }
        cell.failed();
        notify(node, item, cause, "failed");
        return new PipelineException(node, item, attempts, cause);
    }

    /** Applies {@code policy} to a failed item: empty when skipped or dead-lettered, an error under fail-fast. */
    Mono<Void> reject(String node, PolicyDef policy, Cell cell, Object tracked, Throwable error, int attempts) {
        Throwable cause = unwrap(error);
        Object item = Tracked.value(tracked);
        switch (policy.kind()) {
            case SKIP:
                skip(node, cell, item, cause);
                Tracked.release(tracked, Settlement.SKIPPED);
                return Mono.empty();
            case DEAD_LETTER:
                AsyncQueue<Letter> channel = channel(policy);
                DeadLetter<Object> letter = new DeadLetter<>(node, item, cause, Math.max(1, attempts), now());
                // the item's share goes with the letter: it settles once the dead-letter sink is done with it
                Ticket share = tracked instanceof Tracked t ? t.ticket : null;
                return channel.put(new Letter(letter, cell, share))
                        .onErrorMap(QueueShutDownException.class, e -> {
                            cell.failed();
                            return new PipelineException(node, item, attempts, new IllegalStateException(
                                    "the dead-letter sink '" + policy.deadLetters().name() + "' has stopped; "
                                            + "the item could not be dead-lettered (" + cause + ")", cause));
                        });
            default:
                cell.failed();
                notify(node, item, cause, "failed");
                return Mono.error(new PipelineException(node, item, attempts, cause));
        }
    }

    private void skip(String node, Cell cell, Object item, Throwable cause) {
        cell.skipped();
        LOG.warn("pipeline '{}': stage '{}' skipped item {}: {}", pipeline, node, Items.describe(item), cause.toString());
        notify(node, item, cause, "skipped");
    }

    private void notify(String node, Object item, Throwable cause, String action) {
        for (PipelineListener l : listeners) {
            try {
                l.onItemRejected(node, item, cause, action);
            } catch (RuntimeException e) {
                LOG.warn("pipeline '{}': listener {} failed in onItemRejected", pipeline, l, e);
            }
        }
    }

    /** The {@link StageContext} of a source or sink copy. */
    StageContext contextFor(NodeRun node) {
        return contextFor(node, null);
    }

    /**
     * The {@link StageContext} of a source or sink copy; for a sink of tracked items, {@code pending}
     * holds the tickets of the items it received and has not finished.
     */
    StageContext contextFor(NodeRun node, PendingItems pending) {
        return new StageContext() {
            @Override
            public String name() {
                return node.name;
            }

            @Override
            public Mono<Void> reject(Object item, Throwable error, int attempts) {
                return node.reject(pending == null ? item : pending.take(item), error, attempts);
            }

            @Override
            public void completed(long items) {
                if (items < 0) {
                    throw new IllegalArgumentException("items must be >= 0, was " + items);
                }
                node.copy.emittedConcurrent(items);
                if (pending != null) {
                    pending.completeOldest(items);
                }
            }

            @Override
            public void completed(java.util.Collection<?> items) {
                Objects.requireNonNull(items, "items must not be null");
                node.copy.emittedConcurrent(items.size());
                if (pending != null) {
                    pending.complete(items);
                }
            }

            @Override
            public Mono<Void> whenRunEnds() {
                return whenEnded();
            }

            @Override
            public <T> Mono<T> guard(Mono<T> call) {
                Mono<T> timed = node.timed(Objects.requireNonNull(call, "call must not be null"));
                return node.guard == null ? timed : node.guard.call(timed);
            }
        };
    }
}
