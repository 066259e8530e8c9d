package dev.pipeline.core.engine;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;

import dev.pipeline.core.Settlement;

/**
 * The items a {@link ContextSink} received from a run with an acknowledged source and has not
 * finished, in the order received and by identity (or, for an item that is not the instance
 * received, the oldest equal one): the sink's code sees values, and tells the
 * engine which it finished by count ({@code completed(n)}: the oldest), by the items
 * themselves ({@code completed(items)}) or by rejecting one. Holds at most what the sink has in
 * flight. Thread-safe (one lock; only runs with an acknowledged source have one).
 */
final class PendingItems {

    private static final class Entry {
        final Object value;
        final Ticket ticket;
        boolean done;

        Entry(Object value, Ticket ticket) {
            this.value = value;
            this.ticket = ticket;
        }
    }

    private final ArrayDeque<Entry> order = new ArrayDeque<>();
    private final Map<Object, ArrayDeque<Entry>> byValue = new IdentityHashMap<>();

    /** Registers an item as the sink receives it; returns its value. */
    synchronized Object add(Object item) {
        Entry e = item instanceof Tracked t ? new Entry(t.value, t.ticket) : new Entry(item, null);
        order.addLast(e);
        byValue.computeIfAbsent(e.value, v -> new ArrayDeque<>(1)).addLast(e);
        return e.value;
    }

    /** Settles the {@code n} oldest unfinished items as stored. */
    void completeOldest(long n) {
        for (long i = 0; i < n; i++) {
            Entry e;
            synchronized (this) {
                e = pollOldest();
                if (e == null) {
                    return;
                }
                unlink(e);
            }
            if (e.ticket != null) {
                e.ticket.release(Settlement.STORED);
            }
        }
    }

    /** Settles exactly these items as stored. */
    void complete(Collection<?> items) {
        for (Object item : items) {
            Entry e = claim(item);
            if (e != null && e.ticket != null) {
                e.ticket.release(Settlement.STORED);
            }
        }
    }

    /** Takes an item out for a rejection: the item with its share, to go to the policy. */
    Object take(Object item) {
        Entry e = claim(item);
        return e == null || e.ticket == null ? item : new Tracked(e.value, e.ticket);
    }

    /** How many items are unfinished. */
    synchronized int size() {
        int n = 0;
        for (Entry e : order) {
            n += e.done ? 0 : 1;
        }
        return n;
    }

    private synchronized Entry claim(Object item) {
        ArrayDeque<Entry> same = byValue.get(item);
        if (same == null) {
            // not the instance the sink received (a boxed number, a copy): the oldest equal one
            Entry equal = oldestEqual(item);
            if (equal == null) {
                return null;
            }
            item = equal.value;
            same = byValue.get(item);
        }
        Entry e = same.pollFirst();
        if (same.isEmpty()) {
            byValue.remove(item);
        }
        e.done = true;
        while (!order.isEmpty() && order.peekFirst().done) {
            order.pollFirst();
        }
        return e;
    }

    private Entry oldestEqual(Object item) {
        for (Entry e : order) {
            if (!e.done && Objects.equals(e.value, item)) {
                return e;
            }
        }
        return null;
    }

    private Entry pollOldest() {
        Entry e;
        while ((e = order.pollFirst()) != null) {
            if (!e.done) {
                e.done = true;
                return e;
            }
        }
        return null;
    }

    private void unlink(Entry e) {
        ArrayDeque<Entry> same = byValue.get(e.value);
        if (same != null) {
            same.remove(e);
            if (same.isEmpty()) {
                byValue.remove(e.value);
            }
        }
    }
}
