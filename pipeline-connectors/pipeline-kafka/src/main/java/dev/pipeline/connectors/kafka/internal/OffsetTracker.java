package dev.pipeline.connectors.kafka.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.pipeline.core.Watermark;

/**
 * The commit position of one assigned partition: a {@link Watermark} over its offsets (the
 * offset below which every record this consumer emitted has left the pipeline; a record done
 * while an earlier one is still in flight waits behind the gap), plus what a consumer needs
 * around it: a high-water mark of the records behind a gap, a wait for the records in flight
 * to be done on revocation, and a close after which no settlement counts, so a late
 * settlement of a record emitted under an earlier assignment never moves a later one.
 *
 * <p>Records are {@link #emitted} in offset order, and the tracker is waited on and closed, by
 * the consumer's own thread; records are {@link #settle settled} on any thread (the
 * watermark is thread-safe; its critical sections are a few field updates) and a settlement
 * wakes the consumer's thread if it is waiting.
 */
public final class OffsetTracker {

    private final Watermark watermark = Watermark.startingAt(0);
    private final AtomicLong maxBehindGap = new AtomicLong();
    /** The first offset emitted, -1 before any: the position is reported once the mark passed it. */
    private volatile long first = -1;
    private volatile boolean closed;
    private volatile Thread waiter;

    /**
     * Records that the record at {@code offset} was handed downstream.
     *
     * @param offset its offset, greater than every offset emitted before
     * @throws IllegalArgumentException if it is not
     */
    public void emitted(long offset) {
        watermark.track(offset);
        if (first < 0) {
            first = offset;
        }
    }

    /**
     * Marks the record at {@code offset} done; any thread.
     *
     * @param offset an emitted offset, settled at most once
     * @return false when the tracker is closed (the settlement does not count)
     * @throws IllegalArgumentException for an offset not emitted or already settled while open
     */
    public boolean settle(long offset) {
        if (closed) {
            return false;
        }
        watermark.settle(offset);
        long waiting = watermark.waiting();
        if (waiting > maxBehindGap.get()) {
            maxBehindGap.accumulateAndGet(waiting, Math::max);
        }
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
        return true;
    }

    /**
     * The offset to commit: the first record not done yet, or one past the last emitted when
     * all are done.
     *
     * @return the position, or -1 while the first record emitted is not done (nothing to commit)
     */
    public long position() {
        long f = first;
        long mark = watermark.mark();
        return f >= 0 && mark > f ? mark : -1;
    }

    /**
     * Emitted records not counted in the position yet (in flight or done behind a gap).
     *
     * @return the count
     */
    public int inFlight() {
        return (int) (watermark.inFlight() + watermark.waiting());
    }

    /**
     * Records done but waiting behind an earlier record still in flight.
     *
     * @return the count now
     */
    public int behindGap() {
        return (int) watermark.waiting();
    }

    /**
     * The most records that waited behind a gap at once.
     *
     * @return the high-water mark
     */
    public int maxBehindGap() {
        return (int) maxBehindGap.get();
    }

    /**
     * Waits, blocking the consumer's own thread (never a Reactor one), until every emitted
     * record is done, the tracker is closed, or the time is up.
     *
     * @param nanos the longest wait
     * @return the time left, {@code <= 0} when it ran out with records still in flight
     */
    public long awaitDrained(long nanos) {
        long deadline = System.nanoTime() + nanos;
        waiter = Thread.currentThread();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (watermark.inFlight() == 0 || closed) {
                    return Math.max(left, 1);
                }
                if (left <= 0 || Thread.currentThread().isInterrupted()) {
                    return 0;
                }
                // a settlement unparks this thread; a spurious wake-up just looks again
                LockSupport.parkNanos(this, left);
            }
        } finally {
            waiter = null;
        }
    }

    /**
     * Stops counting settlements: the partition was given up.
     *
     * @return the records not counted in the position: in flight (their settlements will be
     *     ignored) or done behind a gap; the partition's next owner receives them again
     */
    public int close() {
        closed = true;
        return inFlight();
    }

    @Override
    public String toString() {
        return "OffsetTracker[" + watermark + (closed ? ", closed" : "") + "]";
    }
}
