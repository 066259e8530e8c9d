package dev.pipeline.core.aio.internal;

import java.util.function.Supplier;

import reactor.core.publisher.Mono;

/**
 * Counted permits with a FIFO of waiters: the state behind {@code AsyncSemaphore} and
 * {@code AsyncLock}. All transitions happen under this object's monitor, which is held for a
 * few field updates only (never while user code runs); waiters are signalled after it is
 * released.
 */
public final class Permits implements WaiterOwner<Void> {

    private final int bound;
    private final Supplier<String> overReleaseMessage;
    private final WaiterList<Void> waiters = new WaiterList<>();
    private final Mono<Void> acquireMono = new WaiterMono<>(this::acquire, this);
    /** {@link #release()} as one shared Runnable, not a method reference per scoped acquisition. */
    private final Runnable releaser = this::release;
    private int available;
    /** Releases owed by holders that gave the permit up while waiting on a condition and were cancelled. */
    private int owed;

    /**
     * @param permits the initial count
     * @param bound the most permits there can be ({@code Integer.MAX_VALUE}: unbounded)
     * @param overReleaseMessage the error message for a release beyond {@code bound}
     */
    public Permits(int permits, int bound, Supplier<String> overReleaseMessage) {
        this.available = permits;
        this.bound = bound;
        this.overReleaseMessage = overReleaseMessage;
    }

    /** A cold Mono that completes when a permit is held by the subscriber. */
    public Mono<Void> acquire() {
        return acquireMono;
    }

    /** {@link #release()} as a Runnable, for a scope that releases what it acquired. */
    public Runnable releaser() {
        return releaser;
    }

    /** Takes a permit if one is free and nobody is waiting. */
    public boolean tryAcquire() {
        synchronized (this) {
            if (available > 0 && waiters.isEmpty()) {
                available--;
                return true;
            }
            return false;
        }
    }

    void acquire(MonoWaiter<Void> w) {
        synchronized (this) {
            if (!w.isWaiting()) {
                return;
            }
            if (available > 0 && waiters.isEmpty()) {
                if (!w.tryGrant(null)) {
                    return;
                }
                available--;
            } else {
                waiters.add(w);
                return;
            }
        }
        w.deliverNow();
    }

    /** Waits in line for a permit on behalf of a waiter with its own owner (condition re-acquire). */
    public void acquire(Waiter<Void> w, boolean[] grantedAtOnce) {
        synchronized (this) {
            if (!w.isWaiting()) {
                return;
            }
            if (available > 0 && waiters.isEmpty()) {
                if (w.tryGrant(null)) {
                    available--;
                    grantedAtOnce[0] = true;
                }
            } else {
                waiters.add(w);
            }
        }
    }

    /**
     * Returns a permit: to the first waiter if any, else to the pool.
     *
     * @throws IllegalStateException when the pool is already full
     */
    public void release() {
        release(true);
    }

    private void release(boolean check) {
        Waiter<Void> w;
        synchronized (this) {
            if (owed > 0) {
                owed--;
                return;
            }
            w = waiters.grantFirst(null);
            if (w == null) {
                if (check && available >= bound) {
                    throw new IllegalStateException(overReleaseMessage.get());
                }
                available++;
                return;
            }
        }
        w.signal();
    }

    /**
     * A holder that gave its permit up (waiting on a condition) was cancelled: it holds the
     * permit again as far as its own release is concerned. Takes the permit if it is free,
     * otherwise the next release is absorbed.
     */
    public void reclaimForCancelled() {
        synchronized (this) {
            if (available > 0 && waiters.isEmpty()) {
                available--;
            } else {
                owed++;
            }
        }
    }

    /** Unlinks a waiting re-acquirer that was cancelled, and owes its release. */
    public void removeAndOwe(Waiter<Void> w) {
        synchronized (this) {
            waiters.remove(w);
            owed++;
        }
    }

    public int available() {
        synchronized (this) {
            return available;
        }
    }

    public int waiting() {
        synchronized (this) {
            return waiters.size();
        }
    }

    @Override
    public void remove(Waiter<Void> waiter) {
        synchronized (this) {
            waiters.remove(waiter);
        }
    }

    @Override
    public void relinquish(Void value) {
        release(false);
    }
}
