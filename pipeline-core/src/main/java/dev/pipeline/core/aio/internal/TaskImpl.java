package dev.pipeline.core.aio.internal;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.Consumer;

import dev.pipeline.core.aio.Task;
import dev.pipeline.core.internal.Require;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * A started coroutine: subscribes once to its Mono and keeps the outcome in an
 * {@link OutcomeCell}. A {@link Listener} (a task group) hears about the outcome before the
 * awaiters and done callbacks are woken.
 *
 * <p>Two ways to await it: {@link #join()} owns the task, as {@code await task} does in asyncio
 * (an awaiter cancelled while the task runs cancels it), and {@link #shielded()} does not
 * ({@code await asyncio.shield(task)}: a cancelled awaiter only leaves).
 *
 * <p>The coroutine sees the task in its Reactor {@code Context} under {@link #CONTEXT_KEY}
 * ({@code asyncio.current_task()}), and the task is in the {@link TaskRegistry} from the moment
 * it starts until it is done ({@code asyncio.all_tasks()}).
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

    /** The Context key under which a task's coroutine finds its task. */
    public static final Object CONTEXT_KEY = new Object() {
        @Override
        public String toString() {
            return "dev.pipeline.core.aio.currentTask";
        }
    };

    private static final AtomicLong NAMES = new AtomicLong();
    /** An updater, not a {@code VarHandle}: see the package comment on the first-use path. */
    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<TaskImpl, Subscription> UPSTREAM =
            AtomicReferenceFieldUpdater.newUpdater(TaskImpl.class, Subscription.class, "upstream");

    /** The given name, or null for {@code Task-<id>}, built only when asked for. */
    private final String name;
    private final long id;
    private final OutcomeCell<T> cell;
    private final Mono<T> join;
    private final Listener listener;
    private final Context context;
    private volatile Subscription upstream;
    private volatile TaskRegistry.Entry registration;
    private T value;

    /** Links for the owning group's list of running children, guarded by the group. */
    public TaskImpl<?> groupPrev;
    public TaskImpl<?> groupNext;

    public TaskImpl(String name, Listener listener, String cancelledMessage) {
        this(name, listener, cancelledMessage, Context.empty());
    }

    /**
     * @param name the task's name, or null for asyncio's default {@code Task-<n>}
     * @param context the Reactor Context the coroutine sees (a task group passes its own
     *     subscriber's, as asyncio tasks inherit their creator's context); the task adds itself
     */
    public TaskImpl(String name, Listener listener, String cancelledMessage, Context context) {
        this.name = name;
        this.id = name != null ? 0L : NAMES.incrementAndGet();
        this.listener = listener;
        this.cell = new OutcomeCell<>(cancelledMessage);
        this.join = cell.owningMono(this::cancel);
        this.context = context.put(CONTEXT_KEY, this);
    }

    /**
     * Subscribes to the coroutine; call once. The task registers for {@code allTasks()} only if
     * it is still running after this first step (during it, it is on the thread's starting stack).
     */
    public void start(Mono<? extends T> source) {
        if (cell.isDone()) {
            return; // cancelled before it started
        }
        TaskRegistry.Starting starting = TaskRegistry.starting();
        starting.push(this);
        try {
            source.subscribe(this);
        } finally {
            starting.pop();
        }
        if (!cell.isDone()) {
            registration = TaskRegistry.register(this);
            if (cell.isDone()) {
                unregister(); // done meanwhile on another thread, whose done() may have missed the entry
            }
        }
    }

    /** Marks a task that will never start as cancelled (no listener call). */
    public void cancelUnstarted() {
        OutcomeCell.signal(cell.cancel());
    }

    @Override
    public String name() {
        return name != null ? name : "Task-" + id;
    }

    @Override
    public Context currentContext() {
        return context;
    }

    @Override
    public void onSubscribe(Subscription s) {
        if (Operators.setOnce(UPSTREAM, this, s)) {
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
        done(OutcomeCell.FAILED, e, chain);
    }

    @Override
    public void onComplete() {
        T v = value;
        value = null;
        Waiter<?> chain = cell.succeed(v);
        if (chain == OutcomeCell.NOT_CHANGED) {
            return;
        }
        done(OutcomeCell.SUCCEEDED, null, chain);
    }

    @Override
    public boolean cancel() {
        Waiter<?> chain = cell.cancel();
        if (chain == OutcomeCell.NOT_CHANGED) {
            return false;
        }
        Operators.terminate(UPSTREAM, this);
        value = null;
        done(OutcomeCell.CANCELLED, null, chain);
        return true;
    }

    /** After the transition to {@code state}: unregister, tell the listener, wake the awaiters. */
    private void done(int state, Throwable error, Waiter<?> chain) {
        unregister();
        if (listener != null) {
            listener.onTaskDone(this, state, error);
        }
        Trampoline.signalAll(chain);
    }

    private void unregister() {
        TaskRegistry.Entry e = registration;
        if (e != null) {
            TaskRegistry.unregister(e);
        }
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
    public boolean isDone() {
        return cell.isDone();
    }

    @Override
    public boolean isCancelled() {
        return cell.state() == OutcomeCell.CANCELLED;
    }

    @Override
    public T result() {
        if (!cell.isDone()) {
            throw stillRunning("result()");
        }
        return cell.resultNow(null);
    }

    @Override
    public Optional<Throwable> exception() {
        if (!cell.isDone()) {
            throw stillRunning("exception()");
        }
        return cell.exceptionNow(null);
    }

    private IllegalStateException stillRunning(String method) {
        return new IllegalStateException(method + " called on Task '" + name() + "' that is still running; await join() instead");
    }

    @Override
    public void addDoneCallback(Consumer<? super Task<T>> callback) {
        Require.nonNull(callback, "callback");
        cell.addCallback(callback, () -> callback.accept(this));
    }

    @Override
    public int removeDoneCallback(Consumer<? super Task<T>> callback) {
        Require.nonNull(callback, "callback");
        return cell.removeCallbacks(callback);
    }

    @Override
    public String toString() {
        String name = name();
        switch (cell.state()) {
            case OutcomeCell.SUCCEEDED: return "Task[" + name + ", succeeded]";
            case OutcomeCell.FAILED: return "Task[" + name + ", failed: " + cell.error() + "]";
            case OutcomeCell.CANCELLED: return "Task[" + name + ", cancelled]";
            default: return "Task[" + name + ", running, awaiters=" + cell.awaiterCount() + "]";
        }
    }
}
