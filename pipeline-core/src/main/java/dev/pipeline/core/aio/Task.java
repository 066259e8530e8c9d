package dev.pipeline.core.aio;

import reactor.core.publisher.Mono;

/**
 * A started, running coroutine: asyncio's {@code Task}. Created by {@link Tasks#createTask}
 * or {@link TaskGroup#spawn}; it is <em>hot</em>: it runs once, from creation, whether or not
 * anyone awaits it, and caches its outcome.
 *
 * <pre>{@code
 * Task<String> t = Tasks.createTask(fetch("a"));   // already running
 * // ... other work ...
 * String a = t.join().block();                      // await t
 * }</pre>
 *
 * <p>Awaiting a task with {@link #join()} owns it, as {@code await task} does in asyncio: a
 * cancelled or timed-out awaiter cancels the task. {@link Tasks#shield(Task)} awaits it
 * without owning it.
 *
 * @param <T> the value type
 * @see <a href="https://docs.python.org/3/library/asyncio-task.html#asyncio.Task">asyncio.Task</a>
 */
public interface Task<T> {

    /**
     * Awaits the outcome ({@code await task}): a cold Mono that emits the task's value (or
     * completes empty for an empty result), or fails with its failure, or with
     * {@link java.util.concurrent.CancellationException} if the task was cancelled. Any number
     * of subscribers may await.
     *
     * <p>As in asyncio, awaiting a task owns it: an awaiter cancelled while the task is still
     * running cancels the task, for every awaiter. That is what makes a timeout or a
     * cancellation of whatever awaits the task reach the task:
     * {@code Tasks.waitFor(task.join(), d)} timing out, {@code Tasks.gather(a.join(), b.join())}
     * being cancelled or failing, a {@code TaskGroup} body being cancelled. To wait on a task
     * without owning it, await {@link Tasks#shield(Task) Tasks.shield(task)}.
     *
     * <pre>{@code
     * Task<String> t = Tasks.createTask(fetch("a"));
     * Tasks.waitFor(t.join(), Duration.ofSeconds(1));               // past 1 s, t is cancelled
     * Tasks.waitFor(Tasks.shield(t), Duration.ofSeconds(1));        // past 1 s, t runs on
     * }</pre>
     *
     * @return a Mono of the task's outcome; cancelling it while the task runs cancels the task
     * @see Tasks#shield(Task)
     */
    Mono<T> join();

    /**
     * Cancels the task: its upstream subscription is cancelled and awaiters fail with
     * {@link java.util.concurrent.CancellationException}.
     *
     * @return true if this call cancelled it, false if it was already done
     */
    boolean cancel();

    /**
     * Whether the task has finished: succeeded, failed or cancelled.
     *
     * @return true once finished
     */
    boolean isDone();

    /**
     * Whether the task was cancelled.
     *
     * @return true if cancelled
     */
    boolean isCancelled();

    /**
     * The task's value, without waiting.
     *
     * @return the value (null for an empty result)
     * @throws IllegalStateException while the task is still running
     * @throws java.util.concurrent.CancellationException if the task was cancelled
     * @throws RuntimeException the task's failure; a checked failure is wrapped in a
     *     {@link java.util.concurrent.CompletionException}
     */
    T result();
}
