package dev.pipeline.core.aio;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.function.Function;

import dev.pipeline.core.aio.internal.BodySubscriber;
import dev.pipeline.core.aio.internal.OutcomeCell;
import dev.pipeline.core.aio.internal.SingleSubscription;
import dev.pipeline.core.aio.internal.Subscriptions;
import dev.pipeline.core.aio.internal.TaskImpl;
import dev.pipeline.core.aio.internal.Trampoline;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/**
 * One run of a {@link TaskGroup}: the body, the running children and the failures, all
 * guarded by this object's monitor; signals go out after it is released. Children are linked
 * intrusively, so spawning and finishing a child is O(1) however many run.
 */
final class GroupRun<R> extends SingleSubscription<R> implements TaskImpl.Listener {

    private static final VarHandle BODY;

    static {
        try {
            BODY = MethodHandles.lookup().findVarHandle(GroupRun.class, "body", Subscription.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final TaskGroup facade = new TaskGroup(this);
    private final Trampoline.Task abortTask = new Trampoline.Task() {
        @Override
        public void run() {
            abort();
        }
    };

    private volatile Subscription body;
    private TaskImpl<?> head;
    private TaskImpl<?> tail;
    private int active;
    private boolean bodyTerminated;
    private boolean bodySucceeded;
    private R bodyValue;
    private List<Throwable> errors;
    /** A failure or a cancellation decided the group must end; the abort may not have run yet. */
    private boolean aborting;
    /**
     * The abort has run (or the group was cancelled): spawn refuses children from now on. Until
     * then, as in asyncio, where tasks start only when the body yields and the group aborts from
     * a callback after them, children spawned in the same step as a failure still start, and
     * their own failures are reported with it.
     */
    private boolean shuttingDown;
    private boolean cancelledFromOutside;
    private boolean finished;

    GroupRun(CoreSubscriber<? super R> actual) {
        super(actual);
    }

    void start(Function<? super TaskGroup, ? extends Mono<? extends R>> bodyFn) {
        if (isTerminatedOrCancelled()) {
            return; // cancelled from within onSubscribe: the body never runs
        }
        Trampoline.scope(() -> {
            Mono<? extends R> m;
            try {
                m = Objects.requireNonNull(bodyFn.apply(facade), "the TaskGroup body returned null");
            } catch (Throwable e) {
                Exceptions.throwIfJvmFatal(e);
                bodyFailed(e);
                return;
            }
            m.subscribe(new Body());
        });
    }

    <T> TaskImpl<T> spawn(String name, Mono<? extends T> child) {
        TaskImpl<T> t = new TaskImpl<>(name, this, "Task spawned in a TaskGroup was cancelled", actual.currentContext());
        synchronized (this) {
            if (finished) {
                throw new IllegalStateException("spawn() called on a TaskGroup that has finished; "
                        + "spawn children from the group's body or from its running children");
            }
            if (shuttingDown) {
                t.cancelUnstarted();
                return t;
            }
            link(t);
            active++;
        }
        t.start(child);
        return t;
    }

    synchronized int activeCount() {
        return active;
    }

    @Override
    public void onTaskDone(TaskImpl<?> task, int state, Throwable error) {
        boolean abortNow = false;
        synchronized (this) {
            unlink(task);
            active--;
            if (state == OutcomeCell.FAILED && !(error instanceof CancellationException)) {
                abortNow = recordFailure(error);
            }
        }
        if (abortNow) {
            Trampoline.execute(abortTask);
        } else {
            tryFinish();
        }
    }

    private void bodySucceeded(R v) {
        synchronized (this) {
            if (bodyTerminated) {
                return;
            }
            bodyTerminated = true;
            bodySucceeded = true;
            bodyValue = v;
        }
        tryFinish();
    }

    private void bodyFailed(Throwable e) {
        boolean abortNow;
        synchronized (this) {
            if (bodyTerminated) {
                Operators.onErrorDropped(e, actual.currentContext());
                return;
            }
            bodyTerminated = true;
            abortNow = e instanceof CancellationException ? startAbort() : recordFailure(e);
        }
        if (abortNow) {
            Trampoline.execute(abortTask);
        } else {
            tryFinish();
        }
    }

    /** Under the lock: records a failure; true if this is the first (the caller aborts). */
    private boolean recordFailure(Throwable e) {
        if (errors == null) {
            errors = new ArrayList<>(2);
        }
        for (Throwable t : errors) {
            if (t == e) {
                return false;
            }
        }
        errors.add(e);
        return startAbort();
    }

    private boolean startAbort() {
        if (aborting) {
            return false;
        }
        aborting = true;
        return true;
    }

    @Override
    protected void onCancel() {
        synchronized (this) {
            cancelledFromOutside = true;
            aborting = true;
            shuttingDown = true;
        }
        abort();
    }

    /** Cancels every running child and the body, then finishes. */
    private void abort() {
        TaskImpl<?>[] running;
        boolean cancelBody;
        synchronized (this) {
            shuttingDown = true;
            running = new TaskImpl<?>[active];
            int i = 0;
            for (TaskImpl<?> t = head; t != null; t = t.groupNext) {
                running[i++] = t;
            }
            cancelBody = !bodyTerminated;
            bodyTerminated = true;
        }
        if (cancelBody) {
            Subscriptions.terminate(BODY, this);
        }
        for (TaskImpl<?> t : running) {
            t.cancel();
        }
        tryFinish();
    }

    private void tryFinish() {
        List<Throwable> failures;
        R value;
        synchronized (this) {
            if (finished || active != 0 || !bodyTerminated) {
                return;
            }
            if (!aborting && !bodySucceeded) {
                return;
            }
            finished = true;
            failures = errors;
            value = bodyValue;
            bodyValue = null;
            if (cancelledFromOutside) {
                return;
            }
        }
        if (failures != null) {
            error(new TaskGroupException(failures));
        } else if (aborting) {
            error(new CancellationException("TaskGroup body was cancelled"));
        } else {
            complete(value);
        }
    }

    private void link(TaskImpl<?> t) {
        t.groupPrev = tail;
        if (tail == null) {
            head = t;
        } else {
            tail.groupNext = t;
        }
        tail = t;
    }

    private void unlink(TaskImpl<?> t) {
        TaskImpl<?> p = t.groupPrev;
        TaskImpl<?> n = t.groupNext;
        if (p == null) {
            head = n;
        } else {
            p.groupNext = n;
        }
        if (n == null) {
            tail = p;
        } else {
            n.groupPrev = p;
        }
        t.groupPrev = null;
        t.groupNext = null;
    }

    @Override
    public synchronized String toString() {
        String phase = finished ? "finished" : aborting ? "aborting" : "running";
        return phase + ", children=" + active + (errors == null ? "" : ", errors=" + errors.size());
    }

    private final class Body extends BodySubscriber<R> {
        Body() {
            super(BODY, GroupRun.this, actual);
        }

        @Override
        protected void failed(Throwable e) {
            bodyFailed(e);
        }

        @Override
        protected void succeeded(R v) {
            bodySucceeded(v);
        }
    }
}
