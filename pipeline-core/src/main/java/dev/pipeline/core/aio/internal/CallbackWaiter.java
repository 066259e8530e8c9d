package dev.pipeline.core.aio.internal;

/**
 * A done callback ({@code fut.add_done_callback(fn)}) waiting in an {@link OutcomeCell}'s list
 * beside the cell's awaiters, so that callbacks and awaiters are woken in the order they came,
 * as asyncio's single callback list does. Granted by the cell's transition like any waiter, it
 * runs its action once, through the {@link Trampoline}; cancelled while waiting, it never runs.
 *
 * @param <T> the cell's value type
 */
final class CallbackWaiter<T> extends Waiter<T> {

    /** What {@link OutcomeCell#removeCallbacks} compares with {@code equals}: the user's callback. */
    final Object key;
    private final Runnable action;

    CallbackWaiter(Object key, Runnable action) {
        this.key = key;
        this.action = action;
    }

    @Override
    public void signal() {
        Trampoline.execute(this);
    }

    @Override
    public void run() {
        if (claim()) {
            value = null;
            error = null;
            action.run();
        }
    }

    @Override
    public String toString() {
        return "Callback[" + key + ", " + stateName(state()) + "]";
    }
}
