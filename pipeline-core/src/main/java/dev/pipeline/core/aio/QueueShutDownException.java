package dev.pipeline.core.aio;

/**
 * The {@link AsyncQueue} was shut down: puts fail at once, and takes fail once the queue is
 * drained (or at once after an immediate shutdown). Python 3.13's {@code asyncio.QueueShutDown}.
 */
public final class QueueShutDownException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was attempted on the shut-down queue
     */
    public QueueShutDownException(String message) {
        super(message);
    }
}
