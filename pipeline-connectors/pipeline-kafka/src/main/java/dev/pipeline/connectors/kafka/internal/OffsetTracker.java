package dev.pipeline.connectors.kafka.internal;

import java.util.Iterator;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The commit position of one assigned partition: the offset below which every record this
 * consumer emitted has left the pipeline. Records are {@link #emitted} in offset order and the
 * position is read by the consumer's own thread, the <em>owner</em>; records are
 * {@link #settle settled} in any order on any thread. A record settled while an earlier one is
 * still in flight waits behind that gap (counted, with its high-water mark), and the position
 * moves past both only when the gap closes.
 *
 * <p>Settling never blocks and takes no lock (settlements come on Reactor threads): it puts the
 * offset on a lock-free queue and wakes the owner if it is {@link #awaitDrained waiting}. The
 * owner applies the queued settlements before it reads anything, so all other state is the
 * owner's alone. The queue holds at most one entry per record in flight, since a delivery is
 * settled at most once. A tracker that was {@link #close closed} (the partition was revoked or
 * lost, or the run ended) counts no settlement any more, so a late settlement of a record
 * emitted under an earlier assignment never moves the position of a later one.
 */
public final class OffsetTracker {

    private final Queue<Long> settled = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;
    private volatile Thread waiter;

    // the owner's alone
    /** Records not counted in the position yet, by offset: false while in flight, true once done behind a gap. */
    private final TreeMap<Long, Boolean> pending = new TreeMap<>();
    private long position = -1;
    private int behindGap;
    private int maxBehindGap;

    /**
     * Records that the record at {@code offset} was handed downstream. Owner only.
     *
     * @param offset its offset, greater than every offset emitted before
     */
    public void emitted(long offset) {
        Map.Entry<Long, Boolean> last = pending.lastEntry();
        long floor = last != null ? last.getKey() : position - 1;
        if (offset <= floor) {
            throw new IllegalStateException("offsets must increase: " + offset + " after " + floor);
        }
        pending.put(offset, Boolean.FALSE);
    }

    /**
     * Marks the record at {@code offset} done; any thread, never blocks. A second settlement
     * of one record, or of an offset never emitted, is ignored.
     *
     * @param offset an emitted offset
     * @return false when the tracker is closed (the settlement will never count)
     */
    public boolean settle(long offset) {
        if (closed) {
            return false;
        }
        settled.offer(offset);
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
        return true;
    }

    /** Applies the queued settlements. Owner only. */
    private void apply() {
        Long next;
        while ((next = settled.poll()) != null) {
            long offset = next;
            Boolean done = pending.get(offset);
            if (done == null || done) {
                continue;
            }
            if (pending.firstKey() != offset) {
                pending.put(offset, Boolean.TRUE);
                behindGap++;
                maxBehindGap = Math.max(maxBehindGap, behindGap);
                continue;
            }
            pending.remove(offset);
            position = offset + 1;
            for (Iterator<Map.Entry<Long, Boolean>> it = pending.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Long, Boolean> e = it.next();
                if (!e.getValue()) {
                    break;
                }
                it.remove();
                behindGap--;
                position = e.getKey() + 1;
            }
        }
    }

    /**
     * The offset to commit: the first record not done yet, or one past the last emitted when
     * all are done. Owner only.
     *
     * @return the position, or -1 before any record was done
     */
    public long position() {
        apply();
        return position;
    }

    /**
     * Emitted records not counted in the position yet (in flight or done behind a gap). Owner only.
     *
     * @return the count
     */
    public int inFlight() {
        apply();
        return pending.size();
    }

    /**
     * Records done but waiting behind an earlier record still in flight. Owner only.
     *
     * @return the count now
     */
    public int behindGap() {
        apply();
        return behindGap;
    }

    /**
     * The most records that ever waited behind a gap at once. Owner only.
     *
     * @return the high-water mark
     */
    public int maxBehindGap() {
        apply();
        return maxBehindGap;
    }

    /**
     * Waits, blocking the owner (the consumer's own thread, never a Reactor one), until every
     * emitted record is done or the time is up.
     *
     * @param nanos the longest wait
     * @return the time left, {@code <= 0} when it ran out with records still in flight
     */
    public long awaitDrained(long nanos) {
        long deadline = System.nanoTime() + nanos;
        waiter = Thread.currentThread();
        try {
            while (true) {
                apply();
                long left = deadline - System.nanoTime();
                if (pending.isEmpty() || closed) {
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
     * Stops counting settlements: the partition was given up. Owner only.
     *
     * @return the records not counted in the position: in flight (their settlements will be
     *     ignored) or done behind a gap; the partition's next owner receives them again
     */
    public int close() {
        closed = true;
        apply();
        return pending.size();
    }

    @Override
    public String toString() {
        return "OffsetTracker[position=" + position + ", pending=" + pending.size() + ", behindGap=" + behindGap
                + (closed ? ", closed" : "") + "]";
    }
}
