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
 * @param <T> the value type
 * @see <a href="https://docs.python.org/3/library/asyncio-task.html#asyncio.Task">asyncio.Task</a>
 */
public interface Task<T> {

    /**
     * Awaits the outcome: a cold Mono that emits the task's value (or completes empty for an
     * empty result), or fails with its failure, or with
     * {@link java.util.concurrent.CancellationException} if the task was cancelled. Any number
     * of subscribers may await; cancelling one of them does <em>not</em> cancel the task.
     *
     * @return a Mono of the task's outcome
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
