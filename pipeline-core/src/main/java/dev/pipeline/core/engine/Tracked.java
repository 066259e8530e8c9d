package dev.pipeline.core.engine;

import dev.pipeline.core.Settlement;

/**
 * An item of an acknowledged source on its way through a run: the value the stages see and
 * the {@link Ticket} share it carries. Immutable: a stage that maps the value makes a new one
 * with the same share, so a broadcast can hand one instance to every branch. Only runs with
 * an acknowledged source have them; every other item flows as it is.
 */
final class Tracked {

    final Object value;
    final Ticket ticket;

    Tracked(Object value, Ticket ticket) {
        this.value = value;
        this.ticket = ticket;
    }

    /** The same share with another value. */
    Tracked with(Object next) {
        return new Tracked(next, ticket);
    }

    /** The value of an item, tracked or not. */
    static Object value(Object item) {
        return item instanceof Tracked t ? t.value : item;
    }

    /** {@code next} carrying {@code item}'s share, if {@code item} has one. */
    static Object carry(Object item, Object next) {
        return item instanceof Tracked t ? new Tracked(next, t.ticket) : next;
    }

    /** Releases {@code item}'s share, if it has one. */
    static void release(Object item, Settlement how) {
        if (item instanceof Tracked t) {
            t.ticket.release(how);
        }
    }

    @Override
    public String toString() {
        return String.valueOf(value);
    }
}
