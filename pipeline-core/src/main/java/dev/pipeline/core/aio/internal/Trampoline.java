package dev.pipeline.core.aio.internal;

import reactor.core.Exceptions;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * A per-thread run queue that flattens nested hand-offs into a loop.
 *
 * <p>When a release, a put or a completion hands something to a waiter, the waiter's
 * continuation runs on the releasing thread. If that continuation releases again, and so on, a
 * chain of 10,000 waiters would otherwise recurse 10,000 frames deep. Hand-offs made while this
 * thread is already running one are appended to the thread's queue and run after it returns,
 * in order, which is also how asyncio's loop schedules callbacks ({@code call_soon}).
 *
 * <p>Tasks are linked intrusively ({@link Task#trampolineNext}), so enqueueing allocates
 * nothing. A task must not be enqueued again before it has run.
 */
public final class Trampoline {

    /** A unit of work for the trampoline, linked intrusively. */
    public abstract static class Task implements Runnable {
        Task trampolineNext;
    }

    private static final ThreadLocal<Trampoline> LOCAL = ThreadLocal.withInitial(Trampoline::new);

    private Task head;
    private Task tail;
    private boolean draining;

    private Trampoline() {
    }

    /** Runs the task now, or after the task this thread is running returns. */
    public static void execute(Task task) {
        Trampoline t = LOCAL.get();
        t.enqueue(task);
        if (!t.draining) {
            t.drain();
        }
    }

    /**
     * Runs the tasks {@code first} to {@code last}, already linked through their
     * {@code trampolineNext}, in that order: now, or after the task this thread is running
     * returns. The same as {@link #execute} for each, with one thread-local lookup.
     */
    static void executeAll(Task first, Task last) {
        Trampoline t = LOCAL.get();
        if (t.tail == null) {
            t.head = first;
        } else {
            t.tail.trampolineNext = first;
        }
        t.tail = last;
        if (!t.draining) {
            t.drain();
        }
    }

    /**
     * Signals a chain of granted waiters (built with {@link Waiter#chain}) in arrival order.
     * Every hand-off they make is enqueued before the first one runs, so that a failure in the
     * first cannot pre-empt the others that became ready at the same moment (as in one tick of
     * asyncio's loop).
     */
    public static void signalAll(Waiter<?> head) {
        if (head == null) {
            return;
        }
        Trampoline t = LOCAL.get();
        boolean outermost = !t.draining;
        t.draining = true;
        try {
            // chains are built by pushing: reverse, so waiters are served in arrival order
            Waiter<?> reversed = null;
            for (Waiter<?> w = head; w != null; ) {
                Waiter<?> n = w.readyNext;
                w.readyNext = reversed;
                reversed = w;
                w = n;
            }
            for (Waiter<?> w = reversed; w != null; ) {
                Waiter<?> n = w.readyNext;
                w.readyNext = null;
                try {
                    w.signal();
                } catch (Throwable e) {
                    Exceptions.throwIfJvmFatal(e);
                    Operators.onErrorDropped(e, Context.empty());
                }
                w = n;
            }
        } finally {
            if (outermost) {
                t.drain();
            }
        }
    }

    /**
     * Runs {@code body} with hand-offs deferred until it returns: waiters signalled inside it
     * run afterwards, in order, on this thread.
     */
    public static void scope(Runnable body) {
        Trampoline t = LOCAL.get();
        if (t.draining) {
            body.run();
            return;
        }
        t.draining = true;
        try {
            body.run();
        } finally {
            t.drain();
        }
    }

    /** Whether the current thread is inside a trampoline drain (for tests and assertions). */
    public static boolean isDraining() {
        return LOCAL.get().draining;
    }

    private void enqueue(Task task) {
        if (tail == null) {
            head = task;
        } else {
            tail.trampolineNext = task;
        }
        tail = task;
    }

    private void drain() {
        draining = true;
        try {
            Task t;
            while ((t = head) != null) {
                head = t.trampolineNext;
                if (head == null) {
                    tail = null;
                }
                t.trampolineNext = null;
                try {
                    t.run();
                } catch (Throwable e) {
                    Exceptions.throwIfJvmFatal(e);
                    Operators.onErrorDropped(e, Context.empty());
                }
            }
        } finally {
            draining = false;
        }
    }
}
