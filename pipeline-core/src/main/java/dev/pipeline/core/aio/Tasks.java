package dev.pipeline.core.aio;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

import dev.pipeline.core.aio.internal.AsCompletedFlux;
import dev.pipeline.core.aio.internal.GatherMono;
import dev.pipeline.core.aio.internal.SleepMono;
import dev.pipeline.core.aio.internal.TaskImpl;
import dev.pipeline.core.aio.internal.Trampoline;
import dev.pipeline.core.internal.Require;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * asyncio's task functions: {@code gather}, {@code create_task}, {@code sleep},
 * {@code wait_for}, {@code as_completed}, {@code shield}, {@code to_thread} and {@code run}.
 *
 * <pre>{@code
 * Mono<List<String>> pages = Tasks.gather(fetch("a"), fetch("b"), fetch("c"));
 * List<String> result = Tasks.run(pages);          // in main(): asyncio.run(...)
 * }</pre>
 *
 * <p>A coroutine is a lazy {@code Mono}: like a Python coroutine object it does nothing until
 * awaited (subscribed). Everything here returns cold publishers, except {@link #createTask},
 * which starts at once as {@code asyncio.create_task} does, and {@link #shield}, whose work
 * starts on the first subscription and is then shared by every subscriber. Tasks created with
 * {@link #createTask} see an empty Reactor {@code Context} (they have no subscriber of their own).
 *
 * @see <a href="https://docs.python.org/3/library/asyncio-task.html">asyncio: Coroutines and Tasks</a>
 */
public final class Tasks {

    private Tasks() {
    }

    /**
     * Runs every Mono concurrently and emits their values in argument order
     * ({@code await asyncio.gather(a, b, c)}).
     *
     * <p><b>Emits when</b> every Mono has produced its value: the list, in argument order.
     * <b>Errors when</b> any Mono fails (the others are cancelled, which asyncio's gather does
     * not do: an unobserved subscription would otherwise be orphaned) or completes empty (a
     * {@link java.util.NoSuchElementException} naming its index; use {@code Mono<Optional<T>>}
     * for absent values). <b>On cancel</b> cancels every Mono. <b>Thread</b>: the list is
     * emitted on the thread of the last Mono to complete. Each completion costs O(1), so
     * gathering 100,000 Monos is linear.
     *
     * <p>Gathering tasks' {@link Task#join() joins} owns the tasks, as asyncio's gather does:
     * cancelling the gather cancels them; so does the first failure here (where asyncio's
     * gather leaves the others running). Gather {@link #shield(Task) shield(task)} to keep a
     * task running.
     *
     * @param monos the coroutines
     * @param <T> the value type
     * @return a cold Mono of the values in argument order
     */
    @SafeVarargs
    @SuppressWarnings({"unchecked", "varargs"})
    public static <T> Mono<List<T>> gather(Mono<? extends T>... monos) {
        return (Mono<List<T>>) (Mono<?>) new GatherMono(copy(monos), false);
    }

    /**
     * Runs every Mono concurrently and emits their values in iteration order; see
     * {@link #gather(Mono[])}.
     *
     * @param monos the coroutines
     * @param <T> the value type
     * @return a cold Mono of the values in iteration order
     */
    @SuppressWarnings("unchecked")
    public static <T> Mono<List<T>> gather(Iterable<? extends Mono<? extends T>> monos) {
        Mono<?>[] sources = toArray(monos, "monos");
        return (Mono<List<T>>) (Mono<?>) new GatherMono(sources, false);
    }

    /**
     * Runs every Mono concurrently to the end and emits each one's {@link Outcome} in argument
     * order, never failing ({@code gather(..., return_exceptions=True)}).
     *
     * <p><b>Emits when</b> every Mono has succeeded or failed. A Mono that completes empty
     * counts as a failure ({@link java.util.NoSuchElementException} naming its index).
     * <b>On cancel</b> cancels every Mono still running; for a task's {@link Task#join() join}
     * that cancels the task, as in asyncio (gather {@link #shield(Task) shield(task)} to keep
     * it running).
     *
     * @param monos the coroutines
     * @param <T> the value type
     * @return a cold Mono of the outcomes in argument order
     */
    @SafeVarargs
    @SuppressWarnings({"unchecked", "varargs"})
    public static <T> Mono<List<Outcome<T>>> gatherSettled(Mono<? extends T>... monos) {
        return (Mono<List<Outcome<T>>>) (Mono<?>) new GatherMono(copy(monos), true);
    }

    /**
     * Runs every Mono concurrently to the end and emits each one's {@link Outcome} in
     * iteration order; see {@link #gatherSettled(Mono[])}.
     *
     * @param monos the coroutines
     * @param <T> the value type
     * @return a cold Mono of the outcomes in iteration order
     */
    @SuppressWarnings("unchecked")
    public static <T> Mono<List<Outcome<T>>> gatherSettled(Iterable<? extends Mono<? extends T>> monos) {
        Mono<?>[] sources = toArray(monos, "monos");
        return (Mono<List<Outcome<T>>>) (Mono<?>) new GatherMono(sources, true);
    }

    /**
     * Starts {@code coroutine} now and returns its running {@link Task}
     * ({@code asyncio.create_task}). The Mono is subscribed immediately, on the calling
     * thread, exactly once; its outcome is cached for any number of awaiters.
     *
     * @param coroutine the work to start
     * @param <T> the value type
     * @return the running task
     */
    public static <T> Task<T> createTask(Mono<? extends T> coroutine) {
        Require.nonNull(coroutine, "coroutine");
        TaskImpl<T> task = new TaskImpl<>(null, "Task was cancelled");
        task.start(coroutine);
        return task;
    }

    /**
     * Completes after {@code delay} ({@code await asyncio.sleep(delay)}), timed on Reactor's
     * parallel scheduler (virtual time in {@code StepVerifier.withVirtualTime}).
     *
     * <p><b>Completes when</b> the delay has passed, measured from subscription; never early,
     * at most 0.1 ms late on the system clock (sleeps ending in the same 0.1 ms share one
     * timer, so 100,000 concurrent sleeps stay cheap). {@code Duration.ZERO} completes at
     * once. <b>On cancel</b> the timer is released. <b>Thread</b>: the scheduler's thread.
     *
     * @param delay how long, {@code >= 0}
     * @return a cold Mono completing after the delay
     */
    public static Mono<Void> sleep(Duration delay) {
        return sleep(delay, Schedulers.parallel());
    }

    /**
     * Completes after {@code delay} on the given scheduler; see {@link #sleep(Duration)}.
     *
     * @param delay how long, {@code >= 0}
     * @param scheduler where the time is measured and the completion runs
     * @return a cold Mono completing after the delay
     */
    public static Mono<Void> sleep(Duration delay, Scheduler scheduler) {
        Require.nonNegative(delay, "delay");
        Require.nonNull(scheduler, "scheduler");
        return new SleepMono<>(toNanos(delay), scheduler, null);
    }

    /**
     * Emits {@code result} after {@code delay} ({@code await asyncio.sleep(delay, result)});
     * see {@link #sleep(Duration)}. Cheaper than {@code sleep(delay).thenReturn(result)}.
     *
     * @param delay how long, {@code >= 0}
     * @param result the value to emit
     * @param <T> the value type
     * @return a cold Mono emitting {@code result} after the delay
     */
    public static <T> Mono<T> sleep(Duration delay, T result) {
        return sleep(delay, result, Schedulers.parallel());
    }

    /**
     * Emits {@code result} after {@code delay} on the given scheduler; see
     * {@link #sleep(Duration, Object)}.
     *
     * @param delay how long, {@code >= 0}
     * @param result the value to emit
     * @param scheduler where the time is measured and the value is emitted
     * @param <T> the value type
     * @return a cold Mono emitting {@code result} after the delay
     */
    public static <T> Mono<T> sleep(Duration delay, T result, Scheduler scheduler) {
        Require.nonNegative(delay, "delay");
        Require.nonNull(result, "result");
        Require.nonNull(scheduler, "scheduler");
        return new SleepMono<>(toNanos(delay), scheduler, result);
    }

    /**
     * Waits at most {@code timeout} for {@code coroutine} ({@code asyncio.wait_for}): past
     * it, the work is cancelled and the result fails with a {@link WaitTimeoutException}
     * (a {@link java.util.concurrent.TimeoutException}).
     *
     * <pre>{@code
     * Task<Report> build = Tasks.createTask(buildReport());
     * Mono<Report> report = Tasks.waitFor(build.join(), Duration.ofSeconds(5));   // wait_for(build, 5)
     * }</pre>
     *
     * <p>As in asyncio, waiting on a task's {@link Task#join() join()} owns the task: when the
     * timeout expires, or the returned Mono is cancelled, the task is cancelled too. To give up
     * waiting and let the task run on, wait on {@link #shield(Task) shield(task)} instead.
     *
     * <p>A timeout of zero or less (asyncio treats a negative timeout like 0) takes a result
     * that is already there and does not wait: the coroutine is subscribed, and if it ends
     * during that subscription (a done {@link Task} or {@link AsyncFuture}, a {@code Mono.just})
     * that is the outcome; otherwise it is cancelled and the result fails with a
     * {@link WaitTimeoutException}. {@code wait_for(aw, None)}, no timeout at all, is the
     * coroutine itself: compose it without {@code waitFor}.
     *
     * <p><b>Emits when</b> the coroutine emits in time. <b>Errors when</b> it fails, or the
     * timeout expires first. <b>On cancel</b> cancels the work and the timer. <b>Thread</b>:
     * the coroutine's, or for the timeout the parallel scheduler's (or the one passed to
     * {@link #waitFor(Mono, Duration, Scheduler)}).
     *
     * @param coroutine the work
     * @param timeout the most to wait; zero or less takes only a result already there
     * @param <T> the value type
     * @return a cold Mono of the value
     * @see #shield(Task)
     * @see <a href="https://docs.python.org/3/library/asyncio-task.html#asyncio.wait_for">asyncio.wait_for</a>
     */
    public static <T> Mono<T> waitFor(Mono<T> coroutine, Duration timeout) {
        return waitFor(coroutine, timeout, Schedulers.parallel());
    }

    /**
     * Waits at most {@code timeout} for {@code coroutine}, timed on {@code scheduler}; see
     * {@link #waitFor(Mono, Duration)}.
     *
     * @param coroutine the work
     * @param timeout the most to wait; zero or less takes only a result already there
     * @param scheduler where the timeout is measured
     * @param <T> the value type
     * @return a cold Mono of the value
     */
    public static <T> Mono<T> waitFor(Mono<T> coroutine, Duration timeout, Scheduler scheduler) {
        Require.nonNull(coroutine, "coroutine");
        if (timeout == null) {
            throw new NullPointerException("timeout must not be null; to wait without a timeout "
                    + "(asyncio's wait_for(aw, None)), await the Mono itself instead of calling waitFor");
        }
        Require.nonNull(scheduler, "scheduler");
        Mono<T> timedOut = Mono.error(() -> new WaitTimeoutException(timeout));
        if (timeout.isZero() || timeout.isNegative()) {
            // subscribed in order: an outcome signalled while subscribing wins, else the timeout does
            return Mono.firstWithSignal(coroutine, timedOut);
        }
        return coroutine.timeout(sleep(timeout, scheduler), timedOut);
    }

    /**
     * Runs every Mono concurrently and emits each value as soon as it arrives
     * ({@code asyncio.as_completed}).
     *
     * <p><b>Emits when</b> a Mono produces its value, in completion order. <b>Completes
     * when</b> all have. <b>Errors when</b> one fails (the others are cancelled) or completes
     * empty. <b>On cancel</b> cancels them all. Values wait for demand in a buffer that holds
     * at most one per Mono.
     *
     * <p>For a task's {@link Task#join() join}, cancelling it cancels the task: a consumer that
     * stops early (a {@code take(n)}, a timeout, an error) cancels the tasks not yet done,
     * where asyncio's {@code as_completed} would leave them running. Pass
     * {@link #shield(Task) shield(task)} to keep a task running.
     *
     * @param monos the coroutines
     * @param <T> the value type
     * @return a cold Flux of the values in completion order
     */
    @SuppressWarnings("unchecked")
    public static <T> Flux<T> asCompleted(Iterable<? extends Mono<? extends T>> monos) {
        return (Flux<T>) (Flux<?>) new AsCompletedFlux(toArray(monos, "monos"));
    }

    /**
     * Protects work from cancellation ({@code asyncio.shield}): on the first subscription the
     * work starts as a {@link Task}; every subscription awaits that one run, and cancelling a
     * subscription only stops that subscriber waiting. The work runs to its end and its
     * outcome is seen by every other subscriber.
     *
     * <pre>{@code
     * Mono<String> save = Tasks.shield(store(order));                // starts on first subscribe
     * Mono<String> impatient = Tasks.waitFor(save, Duration.ofSeconds(1));   // the save goes on
     * }</pre>
     *
     * @param coroutine the work to protect
     * @param <T> the value type
     * @return a Mono awaiting the shielded run
     * @see #shield(Task)
     */
    public static <T> Mono<T> shield(Mono<? extends T> coroutine) {
        Require.nonNull(coroutine, "coroutine");
        AtomicReference<TaskImpl<T>> started = new AtomicReference<>();
        return Mono.defer(() -> {
            TaskImpl<T> t = started.get();
            if (t == null) {
                TaskImpl<T> fresh = new TaskImpl<>(null, "shielded Task was cancelled");
                if (started.compareAndSet(null, fresh)) {
                    fresh.start(coroutine);
                    t = fresh;
                } else {
                    t = started.get();
                }
            }
            return t.shielded();
        });
    }

    /**
     * Awaits a task without owning it ({@code await asyncio.shield(task)}): unlike
     * {@link Task#join()}, cancelling the returned Mono (or a {@link #waitFor waitFor},
     * {@link #gather gather} or {@link #asCompleted asCompleted} that awaits it) only stops
     * that subscriber waiting; the task runs on, and its outcome is still there for others.
     *
     * <pre>{@code
     * Task<Report> build = Tasks.createTask(buildReport());
     * Mono<Report> quick = Tasks.waitFor(Tasks.shield(build), Duration.ofSeconds(1))
     *         .onErrorResume(TimeoutException.class, e -> build.join());   // it went on running
     * }</pre>
     *
     * <p><b>Emits when</b> the task succeeds (at once if it already has). <b>Errors when</b> it
     * fails, or with {@link java.util.concurrent.CancellationException} if it is cancelled.
     * <b>On cancel</b> stops waiting; the task is not affected.
     *
     * @param task the task to await
     * @param <T> the value type
     * @return a cold Mono of the task's outcome
     * @see Task#join()
     */
    @SuppressWarnings("unchecked")
    public static <T> Mono<T> shield(Task<? extends T> task) {
        Require.nonNull(task, "task");
        if (task instanceof TaskImpl) {
            return (Mono<T>) ((TaskImpl<? extends T>) task).shielded();
        }
        return shield(task.join()); // a Task implemented elsewhere: await it from a task of our own
    }

    /**
     * Runs a blocking call on Reactor's bounded elastic scheduler ({@code asyncio.to_thread}),
     * so that no non-blocking thread waits for it.
     *
     * <p><b>Emits when</b> the call returns a value (completes empty when it returns null).
     * <b>Errors when</b> it throws. <b>On cancel</b> the result is dropped (a running call is
     * not interrupted). <b>Thread</b>: a {@code boundedElastic} thread.
     *
     * @param call the blocking call, made once per subscription
     * @param <T> the value type
     * @return a cold Mono of the call's result
     */
    public static <T> Mono<T> toThread(Callable<? extends T> call) {
        return toThread(call, Schedulers.boundedElastic());
    }

    /**
     * Runs a blocking call on the given scheduler; see {@link #toThread(Callable)}.
     *
     * @param call the blocking call
     * @param scheduler a scheduler whose threads may block
     * @param <T> the value type
     * @return a cold Mono of the call's result
     */
    public static <T> Mono<T> toThread(Callable<? extends T> call, Scheduler scheduler) {
        Require.nonNull(call, "call");
        Require.nonNull(scheduler, "scheduler");
        return Mono.<T>fromCallable(call).subscribeOn(scheduler);
    }

    /**
     * Runs {@code main} to completion and returns its value, blocking the calling thread
     * ({@code asyncio.run}): the entry point for {@code main()} and for tests, not for code
     * that is itself reactive.
     *
     * @param main the program
     * @param <T> the value type
     * @return the value, or null if {@code main} completes empty
     * @throws IllegalStateException on a non-blocking Reactor thread (which must never wait),
     *     or inside a hand-off of one of this package's primitives
     * @throws RuntimeException the failure of {@code main}; a checked failure is wrapped in a
     *     {@link CompletionException}
     */
    public static <T> T run(Mono<T> main) {
        Require.nonNull(main, "main");
        if (Schedulers.isInNonBlockingThread()) {
            throw new IllegalStateException("Tasks.run() blocks, and thread '" + Thread.currentThread().getName()
                    + "' is a non-blocking Reactor thread; compose the Mono into the running chain "
                    + "(flatMap/then) instead of running it");
        }
        if (Trampoline.isDraining()) {
            throw new IllegalStateException("Tasks.run() called from inside a lock, semaphore, queue or task "
                    + "hand-off on thread '" + Thread.currentThread().getName()
                    + "'; compose the Mono (flatMap/then) instead of blocking on it");
        }
        try {
            return main.block();
        } catch (RuntimeException e) {
            Throwable cause = Exceptions.unwrap(e);
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw new CompletionException(cause);
        }
    }

    private static long toNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static Mono<?>[] copy(Mono<?>[] monos) {
        Require.nonNull(monos, "monos");
        Mono<?>[] sources = new Mono<?>[monos.length];
        for (int i = 0; i < monos.length; i++) {
            if (monos[i] == null) {
                throw new NullPointerException("monos[" + i + "] must not be null");
            }
            sources[i] = monos[i];
        }
        return sources;
    }

    private static Mono<?>[] toArray(Iterable<? extends Mono<?>> monos, String name) {
        Require.nonNull(monos, name);
        Mono<?>[] array;
        if (monos instanceof Collection) {
            array = ((Collection<?>) monos).toArray(new Mono<?>[0]);
        } else {
            List<Mono<?>> list = new ArrayList<>();
            monos.forEach(list::add);
            array = list.toArray(new Mono<?>[0]);
        }
        for (int i = 0; i < array.length; i++) {
            if (array[i] == null) {
                throw new NullPointerException(name + "[" + i + "] must not be null");
            }
        }
        return array;
    }
}
