package dev.pipeline.core.aio;

import java.util.function.BooleanSupplier;

import dev.pipeline.core.aio.internal.Permits;
import dev.pipeline.core.aio.internal.Trampoline;
import dev.pipeline.core.aio.internal.Waiter;
import dev.pipeline.core.aio.internal.WaiterList;
import dev.pipeline.core.aio.internal.WaiterOwner;
import dev.pipeline.core.internal.Require;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;

/**
 * A condition variable bound to an {@link AsyncLock}: asyncio's {@code Condition}. Waiters
 * give up the lock while they wait for a signal and hold it again when they resume.
 *
 * <pre>{@code
 * AsyncLock lock = AsyncLock.create();
 * AsyncCondition notEmpty = AsyncCondition.create(lock);
 * Mono<String> next = lock.withLock(() ->
 *         notEmpty.awaitUntil(() -> !items.isEmpty()).then(Mono.fromCallable(items::poll)));
 * // elsewhere: lock.withLock(() -> Mono.fromRunnable(() -> { items.add(x); notEmpty.signal(1); }))
 * }</pre>
 *
 * <p>Always wait inside {@link AsyncLock#withLock}: if a waiter is cancelled while the lock is
 * given up, the lock counts as held by it again (taken back at once if free, otherwise its
 * next release is absorbed), so that {@code withLock}'s release stays balanced. A waiter that
 * was signalled and is cancelled before it resumes passes the signal on to the next waiter, as
 * asyncio 3.13 does (a spurious wake-up is possible, a lost signal is not).
 *
 * @see <a href="https://docs.python.org/3/library/asyncio-sync.html#asyncio.Condition">asyncio.Condition</a>
 */
public final class AsyncCondition {

    private final AsyncLock lock;
    private final Permits permits;
    private final WaiterList<Void> waiters = new WaiterList<>();
    private final SignalOwner signalOwner = new SignalOwner();
    private final LockOwner lockOwner = new LockOwner();

    private AsyncCondition(AsyncLock lock) {
        this.lock = lock;
        this.permits = lock.permits();
    }

    /**
     * A condition bound to {@code lock}.
     *
     * @param lock the lock waiters hold while testing the condition
     * @return a new condition
     */
    public static AsyncCondition create(AsyncLock lock) {
        return new AsyncCondition(Require.nonNull(lock, "lock"));
    }

    /**
     * A condition with a lock of its own (see {@link #lock()}).
     *
     * @return a new condition
     */
    public static AsyncCondition create() {
        return new AsyncCondition(AsyncLock.create());
    }

    /**
     * The lock this condition is bound to.
     *
     * @return the lock
     */
    public AsyncLock lock() {
        return lock;
    }

    /**
     * Gives up the lock, waits for a signal, and takes the lock again ({@code await cond.wait()}).
     * The lock must be held when this is subscribed.
     *
     * <p><b>Completes when</b> signalled and the lock is held again. <b>Errors when</b> the
     * lock is not held at subscription ({@link IllegalStateException}). <b>On cancel</b> stops
     * waiting; the lock counts as held again (see the class description). <b>Thread</b>: the
     * thread that released the lock to this waiter.
     *
     * @return a cold Mono completing when signalled and holding the lock
     */
    public Mono<Void> awaitSignal() {
        return new Mono<Void>() {
            @Override
            public void subscribe(CoreSubscriber<? super Void> actual) {
                Wait w = new Wait(actual);
                actual.onSubscribe(w);
                w.start();
            }
        };
    }

    /**
     * Waits until {@code predicate} is true ({@code await cond.wait_for(predicate)}): tests it
     * (holding the lock), and while false, {@link #awaitSignal() awaits a signal} and tests
     * again. The lock must be held when this is subscribed.
     *
     * @param predicate tested while the lock is held
     * @return a cold Mono completing once the predicate holds, with the lock held
     */
    public Mono<Void> awaitUntil(BooleanSupplier predicate) {
        Require.nonNull(predicate, "predicate");
        return Mono.defer(() -> predicate.getAsBoolean()
                ? Mono.<Void>empty()
                : awaitSignal().then(awaitUntil(predicate)));
    }

    /**
     * Wakes up to {@code n} waiters, longest waiting first ({@code cond.notify(n)}). The lock
     * must be held; each woken waiter resumes once it gets the lock back.
     *
     * @param n how many to wake, {@code >= 0}
     * @throws IllegalStateException if the lock is not held
     */
    public void signal(int n) {
        Require.nonNegative(n, "n");
        requireLocked("signal()");
        wake(n);
    }

    /**
     * Wakes one waiter; same as {@code signal(1)}.
     *
     * @throws IllegalStateException if the lock is not held
     */
    public void signal() {
        signal(1);
    }

    /**
     * Wakes every waiter ({@code cond.notify_all()}). The lock must be held.
     *
     * @throws IllegalStateException if the lock is not held
     */
    public void signalAll() {
        requireLocked("signalAll()");
        wake(Integer.MAX_VALUE);
    }

    /**
     * How many subscribers wait for a signal (a snapshot).
     *
     * @return the number of waiters
     */
    public int waitingCount() {
        synchronized (signalOwner) {
            return waiters.size();
        }
    }

    private void requireLocked(String op) {
        if (!lock.isLocked()) {
            throw new IllegalStateException(op + " requires the condition's lock to be held; call it inside lock.withLock(...)");
        }
    }

    private void wake(int n) {
        Waiter<?> woken = null;
        synchronized (signalOwner) {
            for (int i = 0; i < n; i++) {
                Waiter<Void> w = waiters.grantFirst(null);
                if (w == null) {
                    break;
                }
                woken = Waiter.chain(w, woken);
            }
        }
        Trampoline.signalAll(woken);
    }

    @Override
    public String toString() {
        return "AsyncCondition[waiting=" + waitingCount() + ", " + lock + "]";
    }

    /** Signals waiting: cancelled waiters take the lock back; a lost signal is passed on. */
    private final class SignalOwner implements WaiterOwner<Void> {
        @Override
        public void remove(Waiter<Void> w) {
            synchronized (this) {
                waiters.remove(w);
            }
            permits.reclaimForCancelled();
        }

        @Override
        public void relinquish(Void value) {
            wake(1);
            permits.reclaimForCancelled();
        }
    }

    /**
     * Re-acquiring the lock after a signal: a cancelled re-acquirer still counts as holding the
     * lock, and its signal is passed on, as asyncio 3.13 does (a spurious wake-up is allowed,
     * a lost one is not).
     */
    private final class LockOwner implements WaiterOwner<Void> {
        @Override
        public void remove(Waiter<Void> w) {
            permits.removeAndOwe(w);
            wake(1);
        }

        @Override
        public void relinquish(Void value) {
            // the lock was handed to us: keep it, the caller's withLock releases it
            wake(1);
        }
    }

    /** One awaitSignal() subscription: wait for the signal, then for the lock. */
    private final class Wait implements org.reactivestreams.Subscription {
        private final CoreSubscriber<? super Void> actual;
        private final Phase signalled = new Phase(true);
        private volatile Phase reacquire;
        private volatile boolean cancelled;

        Wait(CoreSubscriber<? super Void> actual) {
            this.actual = actual;
        }

        void start() {
            if (!lock.isLocked()) {
                signalled.tryFail(new IllegalStateException(
                        "awaitSignal() requires the condition's lock to be held; call it inside lock.withLock(...)"));
                signalled.signal();
                return;
            }
            synchronized (signalOwner) {
                if (!signalled.isWaiting()) {
                    return;
                }
                waiters.add(signalled);
            }
            lock.release();
        }

        void startReacquire() {
            Phase r = new Phase(false);
            reacquire = r;
            if (cancelled) {
                r.cancelPhase();
                return;
            }
            boolean[] grantedAtOnce = {false};
            permits.acquire(r, grantedAtOnce);
            if (grantedAtOnce[0]) {
                r.signal();
            }
        }

        @Override
        public void request(long n) {
            // completion-only: demand is not needed, but a bad request is still an error (§3.9)
            if (n <= 0 && !cancelled) {
                cancel();
                actual.onError(reactor.core.Exceptions.nullOrNegativeRequestException(n));
            }
        }

        @Override
        public void cancel() {
            cancelled = true;
            signalled.cancelPhase();
            Phase r = reacquire;
            if (r != null) {
                r.cancelPhase();
            }
        }

        private final class Phase extends Waiter<Void> {
            private final boolean waitingForSignal;

            Phase(boolean waitingForSignal) {
                this.waitingForSignal = waitingForSignal;
            }

            void cancelPhase() {
                cancelWaiter(waitingForSignal ? signalOwner : lockOwner);
            }

            @Override
            public void signal() {
                Trampoline.execute(this);
            }

            @Override
            public void run() {
                if (!claim()) {
                    return;
                }
                if (error != null) {
                    Throwable e = error;
                    error = null;
                    actual.onError(e);
                } else if (waitingForSignal) {
                    startReacquire();
                } else {
                    actual.onComplete();
                }
            }
        }
    }
}
