package dev.pipeline.core;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

import dev.pipeline.core.internal.Require;

/**
 * The position below which every item of an ordered source is settled, for sources that
 * commit a position rather than acknowledge items one by one: a Kafka partition's offset, a
 * file's byte offset or record count. Items are {@link #track tracked} in the order the source
 * reads them and {@link #settle settled} in any order (as a pipeline finishes them); the
 * {@link #mark() mark} only moves over a contiguous run of settled items, so an item that
 * settles early waits behind the gap of an earlier one ({@link #waiting()} counts them).
 * Committing the mark and restarting there repeats only what was not settled: nothing is lost.
 *
 * <pre>{@code
 * Watermark offsets = Watermark.startingAt(committed);
 * Source<Record> records = Source.acknowledged("orders", ctx -> poll().map(r -> {
 *     offsets.track(r.offset());
 *     return Delivery.of(r, false, s -> offsets.settle(r.offset()));
 * }));
 * // now and then: commit(offsets.mark())
 * }</pre>
 *
 * <p>Thread-safe: any thread may track, settle and read. It holds one small entry per item
 * tracked and not yet passed by the mark, so it is bounded by what the source lets be in
 * flight.
 */
public final class Watermark {

    private static final class Entry {
        final long position;
        final long next;
        boolean settled;

        Entry(long position, long next) {
            this.position = position;
            this.next = next;
        }
    }

    private final ArrayDeque<Entry> pending = new ArrayDeque<>();
    private final Map<Long, Entry> byPosition = new HashMap<>();
    private long mark;
    private long end;
    private long waiting;

    private Watermark(long start) {
        this.mark = start;
        this.end = start;
    }

    /**
     * A watermark whose mark is {@code position} until items are tracked.
     *
     * @param position where the source starts reading, {@code >= 0}: a committed offset, a
     *     checkpoint's position, or 0
     * @return a new watermark
     */
    public static Watermark startingAt(long position) {
        return new Watermark(Require.nonNegative(position, "position"));
    }

    /**
     * Tracks an item that occupies one position ({@code position}, then {@code position + 1}
     * comes next), as a Kafka offset does. Same as {@code track(position, position + 1)}.
     *
     * @param position the item's position
     * @throws IllegalArgumentException if it is not after the last position tracked
     */
    public void track(long position) {
        track(position, position + 1);
    }

    /**
     * Tracks an item from {@code position} to {@code next} (exclusive), as a line of a file
     * spans bytes: once it and everything before it are settled, the mark moves to {@code next}.
     * Items are tracked in the order the source reads them.
     *
     * @param position where the item starts, not before the end of the last one tracked
     * @param next where the next item starts, {@code > position}
     * @throws IllegalArgumentException if the item overlaps or precedes the last one tracked
     */
    public synchronized void track(long position, long next) {
        if (position < end) {
            throw new IllegalArgumentException("position must be >= " + end
                    + " (the end of the last item tracked; items are tracked in reading order), was " + position);
        }
        if (next <= position) {
            throw new IllegalArgumentException("next must be > position " + position + ", was " + next);
        }
        Entry e = new Entry(position, next);
        if (pending.isEmpty()) {
            mark = position;
        }
        pending.addLast(e);
        byPosition.put(position, e);
        end = next;
    }

    /**
     * Settles the item tracked at {@code position}, in any order; the mark moves over every
     * settled item at its front.
     *
     * @param position a tracked item's position
     * @throws IllegalArgumentException if no unsettled item is tracked there
     */
    public synchronized void settle(long position) {
        Entry e = byPosition.remove(position);
        if (e == null) {
            throw new IllegalArgumentException("no unsettled item is tracked at position " + position
                    + " (the mark is " + mark + ", the end " + end + ")");
        }
        e.settled = true;
        waiting++;
        while (!pending.isEmpty() && pending.peekFirst().settled) {
            Entry done = pending.pollFirst();
            waiting--;
            mark = done.next;
        }
        if (!pending.isEmpty()) {
            mark = pending.peekFirst().position;
        }
    }

    /**
     * The position below which every tracked item is settled: the first unsettled item's
     * position, or the end of the last item when all are settled. Where to commit, and where
     * a restart resumes. Never moves back.
     *
     * @return the mark
     */
    public synchronized long mark() {
        return mark;
    }

    /**
     * Items settled but behind a gap: an earlier item is still unsettled, so the mark cannot
     * pass them yet (a restart would repeat them).
     *
     * @return how many wait behind the gap
     */
    public synchronized long waiting() {
        return waiting;
    }

    /**
     * Items tracked and not settled.
     *
     * @return how many are in flight
     */
    public synchronized long inFlight() {
        return byPosition.size();
    }

    @Override
    public synchronized String toString() {
        return "Watermark[mark=" + mark + ", in flight=" + byPosition.size() + ", waiting=" + waiting + "]";
    }
}
