package dev.pipeline.core.aio;

/**
 * When {@link Tasks#wait(Iterable, ReturnWhen) Tasks.wait} returns: asyncio's
 * {@code FIRST_COMPLETED}, {@code FIRST_EXCEPTION} and {@code ALL_COMPLETED}. Whatever the
 * condition, a timeout returns earlier, and the tasks still running are in the pending set.
 */
public enum ReturnWhen {

    /** As soon as any task is done: succeeded, failed or cancelled. */
    FIRST_COMPLETED,

    /**
     * As soon as any task fails (a cancelled task is not a failure, nor is one that failed with
     * a {@link java.util.concurrent.CancellationException}); if none fails, once all are done,
     * like {@link #ALL_COMPLETED}.
     */
    FIRST_EXCEPTION,

    /** Once every task is done. */
    ALL_COMPLETED
}
