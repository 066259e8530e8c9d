package dev.pipeline.connectors.kafka.internal;

import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The commit position of one assigned partition: the offset below which every record this
 * consumer emitted has left the pipeline. Records are {@link #emitted} in offset order by the
 * consumer's thread and {@link #settle settled} in any order on any thread; a record settled
 * while an earlier one is still in flight waits behind that gap (counted, with its high-water
 * mark) and the position moves past both only when the gap closes.
 *
 * <p>One lock guards everything; the one rule: a tracker that was {@link #close closed}
 * (revoked, lost, or the run ended) counts no settlement any more, so a late settlement of a
 * record a previous owner of the partition emitted can never move the position of a new one.
 */
public final class OffsetTracker {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition drained = lock.newCondition();
    /** In-flight records by offset: false while in flight, true once settled behind a gap. */
    private final TreeMap<Long, Boolean> pending = new TreeMap<>();
    private long position = -1;
    private int behindGap;
    private int maxBehindGap;
    private boolean closed;

    /**
     * Records that the record at {@code offset} was handed downstream.
     *
     * @param offset its offset, greater than every offset emitted before
     */
    public void emitted(long offset) {
        lock.lock();
        try {
            Map.Entry<Long, Boolean> last = pending.lastEntry();
            long floor = last != null ? last.getKey() : position - 1;
            if (offset <= floor) {
                throw new IllegalStateException("offsets must increase: " + offset + " after " + floor);
            }
            pending.put(offset, Boolean.FALSE);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Marks the record at {@code offset} done.
     *
     * @param offset an emitted offset
     * @return true when this settlement counted; false when the tracker is closed or the
     *     record was settled before
     */
    public boolean settle(long offset) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            Boolean done = pending.get(offset);
            if (done == null || done) {
                return false;
            }
            if (!pending.firstKey().equals(offset)) {
                pending.put(offset, Boolean.TRUE);
                behindGap++;
                maxBehindGap = Math.max(maxBehindGap, behindGap);
                return true;
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
            if (pending.isEmpty()) {
                drained.signalAll();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The offset to commit: the first record not done yet, or one past the last emitted when
     * all are done.
     *
     * @return the position, or -1 before any record was done
     */
    public long position() {
        lock.lock();
        try {
            return position;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Emitted records not counted as done in the position yet (in flight or behind a gap).
     *
     * @return the count
     */
    public int inFlight() {
        lock.lock();
        try {
            return pending.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records done but waiting behind an earlier record still in flight.
     *
     * @return the count now
     */
    public int behindGap() {
        lock.lock();
        try {
            return behindGap;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The most records that ever waited behind a gap at once.
     *
     * @return the high-water mark
     */
    public int maxBehindGap() {
        lock.lock();
        try {
            return maxBehindGap;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits, blocking the caller (the consumer's own thread, never a Reactor one), until every
     * emitted record is done or the time is up.
     *
     * @param nanos the longest wait
     * @return the time left, {@code <= 0} when it ran out with records still in flight
     * @throws InterruptedException when the thread is interrupted
     */
    public long awaitDrained(long nanos) throws InterruptedException {
        lock.lock();
        try {
            long left = nanos;
            while (!pending.isEmpty() && !closed && left > 0) {
                left = drained.awaitNanos(left);
            }
            return pending.isEmpty() ? Math.max(left, 1) : 0;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops counting settlements: the partition was given up.
     *
     * @return the records not counted in the position: in flight (their settlements will be
     *     ignored) or done behind a gap; the partition's next owner receives them again
     */
    public int close() {
        lock.lock();
        try {
            closed = true;
            drained.signalAll();
            return pending.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            return "OffsetTracker[position=" + position + ", inFlight=" + pending.size() + ", behindGap=" + behindGap
                    + (closed ? ", closed" : "") + "]";
        } finally {
            lock.unlock();
        }
    }
}
