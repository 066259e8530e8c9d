package dev.pipeline.core;

import java.time.Duration;

/**
 * The account of one source, stage, buffer or sink in a run: a snapshot while it runs, final
 * when it has ended.
 *
 * <p>Every count is in <em>input items</em>, so for every kind the invariant is
 * {@code received == emitted + filtered + skipped + deadLettered + failed + inFlight}
 * ({@link #balances()}). What a stage produced is counted separately in {@link #outputs()}:
 * equal to {@code emitted} for item-to-item stages, the number of batches for
 * {@link Stage#batch}, the number of results for {@link Stage#flatMap}. A
 * {@link Stage#of(String, java.util.function.Function) custom operator chain} counts only what
 * goes in and out ({@link #itemized()} is false).
 *
 * <p>For a source, {@code received} is everything it produced and {@code emitted} what it passed
 * on; for a buffer, {@code inFlight} is what waits in it; for a sink, {@code emitted} is what it
 * consumed successfully.
 */
public final class StageReport {

    private final String name;
    private final String kind;
    private final boolean itemized;
    private final long received;
    private final long emitted;
    private final long outputs;
    private final long filtered;
    private final long skipped;
    private final long deadLettered;
    private final long failed;
    private final long retried;
    private final long inFlight;
    private final int maxQueueDepth;
    private final int workers;
    private final Duration busy;

    StageReport(String name, String kind, boolean itemized, long received, long emitted, long outputs, long filtered,
            long skipped, long deadLettered, long failed, long retried, long inFlight, int maxQueueDepth,
            int workers, Duration busy) {
        this.name = name;
        this.kind = kind;
        this.itemized = itemized;
        this.received = received;
        this.emitted = emitted;
        this.outputs = outputs;
        this.filtered = filtered;
        this.skipped = skipped;
        this.deadLettered = deadLettered;
        this.failed = failed;
        this.retried = retried;
        this.inFlight = inFlight;
        this.maxQueueDepth = maxQueueDepth;
        this.workers = workers;
        this.busy = busy;
    }

    /** @return the stage name */
    public String name() {
        return name;
    }

    /** @return what it is: source, map, filter, mapAsync, flatMap, blocking, batch, throttle, partitioned, custom, buffer, sink */
    public String kind() {
        return kind;
    }

    /** @return false for a custom operator chain, which counts only what goes in and out */
    public boolean itemized() {
        return itemized;
    }

    /** @return items that entered */
    public long received() {
        return received;
    }

    /** @return items that left successfully (for a sink: consumed) */
    public long emitted() {
        return emitted;
    }

    /** @return what the stage produced: items, batches or results */
    public long outputs() {
        return outputs;
    }

    /** @return items a filter dropped, or an async function completed without a value */
    public long filtered() {
        return filtered;
    }

    /** @return items dropped by the skip policy */
    public long skipped() {
        return skipped;
    }

    /** @return items sent to a dead-letter sink */
    public long deadLettered() {
        return deadLettered;
    }

    /** @return items that failed the run (fail-fast), at most a few */
    public long failed() {
        return failed;
    }

    /** @return retry attempts made (beyond each item's first attempt) */
    public long retried() {
        return retried;
    }

    /** @return items received and not yet accounted for; after the run, the items cut off */
    public long inFlight() {
        return inFlight;
    }

    /** @return a buffer's high-water mark; -1 for other kinds */
    public int maxQueueDepth() {
        return maxQueueDepth;
    }

    /** @return how many parallel copies ran (workers after a buffer), 1 otherwise */
    public int workers() {
        return workers;
    }

    /**
     * Time spent in the node's own calls, summed over items and attempts: the function of a
     * {@link Stage#map map}, {@link Stage#filter filter}, {@link Stage#blocking blocking} or
     * {@link Stage#flatMap flatMap} stage (estimated from one item in 1024 for inline map and
     * filter); each attempt's Mono of a {@link Stage#mapAsync mapAsync} or partitioned stage,
     * from subscription to its signal; a sink's consumer or action, or the calls a
     * {@link Sink#create connector sink} makes through {@link StageContext#guard}. Never the
     * wait for downstream demand, for upstream items or for a retry's backoff, so the busiest
     * node is the bottleneck. Zero for sources, batch, throttle, custom chains, buffers and
     * sinks that run no function of their own. Follows virtual time under
     * {@code StepVerifier.withVirtualTime}.
     *
     * @return the busy time
     */
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
                + ", inFlight=" + inFlight + (maxQueueDepth >= 0 ? ", maxQueueDepth=" + maxQueueDepth : "") + "]";
    }
}
