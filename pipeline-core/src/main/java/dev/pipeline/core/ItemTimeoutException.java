package dev.pipeline.core;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** A stage's work on one item took longer than its {@link Stage#timeout(Duration) timeout}. */
public final class ItemTimeoutException extends TimeoutException {

    private static final long serialVersionUID = 1L;

    private final String stage;
    private final Duration timeout;

    /**
     * Creates the exception.
     *
     * @param stage the stage name
     * @param timeout the configured timeout
     */
    public ItemTimeoutException(String stage, Duration timeout) {
        super("stage '" + stage + "' did not finish an item within " + timeout);
        this.stage = stage;
        this.timeout = timeout;
    }

    /**
     * The stage whose timeout expired.
     *
     * @return the stage name
     */
    public String stage() {
        return stage;
    }

    /**
     * The configured per-item timeout.
     *
     * @return the timeout
     */
    public Duration getTimeout() {
        return timeout;
    }
}
