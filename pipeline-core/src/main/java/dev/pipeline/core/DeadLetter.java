package dev.pipeline.core;

import java.time.Instant;
import java.util.Objects;

import dev.pipeline.core.internal.Items;

/**
 * An item a stage gave up on, sent to the dead-letter sink of an
 * {@link ErrorPolicy#deadLetter} policy: which stage, the original item, the error, and how
 * many attempts were made (retries included).
 *
 * @param <T> the item type
 */
public final class DeadLetter<T> {

    private final String stage;
    private final T item;
    private final Throwable error;
    private final int attempts;
    private final Instant at;

    /**
     * Creates a dead letter.
     *
     * @param stage the stage that gave up
     * @param item the original item as the stage received it
     * @param error the last failure (unwrapped from retry exhaustion)
     * @param attempts attempts made, at least 1
     * @param at when the stage gave up
     */
    public DeadLetter(String stage, T item, Throwable error, int attempts, Instant at) {
        this.stage = Objects.requireNonNull(stage, "stage must not be null");
        this.item = item;
        this.error = Objects.requireNonNull(error, "error must not be null");
        this.attempts = attempts;
        this.at = Objects.requireNonNull(at, "at must not be null");
    }

    /**
     * The stage that gave up on the item.
     *
     * @return the stage name
     */
    public String stage() {
        return stage;
    }

    /**
     * The item as the stage received it.
     *
     * @return the item
     */
    public T item() {
        return item;
    }

    /**
     * The failure, unwrapped from Reactor's retry exhaustion.
     *
     * @return the error
     */
    public Throwable error() {
        return error;
    }

    /**
     * Attempts made on the item, the first one included.
     *
     * @return the attempt count
     */
    public int attempts() {
        return attempts;
    }

    /**
     * When the stage gave up, on the pipeline's scheduler clock.
     *
     * @return the instant
     */
    public Instant at() {
        return at;
    }

    /**
     * A one-line reason: the error's type and message.
     *
     * @return the reason
     */
    public String reason() {
        String m = error.getMessage();
        return error.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    @Override
    public String toString() {
        return "DeadLetter[stage=" + stage + ", attempts=" + attempts + ", item=" + Items.describe(item)
                + ", error=" + reason() + "]";
    }
}
