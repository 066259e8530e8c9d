package dev.pipeline.core;

import java.time.Duration;
import java.util.Locale;

/**
 * What an {@link Source#acknowledged acknowledged source}'s items became in a run: how many it
 * delivered (and how many of those were redeliveries), how each one settled, how many were
 * still unsettled when the report was taken (in flight; after a failure or cancel, what the
 * broker will redeliver), the most that were unsettled at once, and the longest an item waited
 * from its delivery to its settlement.
 *
 * @param source the source's name
 * @param delivered deliveries the source emitted into the run
 * @param redelivered of those, the ones marked {@link Delivery#redelivered() redelivered}
 * @param stored settled as {@link Settlement#STORED}
 * @param filtered settled as {@link Settlement#FILTERED}
 * @param skipped settled as {@link Settlement#SKIPPED}
 * @param deadLettered settled as {@link Settlement#DEAD_LETTERED} (a broker's nack)
 * @param inFlight delivered and not settled: unacked in flight, or left unacked at the end
 * @param maxInFlight the most that were unsettled at once
 * @param longestWait the longest time from a delivery to its settlement (zero before any settled)
 * @see PipelineReport#acks()
 */
public record AckReport(String source, long delivered, long redelivered, long stored, long filtered, long skipped,
        long deadLettered, long inFlight, long maxInFlight, Duration longestWait) {

    /**
     * Items settled in a way a broker acknowledges: stored, filtered or skipped.
     *
     * @return {@code stored + filtered + skipped}
     */
    public long acked() {
        return stored + filtered + skipped;
    }

    /**
     * Items settled in any way.
     *
     * @return {@code acked() + deadLettered}
     */
    public long settled() {
        return acked() + deadLettered;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "acks '%s': %d delivered (%d redelivered), %d acked (%d stored, %d filtered,"
                        + " %d skipped), %d dead-lettered, %d unacked in flight (max %d), longest wait %.3f s",
                source, delivered, redelivered, acked(), stored, filtered, skipped, deadLettered, inFlight, maxInFlight,
                longestWait.toNanos() / 1e9);
    }
}
