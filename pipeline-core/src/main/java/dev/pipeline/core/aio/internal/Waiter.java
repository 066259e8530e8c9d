package dev.pipeline.core.aio.internal;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One party waiting for a permit, an item or a signal, as a small state machine:
 *
 * <pre>
 *   WAITING --grant--&gt; GRANTED --claim--&gt; DONE        (delivered to the subscriber)
 *      |                   |
 *      +-----cancel--------+--------&gt; CANCELLED       (granted value relinquished)
 * </pre>
 *
 * <p>The owner grants under its own lock, then signals outside it; cancellation needs no lock
 * to decide. Whoever moves the state out of {@code GRANTED} owns the value: the deliverer
 * hands it to the subscriber, a canceller hands it back to the owner
 * ({@link WaiterOwner#relinquish}). So a grant that races a cancel is never lost and never
 * delivered twice.
 *
 * <p>The {@code prev}/{@code next} links belong to the {@link WaiterList} holding the waiter
 * and are guarded by the owner's lock.
 *
 * @param <T> what is granted
 */
public abstract class Waiter<T> extends Trampoline.Task {

    protected static final int WAITING = 0;
    protected static final int GRANTED = 1;
    protected static final int DONE = 2;
    protected static final int CANCELLED = 3;

    /** An updater, not a {@code VarHandle}: see the package comment on the first-use path. */
    @SuppressWarnings("rawtypes")
    private static final AtomicIntegerFieldUpdater<Waiter> STATE =
            AtomicIntegerFieldUpdater.newUpdater(Waiter.class, "state");

    private volatile int state;
    /** The granted value; published by the CAS to GRANTED. */
    protected T value;
    /** The granted failure, instead of a value. */
    protected Throwable error;
    /** Owner data carried while waiting (an item to put, an arrival index). */
    public Object attachment;

    Waiter<T> prev;
    Waiter<T> next;
    WaiterList<T> list;
    /** Link for a chain of granted waiters to signal after the owner's lock is released. */
    Waiter<?> readyNext;

    /** Grants {@code v}; false if the waiter was already cancelled (or granted). */
    public final boolean tryGrant(T v) {
        value = v;
        if (STATE.compareAndSet(this, WAITING, GRANTED)) {
            return true;
        }
        value = null;
        return false;
    }

    /** Grants a failure; false if the waiter was already cancelled (or granted). */
    public final boolean tryFail(Throwable e) {
        error = e;
        if (STATE.compareAndSet(this, WAITING, GRANTED)) {
            return true;
        }
        error = null;
        return false;
    }

    /**
     * Moves a waiting waiter straight to DONE, for an owner that will deliver the value itself
     * at once (after releasing its lock); false if the waiter was already cancelled.
     */
    public final boolean tryClaimNow() {
        return STATE.compareAndSet(this, WAITING, DONE);
    }

    /**
     * Cancels a waiter that has not been granted yet, without telling its owner (for an owner
     * that unlinks it itself, under its own lock).
     *
     * @return true if this call cancelled it
     */
    public final boolean cancelIfWaiting() {
        return STATE.compareAndSet(this, WAITING, CANCELLED);
    }

    public final boolean isWaiting() {
        return state == WAITING;
    }

    public final boolean isCancelled() {
        return state == CANCELLED;
    }

    public final boolean isGranted() {
        return state == GRANTED;
    }

    public final boolean isDone() {
        return state == DONE;
    }

    /** Moves GRANTED to DONE; the caller that wins delivers {@link #value}/{@link #error}. */
    protected final boolean claim() {
        return STATE.compareAndSet(this, GRANTED, DONE);
    }

    /**
     * Cancels: a waiting waiter is unlinked from its owner, a granted one hands its value back.
     *
     * @return true if this call cancelled the waiter
     */
    protected final boolean cancelWaiter(WaiterOwner<T> owner) {
        for (;;) {
            int s = state;
            if (s == WAITING) {
                if (STATE.compareAndSet(this, WAITING, CANCELLED)) {
                    owner.remove(this);
                    return true;
                }
            } else if (s == GRANTED) {
                if (STATE.compareAndSet(this, GRANTED, CANCELLED)) {
                    T v = value;
                    Throwable e = error;
                    value = null;
                    error = null;
                    if (e == null) {
                        owner.relinquish(v);
                    }
                    return true;
                }
            } else {
                return false;
            }
        }
    }

    /**
     * Called once after a successful grant, outside the owner's lock. Implementations hand the
     * delivery to {@link Trampoline#execute} (which calls {@link #run()}).
     */
    public abstract void signal();

    /**
     * Links {@code w} in front of a chain of granted waiters (to signal later with
     * {@link Trampoline#signalAll}); returns the new head.
     */
    public static Waiter<?> chain(Waiter<?> w, Waiter<?> head) {
        w.readyNext = head;
        return w;
    }

    protected static String stateName(int s) {
        switch (s) {
            case WAITING: return "waiting";
            case GRANTED: return "granted";
            case DONE: return "done";
            default: return "cancelled";
        }
    }

    protected final int state() {
        return state;
    }
}
