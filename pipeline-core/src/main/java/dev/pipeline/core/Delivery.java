package dev.pipeline.core;

import dev.pipeline.core.internal.Access;
import dev.pipeline.core.internal.Require;
import java.util.function.Consumer;

/**
 * One item of an {@link Source#acknowledged acknowledged source}, with the callback the
 * pipeline calls once the item and everything derived from it have left the pipeline for good.
 * A broker's message with its delivery tag, a file record with its offset.
 *
 * <p>The callback is called at most once, on whichever thread finished the item's last piece of
 * work; it must be thread-safe and must not block. A run that fails or is cancelled settles
 * nothing more, so a broker redelivers what was in flight.
 *
 * @param <T> the item type
 */
public final class Delivery<T> {

    static {
        Access.registerDeliveries((delivery, settlement) -> delivery.settle(settlement));
    }

    private final T value;
    private final boolean redelivered;
    private final Consumer<Settlement> onSettled;

    private Delivery(T value, boolean redelivered, Consumer<Settlement> onSettled) {
        this.value = value;
        this.redelivered = redelivered;
        this.onSettled = onSettled;
    }

    /**
     * A delivery.
     *
     * @param value the item
     * @param redelivered whether the broker or checkpoint says it may have been seen before
     * @param onSettled called once with how the item left the pipeline
     * @param <T> the item type
     * @return the delivery
     */
    public static <T> Delivery<T> of(T value, boolean redelivered, Consumer<Settlement> onSettled) {
        return new Delivery<>(Require.nonNull(value, "value"), redelivered, Require.nonNull(onSettled, "onSettled"));
    }

    /**
     * The item.
     *
     * @return the item
     */
    public T value() {
        return value;
    }

    /**
     * Whether this is a redelivery.
     *
     * @return true when the item may have been processed before
     */
    public boolean redelivered() {
        return redelivered;
    }

    /**
     * Called by the engine when the item is done. Not for user code.
     *
     * @param settlement how it left the pipeline
     */
    void settle(Settlement settlement) {
        onSettled.accept(settlement);
    }

    @Override
    public String toString() {
        return "Delivery[" + value + (redelivered ? ", redelivered" : "") + "]";
    }
}
