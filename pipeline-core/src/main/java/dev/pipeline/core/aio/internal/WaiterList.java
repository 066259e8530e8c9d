package dev.pipeline.core.aio.internal;

/**
 * A FIFO of waiters, linked intrusively so that adding, polling and unlinking a cancelled
 * waiter are O(1) whatever the number of waiters. Not thread-safe: the owner guards it with
 * its lock.
 *
 * @param <T> what the waiters are granted
 */
public final class WaiterList<T> {

    private Waiter<T> head;
    private Waiter<T> tail;
    private int size;

    public void add(Waiter<T> w) {
        w.list = this;
        w.prev = tail;
        w.next = null;
        if (tail == null) {
            head = w;
        } else {
            tail.next = w;
        }
        tail = w;
        size++;
    }

    /** Unlinks {@code w} if it is in this list; O(1). */
    public boolean remove(Waiter<T> w) {
        if (w.list != this) {
            return false;
        }
        Waiter<T> p = w.prev;
        Waiter<T> n = w.next;
        if (p == null) {
            head = n;
        } else {
            p.next = n;
        }
        if (n == null) {
            tail = p;
        } else {
            n.prev = p;
        }
        w.prev = null;
        w.next = null;
        w.list = null;
        size--;
        return true;
    }

    /** Removes and returns the oldest waiter, or null. */
    public Waiter<T> poll() {
        Waiter<T> w = head;
        if (w != null) {
            remove(w);
        }
        return w;
    }

    public Waiter<T> peek() {
        return head;
    }

    public boolean isEmpty() {
        return head == null;
    }

    /** Waiters linked here, including cancelled ones not yet unlinked. */
    public int size() {
        return size;
    }

    /**
     * Unlinks every waiter already cancelled whose owner has not removed it yet (its
     * {@link WaiterOwner#remove} will find nothing); O(size).
     *
     * @return how many were unlinked
     */
    public int removeCancelled() {
        int removed = 0;
        for (Waiter<T> w = head; w != null; ) {
            Waiter<T> n = w.next;
            if (w.isCancelled()) {
                remove(w);
                removed++;
            }
            w = n;
        }
        return removed;
    }

    /**
     * Grants {@code value} to the oldest waiter still waiting, unlinking it and any cancelled
     * waiters in front of it.
     *
     * @return the granted waiter, or null if none is waiting
     */
    public Waiter<T> grantFirst(T value) {
        Waiter<T> w;
        while ((w = poll()) != null) {
            if (w.tryGrant(value)) {
                return w;
            }
        }
        return null;
    }

    /**
     * Grants {@code value} to every waiting waiter and empties the list.
     *
     * @return the chain of granted waiters (see {@link Trampoline#signalAll})
     */
    public Waiter<?> grantAll(T value, Waiter<?> chain) {
        Waiter<T> w;
        while ((w = poll()) != null) {
            if (w.tryGrant(value)) {
                chain = Waiter.chain(w, chain);
            }
        }
        return chain;
    }

    /**
     * Fails every waiting waiter with {@code error} and empties the list.
     *
     * @return the chain of failed waiters (see {@link Trampoline#signalAll})
     */
    public Waiter<?> failAll(Throwable error, Waiter<?> chain) {
        Waiter<T> w;
        while ((w = poll()) != null) {
            if (w.tryFail(error)) {
                chain = Waiter.chain(w, chain);
            }
        }
        return chain;
    }
}
