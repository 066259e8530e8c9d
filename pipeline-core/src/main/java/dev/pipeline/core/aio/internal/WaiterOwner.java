package dev.pipeline.core.aio.internal;

/**
 * The primitive a {@link Waiter} waits on: it takes back what a cancelled waiter leaves behind.
 *
 * @param <T> what the waiter is granted (an item, a permit token, an index)
 */
public interface WaiterOwner<T> {

    /** A waiting (not yet granted) waiter cancelled: unlink it. */
    void remove(Waiter<T> waiter);

    /**
     * A waiter cancelled after it was granted {@code value} but before it was delivered: pass
     * the value on (to the next waiter, or back to the pool), so nothing is lost.
     */
    void relinquish(T value);
}
