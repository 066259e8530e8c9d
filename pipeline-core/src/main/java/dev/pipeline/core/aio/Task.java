package dev.pipeline.core.aio;

import java.util.Optional;
import java.util.function.Consumer;

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
 * without owning it, and so does {@link Tasks#wait(Iterable, ReturnWhen) Tasks.wait}.
 *
 * <p>Every task has a {@linkplain #name() name}; its coroutine finds it with
 * {@link Tasks#currentTask()}, and {@link Tasks#allTasks()} lists the tasks not yet done.
 * Tasks are created only by this package: this interface is not meant to be implemented
 * elsewhere, and methods may be added to it.
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
     * @see #exception()
     */
    T result();

    /**
     * The task's failure, without waiting ({@code task.exception()}): empty if it succeeded,
     * the failure itself (never wrapped) if it failed.
     *
     * <p>As in asyncio, asking a task that is still running is an error, and so is asking a
     * cancelled one: a cancellation is not a failure to return but an outcome of its own.
     *
     * <pre>{@code
     * done.forEach(t -> t.exception().ifPresent(e -> log.warn("{} failed", t.name(), e)));
     * }</pre>
     *
     * @return the failure, or empty for a success
     * @throws IllegalStateException while the task is still running ({@code InvalidStateError})
     * @throws java.util.concurrent.CancellationException if the task was cancelled
     *     ({@code CancelledError})
     */
    Optional<Throwable> exception();

    /**
     * The task's name ({@code task.get_name()}): the one given to
     * {@link Tasks#createTask(String, Mono)} or {@link TaskGroup#spawn(String, Mono)}, or
     * asyncio's default, {@code Task-<n>}, with {@code n} counting the tasks created in this JVM.
     * A name cannot be changed ({@code set_name} has no counterpart): it is fixed at creation,
     * so reading it from any thread needs no synchronisation.
     *
     * @return the name
     */
    String name();

    /**
     * Runs {@code callback} with this task once it is done ({@code task.add_done_callback(fn)}):
     * exactly once, whether it succeeds, fails or is cancelled, and also when it is added after
     * the task is done (then at once, on the calling thread).
     *
     * <p><b>Thread</b>: the thread that completes the task, after the task's group (if any) has
     * heard of it, in the order callbacks and awaiters came. A callback must not block; one that
     * throws does not stop the others, and what it throws goes to
     * {@link reactor.core.publisher.Hooks#onErrorDropped Reactor's onErrorDropped hook} (logged
     * by default), as asyncio's loop logs it.
     *
     * @param callback called with this task; the same callback may be added more than once
     * @see #removeDoneCallback(Consumer)
     */
    void addDoneCallback(Consumer<? super Task<T>> callback);

    /**
     * Removes every registration of {@code callback} (compared with {@code equals}) that has not
     * run yet ({@code task.remove_done_callback(fn)}).
     *
     * @param callback the callback given to {@link #addDoneCallback}
     * @return how many registrations were removed: 0 once the task is done
     */
    int removeDoneCallback(Consumer<? super Task<T>> callback);
}
