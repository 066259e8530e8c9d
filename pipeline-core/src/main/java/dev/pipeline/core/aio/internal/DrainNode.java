package dev.pipeline.core.aio.internal;

/**
 * A waiter that stands in line for a stream (a consumer Flux, a putAll): when it is granted,
 * it runs the stream's drain loop through the trampoline, and the drain loop takes the grant.
 *
 * @param <T> what is granted
 */
final class DrainNode<T> extends Waiter<T> {

    private final Runnable drain;

    DrainNode(Runnable drain) {
        this.drain = drain;
    }

    /** Leaves the line, or hands back what was granted and not yet taken. */
    void cancel(WaiterOwner<T> owner) {
        cancelWaiter(owner);
    }

    @Override
    public void signal() {
        Trampoline.execute(this);
    }

    @Override
    public void run() {
        drain.run();
    }
}
