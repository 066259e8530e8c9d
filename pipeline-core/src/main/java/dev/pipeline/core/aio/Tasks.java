package dev.pipeline.core.aio;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import dev.pipeline.core.aio.internal.AsCompletedFlux;
import dev.pipeline.core.aio.internal.GatherMono;
import dev.pipeline.core.aio.internal.SleepMono;
import dev.pipeline.core.aio.internal.TaskImpl;
import dev.pipeline.core.aio.internal.TaskRegistry;
import dev.pipeline.core.aio.internal.Trampoline;
import dev.pipeline.core.aio.internal.WaitMono;
import dev.pipeline.core.internal.Require;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * asyncio's task functions: {@code gather}, {@code create_task}, {@code sleep},
 * {@code wait_for}, {@code wait}, {@code timeout}, {@code timeout_at}, {@code as_completed},
 * {@code shield}, {@code current_task}, {@code all_tasks}, {@code to_thread} and {@code run}.
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
 * {@link #createTask} see a Reactor {@code Context} holding only themselves (they have no
 * subscriber of their own; see {@link #currentTask()}).
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
        return (Mono<List<T>>) (Mono<?>) new GatherMono(copy(monos), false, Integer.MAX_VALUE);
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
        return (Mono<List<T>>) (Mono<?>) new GatherMono(sources, false, Integer.MAX_VALUE);
    }

    /**
     * Runs the Monos with at most {@code concurrency} of them at once and emits their values in
     * iteration order; see {@link #gather(Mono[])}.
     *
     * <pre>{@code
     * Mono<List<Page>> pages = Tasks.gather(urls.stream().map(this::fetch).toList(), 4);   // 4 at a time
     * }</pre>
     *
     * <p>The first {@code concurrency} Monos are subscribed at once, and each one that ends lets
     * the next one in iteration order start; the list is still in iteration order, whatever the
     * order of completion. After a failure no further Mono is subscribed. asyncio's
     * {@code gather} has no such parameter; there the cap is an {@code asyncio.Semaphore} around
     * each coroutine, which this replaces without a semaphore to share.
     *
     * <p>A task's {@link Task#join() join} counts only once it is subscribed: the cap limits
     * coroutines, which start when subscribed, not tasks, which already run; and cancelling or
     * failing the gather cancels only the tasks whose joins it had subscribed.
     *
     * @param monos the coroutines, subscribed in iteration order
     * @param concurrency how many may run at once, {@code >= 1}
     * @param <T> the value type
     * @return a cold Mono of the values in iteration order
     */
    @SuppressWarnings("unchecked")
    public static <T> Mono<List<T>> gather(Iterable<? extends Mono<? extends T>> monos, int concurrency) {
        Require.positive(concurrency, "concurrency");
        Mono<?>[] sources = toArray(monos, "monos");
        return (Mono<List<T>>) (Mono<?>) new GatherMono(sources, false, concurrency);
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
        return (Mono<List<Outcome<T>>>) (Mono<?>) new GatherMono(copy(monos), true, Integer.MAX_VALUE);
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
        return (Mono<List<Outcome<T>>>) (Mono<?>) new GatherMono(sources, true, Integer.MAX_VALUE);
    }

    /**
     * Runs the Monos to the end with at most {@code concurrency} of them at once and emits each
     * one's {@link Outcome} in iteration order; see {@link #gatherSettled(Mono[])} and
     * {@link #gather(Iterable, int)} for the cap, which a failure does not stop here.
     *
     * @param monos the coroutines, subscribed in iteration order
     * @param concurrency how many may run at once, {@code >= 1}
     * @param <T> the value type
     * @return a cold Mono of the outcomes in iteration order
     */
    @SuppressWarnings("unchecked")
    public static <T> Mono<List<Outcome<T>>> gatherSettled(Iterable<? extends Mono<? extends T>> monos, int concurrency) {
        Require.positive(concurrency, "concurrency");
        Mono<?>[] sources = toArray(monos, "monos");
        return (Mono<List<Outcome<T>>>) (Mono<?>) new GatherMono(sources, true, concurrency);
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
        return start(null, coroutine);
    }

    /**
     * Starts {@code coroutine} now as a task called {@code name}
     * ({@code asyncio.create_task(coro, name=name)}); see {@link #createTask(Mono)}.
     *
     * <pre>{@code
     * Task<String> page = Tasks.createTask("fetch /index", fetch("/index"));
     * }</pre>
     *
     * @param name the task's {@linkplain Task#name() name}, for logs and {@link #allTasks()};
     *     names need not be unique
     * @param coroutine the work to start
     * @param <T> the value type
     * @return the running task
     */
    public static <T> Task<T> createTask(String name, Mono<? extends T> coroutine) {
        Require.nonNull(name, "name");
        Require.nonNull(coroutine, "coroutine");
        return start(name, coroutine);
    }

    private static <T> Task<T> start(String name, Mono<? extends T> coroutine) {
        TaskImpl<T> task = new TaskImpl<>(name, null, "Task was cancelled");
        task.start(coroutine);
        return task;
    }

    /**
     * The task whose coroutine is running this Mono ({@code asyncio.current_task()}), found in
     * the Reactor {@code Context}: emits the task, or completes empty outside any task.
     *
     * <pre>{@code
     * Task<String> t = Tasks.createTask("report", Tasks.currentTask().map(Task::name));
     * t.result();   // "report"
     * }</pre>
     *
     * <p>A task started by {@link #createTask}, {@link TaskGroup#spawn} or {@link #shield(Mono)}
     * puts itself in the Context its coroutine subscribes with, so everything that is part of
     * the coroutine's chain, at any depth, sees it; the innermost task wins. Limits, since a
     * Context travels with subscriptions, not with threads or calls:
     * <ul>
     *   <li>Monos the coroutine subscribes to itself ({@code gather}, {@code asCompleted},
     *       {@code waitFor}, a {@code TaskGroup} body) see the coroutine's task, where asyncio's
     *       {@code gather} would wrap each coroutine in a task of its own.</li>
     *   <li>Code outside the chain does not: a callback of {@code subscribe(...)}, a
     *       {@code doOnNext} that calls {@code currentTask().block()}, work handed to a
     *       {@code Sinks} or an executor, a done callback. Compose {@code currentTask()} into the
     *       chain instead.</li>
     *   <li>A {@code contextWrite} between the coroutine and this Mono can hide it (by
     *       replacing the Context rather than adding to it).</li>
     * </ul>
     *
     * @return a cold Mono of the current task
     * @see #allTasks()
     */
    public static Mono<Task<?>> currentTask() {
        return Mono.deferContextual(ctx -> Mono.justOrEmpty(ctx.<Task<?>>getOrEmpty(TaskImpl.CONTEXT_KEY)));
    }

    /**
     * The tasks not yet done ({@code asyncio.all_tasks()}): a snapshot of every task started by
     * {@link #createTask}, {@link TaskGroup#spawn} or {@link #shield(Mono)} in this JVM that has
     * not succeeded, failed or been cancelled.
     *
     * <pre>{@code
     * Tasks.allTasks().forEach(Task::cancel);   // at shutdown: nothing keeps running
     * }</pre>
     *
     * <p>asyncio's set is per event loop; there is no loop here, so this is per JVM. As in
     * asyncio, tasks are held weakly: a pending task that nothing else can reach is forgotten
     * (and collected) rather than kept alive by this registry. A task is registered once its
     * first, synchronous step has returned (most tasks that end at once are never registered);
     * until then only a snapshot taken on its own thread lists it, so a task starting on another
     * thread at that moment may be missing. Each call walks every task registered; it is meant
     * for diagnostics and shutdown, not for a hot path.
     *
     * @return an unmodifiable snapshot, in no particular order
     * @see #currentTask()
     */
    public static Set<Task<?>> allTasks() {
        return Collections.unmodifiableSet(TaskRegistry.running());
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
        long nanos = sleepNanos(delay);
        Require.nonNull(scheduler, "scheduler");
        return new SleepMono<>(nanos, scheduler, null);
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
        long nanos = sleepNanos(delay);
        Require.nonNull(result, "result");
        Require.nonNull(scheduler, "scheduler");
        return new SleepMono<>(nanos, scheduler, result);
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
     * Runs {@code body} under a deadline {@code delay} from now that the body can move
     * ({@code async with asyncio.timeout(delay) as cm:}), timed on Reactor's parallel
     * scheduler; see {@link #timeout(Duration, Scheduler, Function)}.
     *
     * @param delay the time allowed, from subscription; zero or less expires once the body's
     *     synchronous part has run
     * @param body builds the work from the scope's {@link Timeout}, once per subscription
     * @param <T> the value type
     * @return a cold Mono of the body's value
     */
    public static <T> Mono<T> timeout(Duration delay, Function<? super Timeout, ? extends Mono<? extends T>> body) {
        return timeout(delay, Schedulers.parallel(), body);
    }

    /**
     * Runs {@code body} under a deadline {@code delay} from now that the body can move
     * ({@code async with asyncio.timeout(delay) as cm:}): past the deadline, the body is
     * cancelled and the result fails with a {@link DeadlineExceededException} (a
     * {@link java.util.concurrent.TimeoutException}).
     *
     * <pre>{@code
     * Mono<Page> page = Tasks.timeout(Duration.ofSeconds(2), cm -> login()
     *         .doOnNext(session -> cm.reschedule(cm.when().plusSeconds(30)))   // logged in: 30 s more
     *         .flatMap(session -> session.fetch("/report")));
     * }</pre>
     *
     * <p>Unlike {@link #waitFor waitFor}, whose timeout is fixed, the deadline lives in a
     * {@link Timeout} object the body receives: {@link Timeout#reschedule reschedule} moves it
     * (to {@link Timeout#NEVER} to disable it), {@link Timeout#when when} reads it and
     * {@link Timeout#expired expired} tells afterwards whether it passed. Each subscription is a
     * scope of its own, with its own deadline counted from that subscription. The body owns what
     * it awaits, as any coroutine does: the expiry cancels it, and through it any task it awaits
     * with {@link Task#join()}.
     *
     * <p><b>Emits when</b> the body emits before the deadline (completes empty if it does).
     * <b>Errors when</b> the body fails; or the deadline passes first
     * ({@link DeadlineExceededException} naming the deadline); or the scheduler rejects the
     * timer. <b>On cancel</b> cancels the body and the timer. <b>Thread</b>: {@code body} runs on
     * the subscribing thread; the expiry on the scheduler's (or on the thread that moved the
     * deadline into the past).
     *
     * @param delay the time allowed, from subscription; zero or less expires once the body's
     *     synchronous part has run (a body that ends as it is subscribed still succeeds)
     * @param scheduler where the deadline is measured and whose clock {@link Timeout#when} reads
     * @param body builds the work from the scope's {@link Timeout}, once per subscription
     * @param <T> the value type
     * @return a cold Mono of the body's value
     * @see #timeoutAt(Instant, Scheduler, Function)
     * @see <a href="https://docs.python.org/3/library/asyncio-task.html#asyncio.timeout">asyncio.timeout</a>
     */
    public static <T> Mono<T> timeout(Duration delay, Scheduler scheduler,
            Function<? super Timeout, ? extends Mono<? extends T>> body) {
        if (delay == null) {
            throw new NullPointerException("delay must not be null; for a scope without a deadline "
                    + "(asyncio's timeout(None)), call timeoutAt(Timeout.NEVER, body)");
        }
        Require.nonNull(scheduler, "scheduler");
        Require.nonNull(body, "body");
        return TimeoutRun.mono(scheduler, started -> plus(started, delay), body);
    }

    /**
     * Runs {@code body} under the deadline {@code when}, an instant on the clock of Reactor's
     * parallel scheduler (the wall clock; virtual time under
     * {@code StepVerifier.withVirtualTime}); see {@link #timeoutAt(Instant, Scheduler, Function)}.
     *
     * @param when the deadline, or {@link Timeout#NEVER} for none (yet)
     * @param body builds the work from the scope's {@link Timeout}, once per subscription
     * @param <T> the value type
     * @return a cold Mono of the body's value
     */
    public static <T> Mono<T> timeoutAt(Instant when, Function<? super Timeout, ? extends Mono<? extends T>> body) {
        return timeoutAt(when, Schedulers.parallel(), body);
    }

    /**
     * Runs {@code body} under the deadline {@code when}
     * ({@code async with asyncio.timeout_at(when) as cm:}): the same scope as
     * {@link #timeout(Duration, Scheduler, Function)}, with an absolute deadline, so that
     * several steps can share one.
     *
     * <pre>{@code
     * Instant deadline = Instant.now().plusSeconds(10);       // one budget for both steps
     * Mono<Order> order = Tasks.timeoutAt(deadline, cm -> reserve(item))
     *         .flatMap(r -> Tasks.timeoutAt(deadline, cm -> charge(r)));
     * Mono<Reply> later = Tasks.timeoutAt(Timeout.NEVER, cm -> {               // timeout(None):
     *     cm.reschedule(Instant.now().plusSeconds(5));                          // a deadline set later
     *     return call();
     * });
     * }</pre>
     *
     * @param when the deadline on {@code scheduler}'s clock ({@code scheduler.now()}), or
     *     {@link Timeout#NEVER} for none until the body reschedules; a deadline already past
     *     expires once the body's synchronous part has run
     * @param scheduler where the deadline is measured
     * @param body builds the work from the scope's {@link Timeout}, once per subscription
     * @param <T> the value type
     * @return a cold Mono of the body's value
     * @see <a href="https://docs.python.org/3/library/asyncio-task.html#asyncio.timeout_at">asyncio.timeout_at</a>
     */
    public static <T> Mono<T> timeoutAt(Instant when, Scheduler scheduler,
            Function<? super Timeout, ? extends Mono<? extends T>> body) {
        if (when == null) {
            throw new NullPointerException("when must not be null; for a scope without a deadline "
                    + "(asyncio's timeout_at(None)), pass Timeout.NEVER");
        }
        Require.nonNull(scheduler, "scheduler");
        Require.nonNull(body, "body");
        return TimeoutRun.mono(scheduler, started -> when, body);
    }

    /** {@code at + d}, or {@link Timeout#NEVER} past the end of time. */
    private static Instant plus(Instant at, Duration d) {
        try {
            return at.plus(d);
        } catch (ArithmeticException | DateTimeException e) {
            return Timeout.NEVER;
        }
    }

    /**
     * Waits until every task is done ({@code done, pending = await asyncio.wait(tasks)}); see
     * {@link #wait(Iterable, ReturnWhen, Duration, Scheduler)}.
     *
     * @param tasks the tasks to watch, at least one
     * @param <K> the task type
     * @return a cold Mono of the done and pending tasks
     */
    public static <K extends Task<?>> Mono<WaitResult<K>> wait(Iterable<? extends K> tasks) {
        return wait(tasks, ReturnWhen.ALL_COMPLETED);
    }

    /**
     * Waits until {@code returnWhen} is met, without a timeout
     * ({@code asyncio.wait(tasks, return_when=...)}); see
     * {@link #wait(Iterable, ReturnWhen, Duration, Scheduler)}.
     *
     * @param tasks the tasks to watch, at least one
     * @param returnWhen when to return
     * @param <K> the task type
     * @return a cold Mono of the done and pending tasks
     */
    public static <K extends Task<?>> Mono<WaitResult<K>> wait(Iterable<? extends K> tasks, ReturnWhen returnWhen) {
        return new WaitMono<>(distinct(tasks), Require.nonNull(returnWhen, "returnWhen"), -1L, Schedulers.parallel());
    }

    /**
     * Waits until {@code returnWhen} is met or {@code timeout} has passed, timed on Reactor's
     * parallel scheduler; see {@link #wait(Iterable, ReturnWhen, Duration, Scheduler)}.
     *
     * @param tasks the tasks to watch, at least one
     * @param returnWhen when to return
     * @param timeout the most to wait; zero or less returns what is done at once
     * @param <K> the task type
     * @return a cold Mono of the done and pending tasks
     */
    public static <K extends Task<?>> Mono<WaitResult<K>> wait(Iterable<? extends K> tasks, ReturnWhen returnWhen,
            Duration timeout) {
        return wait(tasks, returnWhen, timeout, Schedulers.parallel());
    }

    /**
     * Waits for tasks until {@code returnWhen} is met or {@code timeout} has passed, and tells
     * which are done and which are still pending
     * ({@code done, pending = await asyncio.wait(tasks, timeout=t, return_when=...)}).
     *
     * <pre>{@code
     * List<Task<String>> fetches = List.of(Tasks.createTask(fetch("a")), Tasks.createTask(fetch("b")));
     * Mono<String> first = Tasks.wait(fetches, ReturnWhen.FIRST_COMPLETED, Duration.ofSeconds(5))
     *         .flatMap(r -> {
     *             r.pending().forEach(Task::cancel);          // the rest are not needed
     *             return Mono.justOrEmpty(r.done().stream().findFirst()).flatMap(Task::join);
     *         });
     * }</pre>
     *
     * <p>Unlike {@link #waitFor waitFor}, {@link #gather gather} or {@link Task#join()}, a wait
     * does not own its tasks, as in asyncio: neither the timeout nor cancelling the wait
     * cancels them, and a failed task does not fail the wait. It only watches (through
     * {@link Task#addDoneCallback done callbacks}) and hands the tasks back, sorted into done
     * and pending; what becomes of the pending ones is the caller's decision (cancel them, or
     * wait again). It takes tasks, not Monos, as asyncio 3.11+ takes tasks, not coroutines: a
     * Mono that nobody owns would run on unobserved. Pass a task twice and it counts once.
     *
     * <p><b>Emits when</b> the condition is met ({@link ReturnWhen#FIRST_COMPLETED}: a task is
     * done; {@link ReturnWhen#FIRST_EXCEPTION}: a task fails, else all are done;
     * {@link ReturnWhen#ALL_COMPLETED}: all are done), at once if it already is, or when the
     * timeout expires: the tasks done at that moment and the others, each set in argument
     * order. <b>Errors when</b> never for a task's failure; only if the scheduler rejects the
     * timer. <b>On cancel</b> stops watching; the tasks run on. <b>Thread</b>: the thread that
     * completes the deciding task, or the scheduler's for the timeout.
     *
     * @param tasks the tasks to watch, at least one
     * @param returnWhen when to return
     * @param timeout the most to wait; zero or less returns what is done at once (no
     *     {@code null}: use {@link #wait(Iterable, ReturnWhen)} to wait without a timeout)
     * @param scheduler where the timeout is measured
     * @param <K> the task type
     * @return a cold Mono of the done and pending tasks
     * @throws IllegalArgumentException if {@code tasks} is empty ({@code ValueError} in asyncio)
     * @see <a href="https://docs.python.org/3/library/asyncio-task.html#asyncio.wait">asyncio.wait</a>
     */
    public static <K extends Task<?>> Mono<WaitResult<K>> wait(Iterable<? extends K> tasks, ReturnWhen returnWhen,
            Duration timeout, Scheduler scheduler) {
        List<K> distinct = distinct(tasks);
        Require.nonNull(returnWhen, "returnWhen");
        if (timeout == null) {
            throw new NullPointerException("timeout must not be null; to wait without a timeout "
                    + "(asyncio's wait(tasks, timeout=None)), call wait(tasks, returnWhen)");
        }
        Require.nonNull(scheduler, "scheduler");
        return new WaitMono<>(distinct, returnWhen, timeout.isNegative() ? 0L : toNanos(timeout), scheduler);
    }

    private static <K> List<K> distinct(Iterable<? extends K> tasks) {
        Require.nonNull(tasks, "tasks");
        Set<K> distinct = new LinkedHashSet<>();
        int i = 0;
        for (K t : tasks) {
            if (t == null) {
                throw new NullPointerException("tasks[" + i + "] must not be null");
            }
            distinct.add(t);
            i++;
        }
        if (distinct.isEmpty()) {
            throw new IllegalArgumentException("tasks must not be empty: there is nothing to wait for "
                    + "(asyncio.wait raises ValueError too)");
        }
        return List.copyOf(distinct);
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
        return (Flux<T>) (Flux<?>) new AsCompletedFlux(toArray(monos, "monos"), Integer.MAX_VALUE);
    }

    /**
     * Runs the Monos with at most {@code concurrency} of them at once and emits each value as
     * soon as it arrives; see {@link #asCompleted(Iterable)}.
     *
     * <pre>{@code
     * Flux<Page> pages = Tasks.asCompleted(urls.stream().map(this::fetch).toList(), 8);   // 8 at a time
     * }</pre>
     *
     * <p>The Monos are subscribed in iteration order as slots free up. A slot is free once its
     * Mono's value has been emitted downstream, as a {@code flatMap}'s is: a slow consumer holds
     * back new subscriptions, so at most {@code concurrency} values are running or waiting for
     * demand at any time. asyncio has no such parameter; there the cap is an
     * {@code asyncio.Semaphore} around each coroutine.
     *
     * <p>A task's {@link Task#join() join} counts only once it is subscribed: the cap limits
     * coroutines, which start when subscribed, not tasks, which already run; and stopping early
     * cancels only the tasks whose joins were subscribed.
     *
     * @param monos the coroutines, subscribed in iteration order
     * @param concurrency how many may run (or hold an unrequested value) at once, {@code >= 1}
     * @param <T> the value type
     * @return a cold Flux of the values in completion order
     */
    @SuppressWarnings("unchecked")
    public static <T> Flux<T> asCompleted(Iterable<? extends Mono<? extends T>> monos, int concurrency) {
        Require.positive(concurrency, "concurrency");
        return (Flux<T>) (Flux<?>) new AsCompletedFlux(toArray(monos, "monos"), concurrency);
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
                TaskImpl<T> fresh = new TaskImpl<>(null, null, "shielded Task was cancelled");
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

    /** Largest whole seconds whose nanoseconds plus any nano-of-second fit in a long. */
    private static final long MAX_EXACT_SECONDS = Long.MAX_VALUE / 1_000_000_000L - 1;

    /**
     * A sleep's delay in nanoseconds ({@code Long.MAX_VALUE} past about 292 years), checked
     * as {@code Require.nonNegative} would: two getters on the common path instead of
     * {@code isNegative} and {@code toNanos}'s exact arithmetic, as every sleep pays this
     * while interpreted.
     */
    private static long sleepNanos(Duration delay) {
        Require.nonNull(delay, "delay");
        long seconds = delay.getSeconds();
        if (seconds < 0) {
            throw new IllegalArgumentException("delay must be >= 0, was " + delay);
        }
        return seconds <= MAX_EXACT_SECONDS ? seconds * 1_000_000_000L + delay.getNano() : toNanos(delay);
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
