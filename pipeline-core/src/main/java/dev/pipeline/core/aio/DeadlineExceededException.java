package dev.pipeline.core.aio;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeoutException;

/**
 * The deadline of a {@link Tasks#timeout Tasks.timeout} or {@link Tasks#timeoutAt timeoutAt}
 * scope passed before its work was done: the work was cancelled. asyncio's {@code TimeoutError}
 * from {@code async with asyncio.timeout(...)}.
 */
public final class DeadlineExceededException extends TimeoutException {

    private static final long serialVersionUID = 1L;

    private final Instant deadline;
    private final Duration timeout;

    /**
     * Creates the exception.
     *
     * @param deadline the deadline that passed, on the scope's scheduler clock
     * @param timeout how long the work was given: from the start of the scope to the deadline
     */
    public DeadlineExceededException(Instant deadline, Duration timeout) {
        super("timeout: the deadline " + deadline + " passed, " + timeout
                + " after the timeout scope started; the work was cancelled");
        this.deadline = deadline;
        this.timeout = timeout;
    }

    /**
     * The deadline that passed ({@code Timeout.when()} at that moment), on the clock of the
     * scope's scheduler.
     *
     * @return the deadline
     */
    public Instant getDeadline() {
        return deadline;
    }

    /**
     * How long the work was given: from the start of the scope to the deadline that passed
     * (after any {@link Timeout#reschedule reschedule}); zero for a deadline already past.
     *
     * @return the time allowed
     */
    public Duration getTimeout() {
        return timeout;
    }
}
