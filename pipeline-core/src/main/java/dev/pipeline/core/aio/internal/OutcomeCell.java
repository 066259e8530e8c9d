package dev.pipeline.core.aio.internal;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

import reactor.core.publisher.Mono;

/**
 * A write-once outcome (value, failure or cancellation) with any number of awaiters and done
 * callbacks: the state behind {@code AsyncFuture} and {@code Task}. Awaiters of {@link #mono()} that cancel only
 * leave; awaiters of an {@link #owningMono owning Mono} also run its hook (a task's
 * {@code join()} cancels the task).
 *
 * <p>The transition methods return the chain of awaiters to signal, so a caller can do
 * something between deciding the outcome and waking the awaiters (a task group records a
 * child's failure first).
 *
 * @param <T> the value type
 */
public final class OutcomeCell<T> implements WaiterOwner<T> {

    public static final int PENDING = 0;
    public static final int SUCCEEDED = 1;
    public static final int FAILED = 2;
    public static final int CANCELLED = 3;

    private final WaiterList<T> awaiters = new WaiterList<>();
    private final Mono<T> mono = new WaiterMono<>(this::await, this);
    private final String cancelledMessage;
    private volatile int state;
    private T value;
    private Throwable error;

    public OutcomeCell(String cancelledMessage) {
        this.cancelledMessage = cancelledMessage;
    }

    /** A cold Mono of the outcome; cancelling it only stops this awaiter waiting. */
    public Mono<T> mono() {
        return mono;
    }

    /**
     * A cold Mono of the outcome whose awaiter, cancelled while the outcome is still pending,
     * also runs {@code onAwaiterCancelled} (outside this cell's lock). An awaiter cancelled after
     * the outcome was decided runs nothing: the hook can only act on a pending cell.
     */
    public Mono<T> owningMono(Runnable onAwaiterCancelled) {
        return new WaiterMono<>(this::await, new WaiterOwner<T>() {
            @Override
            public void remove(Waiter<T> waiter) {
                OutcomeCell.this.remove(waiter);
                onAwaiterCancelled.run();
            }

            @Override
            public void relinquish(T v) {
                // cancelled after the outcome was decided: nothing to pass on, nothing to cancel
            }
        });
    }

    public int state() {
        return state;
    }

    public boolean isDone() {
        return state != PENDING;
    }

    /** The value once succeeded (null for an empty success or while pending). */
    public T value() {
        return state == SUCCEEDED ? value : null;
    }

    /** The failure, or a CancellationException if cancelled, or null. */
    public Throwable error() {
        return state == FAILED || state == CANCELLED ? error : null;
    }

    /**
     * asyncio's {@code result()}: the value (null for an empty success) without waiting.
     *
     * @param pendingMessage the message of the {@link IllegalStateException} thrown while pending
     * @throws CancellationException if cancelled
     * @throws RuntimeException the failure; a checked one wrapped in a {@link CompletionException}
     */
    public T resultNow(String pendingMessage) {
        switch (state) {
            case SUCCEEDED:
                return value;
            case CANCELLED:
                throw (CancellationException) error;
            case FAILED:
                if (error instanceof RuntimeException) {
                    throw (RuntimeException) error;
                }
                if (error instanceof Error) {
                    throw (Error) error;
                }
                throw new CompletionException(error);
            default:
                throw new IllegalStateException(pendingMessage);
        }
    }

    /**
     * asyncio's {@code exception()}: the failure, or empty for a success, without waiting.
     *
     * @param pendingMessage the message of the {@link IllegalStateException} thrown while pending
     * @throws CancellationException if cancelled, as asyncio raises {@code CancelledError}
     */
    public Optional<Throwable> exceptionNow(String pendingMessage) {
        switch (state) {
            case SUCCEEDED:
                return Optional.empty();
            case CANCELLED:
                throw (CancellationException) error;
            case FAILED:
                return Optional.of(error);
            default:
                throw new IllegalStateException(pendingMessage);
        }
    }

    /**
     * Runs {@code action} exactly once when the outcome is decided: woken by the transition,
     * in the order it came among the awaiters and callbacks, or at once (on this thread,
     * through the {@link Trampoline}) if the outcome already is.
     *
     * @param key what {@link #removeCallbacks(Object)} matches with {@code equals}
     * @return a handle for {@link #removeCallback(Waiter)}
     */
    public Waiter<T> addCallback(Object key, Runnable action) {
        CallbackWaiter<T> w = new CallbackWaiter<>(key, action);
        synchronized (this) {
            if (state == PENDING) {
                awaiters.add(w);
                return w;
            }
            w.tryGrant(null);
        }
        Trampoline.execute(w);
        return w;
    }

    /**
     * Removes a callback added by {@link #addCallback} in O(1).
     *
     * @return true if removed; false if it has run or has been woken to run
     */
    public boolean removeCallback(Waiter<T> handle) {
        if (!handle.cancelIfWaiting()) {
            return false;
        }
        synchronized (this) {
            awaiters.remove(handle);
        }
        return true;
    }

    /**
     * Removes every callback not yet woken whose key {@code equals} {@code key}
     * ({@code fut.remove_done_callback(fn)}). {@code equals} runs outside this cell's lock, on
     * a snapshot, so a callback's {@code equals} may itself add or remove callbacks.
     *
     * @return how many were removed
     */
    public int removeCallbacks(Object key) {
        List<Waiter<T>> linked;
        synchronized (this) {
            if (state != PENDING) {
                return 0;
            }
            linked = awaiters.snapshot();
        }
        int removed = 0;
        for (Waiter<T> w : linked) {
            if (w instanceof CallbackWaiter && key.equals(((CallbackWaiter<T>) w).key) && removeCallback(w)) {
                removed++;
            }
        }
        return removed;
    }

    /** @return the awaiters to signal, {@link #NOT_CHANGED} if the cell was already done */
    public Waiter<?> succeed(T v) {
        synchronized (this) {
            if (state != PENDING) {
                return NOT_CHANGED;
            }
            value = v;
            state = SUCCEEDED;
            return awaiters.grantAll(v, null);
        }
    }

    /** @return the awaiters to signal, {@link #NOT_CHANGED} if the cell was already done */
    public Waiter<?> fail(Throwable e) {
        synchronized (this) {
            if (state != PENDING) {
                return NOT_CHANGED;
            }
            error = e;
            state = FAILED;
            return awaiters.failAll(e, null);
        }
    }

    /** @return the awaiters to signal, {@link #NOT_CHANGED} if the cell was already done */
    public Waiter<?> cancel() {
        synchronized (this) {
            if (state != PENDING) {
                return NOT_CHANGED;
            }
            error = new CancellationException(cancelledMessage);
            state = CANCELLED;
            return awaiters.failAll(error, null);
        }
    }

    /** Marker returned by a transition that did not happen. */
    public static final Waiter<?> NOT_CHANGED = new Waiter<Object>() {
        @Override
        public void signal() {
        }

        @Override
        public void run() {
        }
    };

    /** Signals a chain returned by a transition; false if the transition did not happen. */
    public static boolean signal(Waiter<?> chain) {
        if (chain == NOT_CHANGED) {
            return false;
        }
        Trampoline.signalAll(chain);
        return true;
    }

    /** Awaiters and done callbacks still waiting (some may be cancelled and not yet unlinked). */
    public int awaiterCount() {
        synchronized (this) {
            return awaiters.size();
        }
    }

    private void await(MonoWaiter<T> w) {
        synchronized (this) {
            if (!w.isWaiting()) {
                return;
            }
            switch (state) {
                case PENDING:
                    awaiters.add(w);
                    return;
                case SUCCEEDED:
                    if (!w.tryGrant(value)) {
                        return;
                    }
                    break;
                default:
                    if (!w.tryFail(error)) {
                        return;
                    }
            }
        }
        w.deliverNow();
    }

    @Override
    public void remove(Waiter<T> waiter) {
        synchronized (this) {
            awaiters.remove(waiter);
        }
    }

    @Override
    public void relinquish(T v) {
        // an outcome is not consumed by its awaiters: nothing to pass on
    }
}
