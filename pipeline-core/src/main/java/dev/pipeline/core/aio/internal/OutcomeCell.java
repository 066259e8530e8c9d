package dev.pipeline.core.aio.internal;

import java.util.concurrent.CancellationException;

import reactor.core.publisher.Mono;

/**
 * A write-once outcome (value, failure or cancellation) with any number of awaiters: the state
 * behind {@code AsyncFuture} and {@code Task}. Awaiters of {@link #mono()} that cancel only
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
