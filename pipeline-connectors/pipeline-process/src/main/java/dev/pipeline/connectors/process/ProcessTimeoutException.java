package dev.pipeline.connectors.process;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * A command ran longer than its {@link Command#timeout(Duration) timeout}; its process tree was
 * killed. The cause is a {@link TimeoutException}; {@link #timeout()} is the configured limit.
 */
public final class ProcessTimeoutException extends ProcessException {

    private static final long serialVersionUID = 1L;

    private final Duration timeout;

    /**
     * A timeout of {@code command}.
     *
     * @param command the command
     * @param timeout the limit it ran past
     * @param stderr the tail of its standard error
     */
    ProcessTimeoutException(Command command, Duration timeout, String stderr) {
        super("command '" + command.describe() + "' ran longer than its timeout of " + timeout
                + " and was killed with its child processes; last stderr lines: " + lastLines(stderr)
                + "; raise Command.timeout or make the command faster", command.argv(), -1, stderr,
                new TimeoutException("timeout of " + timeout));
        this.timeout = timeout;
    }

    /**
     * The configured limit.
     *
     * @return the timeout
     */
    public Duration timeout() {
        return timeout;
    }
}
