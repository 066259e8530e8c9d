package dev.pipeline.core.aio;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

import dev.pipeline.core.internal.Require;

/**
 * What {@link Tasks#wait(Iterable, ReturnWhen) Tasks.wait} returns: asyncio's
 * {@code (done, pending)} pair, as two sets of the tasks passed in, each in argument order.
 *
 * <pre>{@code
 * WaitResult<Task<String>> r = Tasks.run(Tasks.wait(tasks, ReturnWhen.FIRST_COMPLETED));
 * r.pending().forEach(Task::cancel);           // done, pending = await wait(...)
 * }</pre>
 *
 * @param done the tasks that were done when the wait returned (succeeded, failed or cancelled)
 * @param pending the tasks still running then
 * @param <K> the task type
 */
public record WaitResult<K>(Set<K> done, Set<K> pending) {

    /**
     * Copies both sets, keeping their order.
     *
     * @param done the tasks that were done
     * @param pending the tasks still running
     */
    public WaitResult {
        done = Collections.unmodifiableSet(new LinkedHashSet<>(Require.nonNull(done, "done")));
        pending = Collections.unmodifiableSet(new LinkedHashSet<>(Require.nonNull(pending, "pending")));
    }
}
