package dev.pipeline.core;

/**
 * How an item left a pipeline for good, as told to an {@link Source#acknowledged acknowledged
 * source}: the worst outcome among the item and everything derived from it (flatMap children,
 * broadcast copies, the batch it joined). Declared from best to worst.
 */
public enum Settlement {
    /** A filter dropped it (and everything derived from it was done too). */
    FILTERED,
    /** A sink stored it, after the sink's own commit or confirm. */
    STORED,
    /** An error policy skipped it. */
    SKIPPED,
    /** It was dead-lettered, and the dead-letter sink succeeded. */
    DEAD_LETTERED;

    /**
     * The worse of two settlements.
     *
     * @param other the other settlement
     * @return the one declared later
     */
    public Settlement worst(Settlement other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
