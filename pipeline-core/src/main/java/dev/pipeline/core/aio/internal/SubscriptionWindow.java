package dev.pipeline.core.aio.internal;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * Subscribes to n sources in argument order, at most {@code limit} at a time: the concurrency
 * cap of {@code gather(monos, n)} and {@code asCompleted(monos, n)}. The owner says when a slot
 * is free again ({@link #release()}); whoever frees it subscribes the next source, in a drain
 * loop, so a source that ends while it is being subscribed does not recurse into the next one.
 * Each release is O(1); once every source is subscribed, a release is one volatile read.
 */
public final class SubscriptionWindow {

    /** What the window subscribes for. */
    public interface Owner {
        /** True once the owner has failed or been cancelled: subscribe nothing more. */
        boolean stopped();

        /** Subscribes source {@code index}; called once per index, in order. */
        void subscribeAt(int index);
    }

    // updaters, not VarHandles: see the package comment on the first-use path
    private static final AtomicIntegerFieldUpdater<SubscriptionWindow> WIP =
            AtomicIntegerFieldUpdater.newUpdater(SubscriptionWindow.class, "wip");
    private static final AtomicIntegerFieldUpdater<SubscriptionWindow> FREE =
            AtomicIntegerFieldUpdater.newUpdater(SubscriptionWindow.class, "free");

    private final Owner owner;
    private final int n;
    /** No cap ({@code limit >= n}): no slots to count, a release does nothing. */
    private final boolean unlimited;
    private volatile int wip;
    private volatile int free;
    private volatile boolean exhausted;
    /** The next index to subscribe; only the drain loop touches it. */
    private int next;

    /**
     * @param n how many sources
     * @param limit how many may be subscribed at once, {@code >= 1}
     */
    public SubscriptionWindow(Owner owner, int n, int limit) {
        this.owner = owner;
        this.n = n;
        this.free = Math.min(n, limit);
        this.unlimited = limit >= n;
        this.exhausted = n == 0;
    }

    /** Subscribes as many sources as there are free slots. */
    public void drain() {
        if (WIP.getAndIncrement(this) != 0) {
            return;
        }
        int missed = 1;
        for (;;) {
            if (unlimited) {
                while (next < n && !owner.stopped()) {
                    owner.subscribeAt(next++);
                }
            } else {
                while (next < n && free > 0 && !owner.stopped()) {
                    FREE.getAndDecrement(this);
                    owner.subscribeAt(next++);
                }
            }
            if (next >= n) {
                exhausted = true;
            }
            missed = WIP.addAndGet(this, -missed);
            if (missed == 0) {
                return;
            }
        }
    }

    /** A subscribed source no longer counts against the limit: subscribe the next one, if any. */
    public void release() {
        if (unlimited || exhausted) {
            return;
        }
        FREE.getAndIncrement(this);
        drain();
    }
}
