package dev.pipeline.core;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The account of one node of a run (a source, stage, buffer, broadcast, route, merge or sink):
 * a snapshot while it runs, final when it has ended.
 *
 * <p>Every count is in <em>input items</em>, so for every kind the invariant is
 * {@code received == emitted + filtered + skipped + deadLettered + failed + inFlight}
 * ({@link #balances()}). What a node produced is counted separately in {@link #outputs()}:
 * equal to {@code emitted} for item-to-item stages, the number of batches for
 * {@link Stage#batch}, the number of results for {@link Stage#flatMap}, and for a broadcast or
 * route what it passed to all its branches ({@link #outlets()} per branch). A
 * {@link Stage#of(String, java.util.function.Function) custom operator chain} counts only what
 * goes in and out ({@link #itemized()} is false).
 *
 * <p>For a source, {@code received} is everything it produced and {@code emitted} what it passed
 * on; for a buffer, {@code inFlight} is what waits in it; for a broadcast, an item is emitted
 * once every branch has it; for a route, once the branch it was routed to has it; for a sink,
 * {@code emitted} is what it consumed successfully. {@code received} is always the sum of what
 * the {@link #upstreams()} passed to this node.
 *
 * @param name the node's name, unique in the pipeline
 * @param kind source, map, filter, mapAsync, flatMap, blocking, batch, throttle, partitioned,
 *     custom, buffer, broadcast, route, merge or sink
 * @param itemized false for a custom operator chain, which counts only what goes in and out
 * @param received items that entered
 * @param emitted items that left successfully (for a sink: consumed)
 * @param outputs what it produced: items, batches, results, or copies passed to branches
 * @param filtered items a filter dropped, or an async function completed without a value
 * @param skipped items dropped by the skip policy
 * @param deadLettered items sent to a dead-letter sink
 * @param failed items that failed the run (fail-fast), at most a few
 * @param retried retry attempts made (beyond each item's first)
 * @param inFlight items received and not yet accounted for; after the run, the items cut off
 * @param maxQueueDepth a buffer's high-water mark; -1 for other kinds
 * @param workers how many parallel copies ran (workers after a buffer), 1 otherwise
 * @param busy time spent in the node's own calls (see {@link #busy()})
 * @param upstreams where its items come from: none for a source or a dead-letter sink, several
 *     for a merge or the first node after branches rejoin
 * @param branch the branch the node is on ("" on the main line), as {@code fanout/branch}
 * @param outlets for a broadcast or route: what it passed to each branch, by branch name; empty otherwise
 */
public record StageReport(String name, String kind, boolean itemized, long received, long emitted, long outputs,
        long filtered, long skipped, long deadLettered, long failed, long retried, long inFlight, int maxQueueDepth,
        int workers, Duration busy, List<Inlet> upstreams, String branch, Map<String, Long> outlets) {

    /**
     * Where a node's items come in from: a node, and which of its branches when it is a
     * broadcast or route.
     *
     * @param node the upstream node's name
     * @param branch the fan-out's branch the items come by; "" for a node that is not a fan-out
     */
    public record Inlet(String node, String branch) {
        @Override
        public String toString() {
            return branch.isEmpty() ? node : node + "/" + branch;
        }
    }

    /**
     * A report; the lists are copied, so that it never changes.
     *
     * @param name the node's name
     * @param kind its kind
     * @param itemized whether it counts items one by one
     * @param received items that entered
     * @param emitted items that left successfully
     * @param outputs what it produced
     * @param filtered items filtered
     * @param skipped items skipped
     * @param deadLettered items dead-lettered
     * @param failed items that failed the run
     * @param retried retry attempts
     * @param inFlight items not accounted for yet
     * @param maxQueueDepth a buffer's high-water mark, or -1
     * @param workers parallel copies
     * @param busy time in its own calls
     * @param upstreams where its items come from
     * @param branch its branch, "" on the main line
     * @param outlets per branch, for a fan-out
     */
    public StageReport {
        upstreams = List.copyOf(upstreams);
        outlets = Map.copyOf(outlets);
    }

    /**
     * Time spent in the node's own calls, summed over items and attempts: the function of a
     * {@link Stage#map map}, {@link Stage#filter filter}, {@link Stage#blocking blocking} or
     * {@link Stage#flatMap flatMap} stage (estimated from one item in 1024 for inline map and
     * filter); each attempt's Mono of a {@link Stage#mapAsync mapAsync} or partitioned stage,
     * from subscription to its signal; a sink's consumer or action, or the calls a
     * {@link Sink#create connector sink} makes through {@link StageContext#guard}. Never the
     * wait for downstream demand, for upstream items or for a retry's backoff, so the busiest
     * node is the bottleneck. Zero for sources, batch, throttle, custom chains, buffers,
     * fan-outs, merges and sinks that run no function of their own. Follows virtual time under
     * {@code StepVerifier.withVirtualTime}.
     *
     * @return the busy time
     */
    @Override
    public Duration busy() {
        return busy;
    }

    /**
     * Whether the counts reconcile:
     * {@code received == emitted + filtered + skipped + deadLettered + failed + inFlight}.
     *
     * @return true if they do (always for a non-itemized stage)
     */
    public boolean balances() {
        return !itemized || received == emitted + filtered + skipped + deadLettered + failed + inFlight;
    }

    @Override
    public String toString() {
        return "StageReport[" + name + " (" + kind + "): received=" + received + ", emitted=" + emitted
                + ", outputs=" + outputs + ", filtered=" + filtered + ", skipped=" + skipped
                + ", deadLettered=" + deadLettered + ", failed=" + failed + ", retried=" + retried
                + ", inFlight=" + inFlight + (maxQueueDepth >= 0 ? ", maxQueueDepth=" + maxQueueDepth : "")
                + (upstreams.isEmpty() ? "" : ", from=" + upstreams) + (outlets.isEmpty() ? "" : ", outlets=" + outlets)
                + "]";
    }
}
