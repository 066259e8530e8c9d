package dev.pipeline.connectors.kafka;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a {@link KafkaSources consumer-group source} did, added up over its runs: records
 * received and redelivered, offsets committed, records done out of order that waited behind a
 * gap, partitions paused for backpressure, and records abandoned when a partition was given up.
 * Thread-safe; the source updates it, anyone may read it at any time.
 *
 * <pre>{@code
 * KafkaSourceStats stats = KafkaSourceStats.create();
 * Source<ConsumerRecord<String, String>> orders = KafkaSources.strings("orders", options.stats(stats));
 * // ... after or during the run
 * log.info("{} received, {} waited behind a gap at most", stats.received(), stats.maxBehindGap());
 * }</pre>
 */
public final class KafkaSourceStats {

    private final LongAdder received = new LongAdder();
    private final LongAdder redelivered = new LongAdder();
    private final LongAdder committedOffsets = new LongAdder();
    private final LongAdder commits = new LongAdder();
    private final LongAdder commitFailures = new LongAdder();
    private final LongAdder pauses = new LongAdder();
    private final LongAdder abandoned = new LongAdder();
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong maxInFlight = new AtomicLong();
    private final AtomicLong behindGap = new AtomicLong();
    private final AtomicLong maxBehindGap = new AtomicLong();

    private KafkaSourceStats() {
    }

    /**
     * New counters, all zero.
     *
     * @return the counters
     */
    public static KafkaSourceStats create() {
        return new KafkaSourceStats();
    }

    void received(boolean redelivery) {
        received.increment();
        if (redelivery) {
            redelivered.increment();
        }
    }

    void committed(long offsets) {
        commits.increment();
        committedOffsets.add(offsets);
    }

    void commitFailed() {
        commitFailures.increment();
    }

    void paused(int partitions) {
        pauses.add(partitions);
    }

    void abandoned(int records) {
        abandoned.add(records);
    }

    void sample(long inFlightNow, long behindGapNow, long maxBehindGapSeen) {
        inFlight.set(inFlightNow);
        maxInFlight.accumulateAndGet(inFlightNow, Math::max);
        behindGap.set(behindGapNow);
        maxBehindGap.accumulateAndGet(Math.max(behindGapNow, maxBehindGapSeen), Math::max);
    }

    /**
     * Records handed to the pipeline.
     *
     * @return the count
     */
    public long received() {
        return received.sum();
    }

    /**
     * Records marked {@link dev.pipeline.core.Delivery#redelivered() redelivered}: see
     * {@link KafkaSources} for when a record is.
     *
     * @return the count
     */
    public long redelivered() {
        return redelivered.sum();
    }

    /**
     * How far commits moved the partitions' positions, in offsets (the records they cover).
     *
     * @return the sum over every partition and commit
     */
    public long committedOffsets() {
        return committedOffsets.sum();
    }

    /**
     * Offset commits that succeeded.
     *
     * @return the count
     */
    public long commits() {
        return commits.sum();
    }

    /**
     * Offset commits that failed (retried by the next commit, which covers the same offsets).
     *
     * @return the count
     */
    public long commitFailures() {
        return commitFailures.sum();
    }

    /**
     * Times a partition was paused because its records, or all records, in flight reached the bound.
     *
     * @return the count
     */
    public long pauses() {
        return pauses.sum();
    }

    /**
     * Records not done when their partition was given up (revoked after the grace period, lost,
     * or the run ended): the partition's next owner receives them again.
     *
     * @return the count
     */
    public long abandoned() {
        return abandoned.sum();
    }

    /**
     * Records in flight or done behind a gap, at the source's last look.
     *
     * @return the count
     */
    public long inFlight() {
        return inFlight.get();
    }

    /**
     * The most records ever in flight at once (the bound backpressure keeps).
     *
     * @return the high-water mark
     */
    public long maxInFlight() {
        return maxInFlight.get();
    }

    /**
     * Records done out of order, waiting for an earlier record of their partition, at the
     * source's last look: their offsets are not committed until the gap closes.
     *
     * @return the count
     */
    public long behindGap() {
        return behindGap.get();
    }

    /**
     * The most records that ever waited behind a gap in one partition.
     *
     * @return the high-water mark
     */
    public long maxBehindGap() {
        return maxBehindGap.get();
    }

    @Override
    public String toString() {
        return "KafkaSourceStats[received=" + received() + ", redelivered=" + redelivered() + ", commits=" + commits()
                + ", committedOffsets=" + committedOffsets() + ", commitFailures=" + commitFailures()
                + ", maxInFlight=" + maxInFlight() + ", maxBehindGap=" + maxBehindGap() + ", pauses=" + pauses()
                + ", abandoned=" + abandoned() + "]";
    }
}
