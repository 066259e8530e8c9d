package dev.pipeline.core.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;

import dev.pipeline.core.Settlement;

/**
 * What an item of an acknowledged source owes its source: a reference count of the pieces of
 * work derived from it that have not left the pipeline yet, and the worst way one of them left.
 *
 * <p>The one rule: whoever holds a share passes it on or releases it, exactly once. An item
 * starts with one share. A 1:1 stage passes its share on with its result; a flatMap child, a
 * broadcast copy takes a new share ({@link #retain}) before it can be seen downstream, so the
 * count never reaches zero while a piece is still on its way; the parent then releases its
 * own. A sink, a filter, a skip or a dead-letter sink's success releases a share with how it
 * left. The release that brings the count to zero settles the ticket, once, with the worst
 * settlement recorded ({@link Settlement#worst}): the worst is recorded before the decrement,
 * so the last releaser sees every earlier one. A piece that is cut off (cancel, failure)
 * releases nothing, so the ticket never settles.
 */
abstract class Ticket {

    private static final VarHandle COUNT;
    private static final VarHandle WORST;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            COUNT = l.findVarHandle(Ticket.class, "count", int.class);
            WORST = l.findVarHandle(Ticket.class, "worst", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final Settlement[] SETTLEMENTS = Settlement.values();

    @SuppressWarnings("unused") // through COUNT
    private volatile int count = 1;
    @SuppressWarnings("unused") // through WORST
    private volatile int worst = -1;

    /** Adds {@code n} shares, for pieces derived from the item (before they can be released). */
    final void retain(int n) {
        int before = (int) COUNT.getAndAdd(this, n);
        if (before <= 0) {
            throw new IllegalStateException("a settled ticket was retained (" + this + ")");
        }
    }

    /** Releases one share with how that piece left; the last one settles the ticket. */
    final void release(Settlement how) {
        int o = how.ordinal();
        int w;
        do {
            w = (int) WORST.getVolatile(this);
        } while (w < o && !WORST.compareAndSet(this, w, o));
        int left = (int) COUNT.getAndAdd(this, -1) - 1;
        if (left == 0) {
            settled(SETTLEMENTS[(int) WORST.getVolatile(this)]);
        } else if (left < 0) {
            throw new IllegalStateException("a ticket was released more often than it was retained (" + this + ")");
        }
    }

    /** Shares not released yet (for tests and reports). */
    final int shares() {
        return (int) COUNT.getVolatile(this);
    }

    /** Called once, by the release that brought the count to zero. */
    abstract void settled(Settlement how);

    /** A ticket for a batch: when it settles, each member is released with the batch's settlement. */
    static Ticket group(List<Ticket> members) {
        Ticket[] all = members.toArray(new Ticket[0]);
        return new Ticket() {
            @Override
            void settled(Settlement how) {
                for (Ticket m : all) {
                    m.release(how);
                }
            }

            @Override
            public String toString() {
                return "Ticket[batch of " + all.length + "]";
            }
        };
    }

    /**
     * A ticket for a dead letter: when the dead-letter sink is done with it, the item it came
     * from is released as {@link Settlement#DEAD_LETTERED} (or worse).
     */
    static Ticket deadLetter(Ticket item) {
        return new Ticket() {
            @Override
            void settled(Settlement how) {
                item.release(how.worst(Settlement.DEAD_LETTERED));
            }

            @Override
            public String toString() {
                return "Ticket[dead letter of " + item + "]";
            }
        };
    }
}
