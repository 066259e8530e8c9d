package dev.pipeline.core.aio;

import dev.pipeline.core.aio.internal.MonoWaiter;
import dev.pipeline.core.aio.internal.Trampoline;
import dev.pipeline.core.aio.internal.Waiter;
import dev.pipeline.core.aio.internal.WaiterList;
import dev.pipeline.core.aio.internal.WaiterMono;
import dev.pipeline.core.aio.internal.WaiterOwner;
import reactor.core.publisher.Mono;

/**
 * A flag that subscribers can wait on: asyncio's {@code Event}. {@link #set()} wakes every
 * waiter; {@link #awaitSet()} completes at once while the flag is set.
 *
 * <pre>{@code
 * AsyncEvent ready = AsyncEvent.create();
 * ready.awaitSet().then(Mono.fromRunnable(() -> System.out.println("go"))).subscribe();
 * ready.set();   // prints go
 * }</pre>
 *
 * @see <a href="https://docs.python.org/3/library/asyncio-sync.html#asyncio.Event">asyncio.Event</a>
 */
public final class AsyncEvent {

    private final Owner owner = new Owner();
    private final WaiterList<Void> waiters = new WaiterList<>();
    private final Mono<Void> awaitSet = new WaiterMono<>(this::register, owner);
    private boolean set;

    private AsyncEvent() {
    }

    /**
     * A new event, not set.
     *
     * @return a new event
     */
    public static AsyncEvent create() {
        return new AsyncEvent();
    }

    /** Sets the flag and wakes every waiter, in the order they started waiting. */
    public void set() {
        Waiter<?> woken;
        synchronized (owner) {
            if (set) {
                return;
            }
            set = true;
            woken = waiters.grantAll(null, null);
        }
        Trampoline.signalAll(woken);
    }

    /** Clears the flag: later {@link #awaitSet()} calls wait again. */
    public void clear() {
        synchronized (owner) {
            set = false;
        }
    }

    /**
     * Whether the flag is set.
     *
     * @return true if set
     */
    public boolean isSet() {
        synchronized (owner) {
            return set;
        }
    }

    /**
     * Waits until the flag is set ({@code await event.wait()}): a cold Mono.
     *
     * <p><b>Completes when</b> the flag is set, at once if it already is. <b>On cancel</b>
     * stops waiting, leaving nothing behind. <b>Thread</b>: the thread that called
     * {@link #set()}, or the subscribing thread.
     *
     * @return a Mono completing when the flag is set
     */
    public Mono<Void> awaitSet() {
        return awaitSet;
    }

    /**
     * How many subscribers are waiting (a snapshot).
     *
     * @return the number of waiters
     */
    public int waitingCount() {
        synchronized (owner) {
            return waiters.size();
        }
    }

    private void register(MonoWaiter<Void> w) {
        synchronized (owner) {
            if (!set) {
                if (w.isWaiting()) {
                    waiters.add(w);
                }
                return;
            }
            if (!w.tryGrant(null)) {
                return;
            }
        }
        w.deliverNow();
    }

    @Override
    public String toString() {
        synchronized (owner) {
            return "AsyncEvent[" + (set ? "set" : "unset") + ", waiting=" + waiters.size() + "]";
        }
    }

    private final class Owner implements WaiterOwner<Void> {
        @Override
        public void remove(Waiter<Void> waiter) {
            synchronized (this) {
                waiters.remove(waiter);
            }
        }

        @Override
        public void relinquish(Void value) {
            // a set event is not consumed by its waiters
        }
    }
}
