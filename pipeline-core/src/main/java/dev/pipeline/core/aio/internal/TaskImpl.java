package dev.pipeline.core.aio.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

import dev.pipeline.core.aio.Task;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * A started coroutine: subscribes once to its Mono and keeps the outcome in an
 * {@link OutcomeCell}. A {@link Listener} (a task group) hears about the outcome before the
 * awaiters are woken.
 *
 * <p>Two ways to await it: {@link #join()} owns the task, as {@code await task} does in asyncio
 * (an awaiter cancelled while the task runs cancels it), and {@link #shielded()} does not
 * ({@code await asyncio.shield(task)}: a cancelled awaiter only leaves).
 *
 * @param <T> the value type
 */
public final class TaskImpl<T> implements Task<T>, CoreSubscriber<T> {

    /** Hears the outcome of a task, exactly once, before its awaiters. */
    public interface Listener {
        /**
         * @param state {@link OutcomeCell#SUCCEEDED}, {@link OutcomeCell#FAILED} or
         *     {@link OutcomeCell#CANCELLED}
         * @param error the failure when FAILED
         */
        void onTaskDone(TaskImpl<?> task, int state, Throwable error);
    }

    private static final VarHandle UPSTREAM;

    static {
        try {
            UPSTREAM = MethodHandles.lookup().findVarHandle(TaskImpl.class, "upstream", Subscription.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final OutcomeCell<T> cell;
    private final Mono<T> join;
    private final Listener listener;
    private final Context context;
    private volatile Subscription upstream;
    private T value;

    /** Links for the owning group's list of running children, guarded by the group. */
    public TaskImpl<?> groupPrev;
    public TaskImpl<?> groupNext;

    public TaskImpl(Listener listener, String cancelledMessage) {
        this(listener, cancelledMessage, Context.empty());
    }

    /**
     * @param context the Reactor Context the coroutine sees (a task group passes its own
     *     subscriber's, as asyncio tasks inherit their creator's context)
     */
    public TaskImpl(Listener listener, String cancelledMessage, Context context) {
        this.listener = listener;
        this.cell = new OutcomeCell<>(cancelledMessage);
        this.join = cell.owningMono(this::cancel);
        this.context = context;
    }

    /** Subscribes to the coroutine; call once. */
    public void start(Mono<? extends T> source) {
        source.subscribe(this);
    }

    /** Marks a task that will never start as cancelled (no listener call). */
    public void cancelUnstarted() {
        OutcomeCell.signal(cell.cancel());
    }

    @Override
    public Context currentContext() {
        return context;
    }

    @Override
    public void onSubscribe(Subscription s) {
        if (Subscriptions.setOnce(UPSTREAM, this, s)) {
            s.request(Long.MAX_VALUE);
        }
    }

    @Override
    public void onNext(T t) {
        value = t;
    }

    @Override
    public void onError(Throwable e) {
        Waiter<?> chain = cell.fail(e);
        if (chain == OutcomeCell.NOT_CHANGED) {
            if (!isCancelled()) {
                Operators.onErrorDropped(e, Context.empty());
            }
            return;
        }
        if (listener != null) {
            listener.onTaskDone(this, OutcomeCell.FAILED, e);
        }
        Trampoline.signalAll(chain);
    }

    @Override
    public void onComplete() {
        T v = value;
        value = null;
        Waiter<?> chain = cell.succeed(v);
        if (chain == OutcomeCell.NOT_CHANGED) {
            return;
        }
        if (listener != null) {
            listener.onTaskDone(this, OutcomeCell.SUCCEEDED, null);
        }
        Trampoline.signalAll(chain);
    }

    @Override
    public Mono<T> join() {
        return join;
    }

    /** Awaits the outcome without owning the task: a cancelled awaiter only leaves. */
    public Mono<T> shielded() {
        return cell.mono();
    }

    @Override
    public boolean cancel() {
        Waiter<?> chain = cell.cancel();
        if (chain == OutcomeCell.NOT_CHANGED) {
            return false;
        }
        Subscriptions.terminate(UPSTREAM, this);
        value = null;
        if (listener != null) {
            listener.onTaskDone(this, OutcomeCell.CANCELLED, null);
        }
        Trampoline.signalAll(chain);
        return true;
    }

    @Override
    public boolean isDone() {
        return cell.isDone();
    }

    @Override
    public boolean isCancelled() {
        return cell.state() == OutcomeCell.CANCELLED;
    }

    @Override
    public T result() {
        switch (cell.state()) {
            case OutcomeCell.SUCCEEDED:
                return cell.value();
            case OutcomeCell.CANCELLED:
                throw (CancellationException) cell.error();
            case OutcomeCell.FAILED:
                Throwable e = cell.error();
                if (e instanceof RuntimeException) {
                    throw (RuntimeException) e;
                }
                if (e instanceof Error) {
                    throw (Error) e;
                }
                throw new CompletionException(e);
            default:
                throw new IllegalStateException("result() called on a Task that is still running; await join() instead");
        }
    }

    @Override
    public String toString() {
        switch (cell.state()) {
            case OutcomeCell.SUCCEEDED: return "Task[succeeded]";
            case OutcomeCell.FAILED: return "Task[failed: " + cell.error() + "]";
            case OutcomeCell.CANCELLED: return "Task[cancelled]";
            default: return "Task[running]";
        }
    }
}
