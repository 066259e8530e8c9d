package dev.pipeline.core.aio;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * {@link Tasks#waitFor} gave up: the work did not finish within the timeout and was
 * cancelled. asyncio's {@code TimeoutError}.
 */
public final class WaitTimeoutException extends TimeoutException {

    private static final long serialVersionUID = 1L;

    private final Duration timeout;

    /**
     * Creates the exception.
     *
     * @param timeout the timeout that expired
     */
    public WaitTimeoutException(Duration timeout) {
        super((timeout.isZero() || timeout.isNegative()
                ? "waitFor: no result was there already (timeout " + timeout + ")"
                : "waitFor: no result within " + timeout) + "; the work was cancelled");
        this.timeout = timeout;
    }

    /**
     * The timeout that expired.
     *
     * @return the configured timeout
     */
    public Duration getTimeout() {
        return timeout;
    }
}
