package dev.pipeline.core.engine;

import java.util.function.Function;
import java.util.function.Predicate;

import reactor.core.publisher.Mono;

/**
 * One copy of a node in one run, as its operators see it: the run, the node's account and this
 * copy's counters, its error policy and its circuit breaker's guard.
 */
public final class NodeRun {

    final RunContext ctx;
    final NodeAccount node;
    final Cell copy;
    final String name;
    final PolicyDef policy;
    /** The node's circuit breaker in this run, or null. */
    final RunBreakers.Guard guard;
    /**
     * Whether items of an acknowledged source may reach this copy ({@link Tracked}, carrying a
     * {@link Ticket} share): only then does it unwrap values and settle; otherwise its item
     * path is exactly what it is without acknowledgements.
     */
    final boolean tracked;

    NodeRun(RunContext ctx, NodeAccount node, Cell copy, String name, PolicyDef policy, RunBreakers.Guard guard,
            boolean tracked) {
        this.ctx = ctx;
        this.node = node;
        this.copy = copy;
        this.name = name;
        this.policy = policy;
        this.guard = guard;
        this.tracked = tracked;
    }

    /** Applies the node's policy to a failed item: empty when skipped or dead-lettered, an error under fail-fast. */
    Mono<Void> reject(Object item, Throwable error, int attempts) {
        return ctx.reject(name, policy, copy, item, error, attempts);
    }

    /** Calls {@code fn}, adding the time it took to the node's busy time. */
    Object timed(Function<Object, Object> fn, Object item) {
        long t0 = ctx.ticker.nanos();
        try {
            return fn.apply(item);
        } finally {
            copy.busy(ctx.ticker.nanos() - t0);
        }
    }

    boolean timedTest(Predicate<Object> test, Object item) {
        long t0 = ctx.ticker.nanos();
        try {
            return test.test(item);
        } finally {
            copy.busy(ctx.ticker.nanos() - t0);
        }
    }

    /** A call timed from subscription to its first signal (see {@link TimedMono}). */
    <T> Mono<T> timed(Mono<? extends T> call) {
        return new TimedMono<>(call, copy, ctx.ticker);
    }
}
