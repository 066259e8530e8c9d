package dev.pipeline.core.aio;

import java.util.function.Function;

import dev.pipeline.core.internal.Require;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;

/**
 * Structured concurrency: asyncio's {@code TaskGroup}. Children spawned in the group run
 * concurrently; the group completes only when its body and every child are done, and the
 * first failure cancels everything else.
 *
 * <pre>{@code
 * Mono<String> both = TaskGroup.run(tg -> {
 *     Task<String> a = tg.spawn(fetch("a"));
 *     Task<String> b = tg.spawn(fetch("b"));
 *     return a.join().zipWith(b.join(), String::concat);
 * });
 * }</pre>
 *
 * <ul>
 *   <li>The returned Mono is cold: the body runs on subscription, once per subscription.</li>
 *   <li>It completes with the body's value once the body and all children (including children
 *       spawned by children) are done.</li>
 *   <li>On the first failure of a child or of the body, every other child and the body are
 *       cancelled, then the group fails with a {@link TaskGroupException} listing every
 *       failure that is not a cancellation. Failures that become ready at the same moment
 *       (woken by the same event, timer or release) are all collected, as in asyncio.
 *       So are children that fail as they are spawned in one step (the body function and
 *       what its Mono does while subscribed, or one hand-off): the group reacts to the first
 *       failure after that step, as asyncio runs the tasks created by the body before the
 *       first one's failure is handled. On a thread that is not running a hand-off (a
 *       {@code publishOn} thread, say), a step ends with the spawn that failed.</li>
 *   <li>A child that is cancelled on its own, or fails with
 *       {@link java.util.concurrent.CancellationException}, counts as cancelled, not failed.</li>
 *   <li>A body that fails with {@link java.util.concurrent.CancellationException} (it awaited
 *       something cancelled) cancels the children; if nothing else failed, the group fails
 *       with that cancellation, as asyncio re-raises {@code CancelledError}.</li>
 *   <li>Cancelling the returned Mono cancels the body and every child.</li>
 *   <li>Children see the Reactor {@code Context} of the group's subscriber, as asyncio tasks
 *       inherit their creator's context, with themselves as {@link Tasks#currentTask()}; the
 *       body sees the group's subscriber's, as asyncio's body runs in the enclosing task.</li>
 * </ul>
 *
 * <p>In Reactor, cancellation is a signal: a child counts as finished once its cancellation
 * has been signalled. Asynchronous clean-up the child started itself (for example
 * {@code usingWhen}'s cancel publisher) is not awaited.
 *
 * @see <a href="https://docs.python.org/3/library/asyncio-task.html#task-groups">asyncio.TaskGroup</a>
 */
public final class TaskGroup {

    private final GroupRun<?> run;

    TaskGroup(GroupRun<?> run) {
        this.run = run;
    }

    /**
     * Runs {@code body} as a task group ({@code async with TaskGroup() as tg:}).
     *
     * <p><b>Emits when</b> the body's value once every child is done (completes empty for an
     * empty body). <b>Errors when</b> the body or a child fails: {@link TaskGroupException},
     * after every other child and the body are cancelled. <b>On cancel</b> cancels the body and
     * every child. <b>Thread</b>: {@code body} runs on the subscribing thread.
     *
     * @param body builds the group's main coroutine, spawning children through its argument
     * @param <R> the body's value type
     * @return a cold Mono of the body's value
     */
    public static <R> Mono<R> run(Function<? super TaskGroup, ? extends Mono<? extends R>> body) {
        Require.nonNull(body, "body");
        return new Mono<R>() {
            @Override
            public void subscribe(CoreSubscriber<? super R> actual) {
                GroupRun<R> group = new GroupRun<>(actual);
                actual.onSubscribe(group);
                group.start(body);
            }
        };
    }

    /**
     * Starts {@code child} in this group at once ({@code tg.create_task(coro)}); the group
     * will not complete before it does.
     *
     * <p>If the group is already shutting down (it has begun cancelling its children after a
     * failure, or it was cancelled), the child is not started and the returned task is
     * already cancelled. A child spawned in the same step as a failure, before the group has
     * reacted to it, is started as asyncio would start it; the shutdown then cancels it
     * unless it has ended, and its own failure is reported with the first.
     *
     * @param child the coroutine to run, subscribed immediately on the calling thread
     * @param <T> the child's value type
     * @return the running child
     * @throws IllegalStateException if the group has finished
     */
    public <T> Task<T> spawn(Mono<? extends T> child) {
        Require.nonNull(child, "child");
        return run.spawn(null, child);
    }

    /**
     * Starts {@code child} in this group as a task called {@code name}
     * ({@code tg.create_task(coro, name=name)}); see {@link #spawn(Mono)}.
     *
     * @param name the child's {@linkplain Task#name() name}
     * @param child the coroutine to run, subscribed immediately on the calling thread
     * @param <T> the child's value type
     * @return the running child
     * @throws IllegalStateException if the group has finished
     */
    public <T> Task<T> spawn(String name, Mono<? extends T> child) {
        Require.nonNull(name, "name");
        Require.nonNull(child, "child");
        return run.spawn(name, child);
    }

    /**
     * How many children are running right now (a snapshot).
     *
     * @return the number of running children
     */
    public int activeCount() {
        return run.activeCount();
    }

    @Override
    public String toString() {
        return "TaskGroup[" + run + "]";
    }
}
