package dev.pipeline.core.aio.internal;

import dev.pipeline.core.aio.QueueShutDownException;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The state behind {@code AsyncQueue}: items, waiting takers, waiting putters and joiners,
 * all guarded by this object's monitor, which is held for a few field updates only. A slot
 * freed by a take is handed straight to the longest-waiting putter (its item enters the queue
 * in the same step), and an item put while takers wait goes straight to the longest-waiting
 * taker, so waiters are served in arrival order and never race newcomers.
 *
 * @param <T> the item type
 */
public final class QueueCore<T> {

    private static final Object DONE = new Object();

    private final ItemStore<T> store;
    private final int capacity;
    private final WaiterList<T> takers = new WaiterList<>();
    private final WaiterList<Void> putters = new WaiterList<>();
    private final WaiterList<Void> joiners = new WaiterList<>();
    private final WaiterList<Void> watchers = new WaiterList<>();
    private final TakerOwner takerOwner = new TakerOwner();
    private final Plain putterOwner = new Plain(putters);
    private final Plain joinerOwner = new Plain(joiners);
    private final Plain watcherOwner = new Plain(watchers);
    private final Mono<T> take = new WaiterMono<>(this::registerTake, takerOwner);
    private final Mono<Void> join = new WaiterMono<>(this::registerJoin, joinerOwner);
    private long unfinished;
    private int highWater;
    private boolean shutdown;
    private boolean immediate;

    public QueueCore(ItemStore<T> store, int capacity) {
        this.store = store;
        this.capacity = capacity;
    }

    public int capacity() {
        return capacity;
    }

    public Mono<T> take() {
        return take;
    }

    public Mono<Void> join() {
        return join;
    }

    public Mono<Void> put(T item) {
        return new PutMono(item);
    }

    public Flux<T> asFlux() {
        return new QueueFlux<>(this);
    }

    // ------------------------------------------------------------------ put

    private void registerPut(MonoWaiter<Void> w, T item) {
        Waiter<T> taker;
        synchronized (this) {
            if (!w.isWaiting()) {
                return;
            }
            if (shutdown) {
                if (!w.tryFail(new QueueShutDownException("put() on a shut-down AsyncQueue; the item was not added"))) {
                    return;
                }
                taker = null;
            } else if (putters.isEmpty() && store.size() < capacity) {
                if (!w.tryGrant(null)) {
                    return;
                }
                taker = enqueue(item);
            } else {
                w.attachment = item;
                putters.add(w);
                return;
            }
        }
        w.deliverNow();
        if (taker != null) {
            taker.signal();
        }
    }

    /** put_nowait: true if added, false if full. */
    public boolean offer(T item) {
        Waiter<T> taker;
        synchronized (this) {
            if (shutdown) {
                throw new QueueShutDownException("offer() on a shut-down AsyncQueue; the item was not added");
            }
            if (!putters.isEmpty() || store.size() >= capacity) {
                return false;
            }
            taker = enqueue(item);
        }
        if (taker != null) {
            taker.signal();
        }
        return true;
    }

    /** Under the lock: counts the item and hands it to a waiting taker, or stores it. */
    private Waiter<T> enqueue(T item) {
        unfinished++;
        Waiter<T> taker = takers.isEmpty() ? null : takers.grantFirst(item);
        if (taker == null) {
            store.add(item);
            int size = store.size();
            if (size > highWater) {
                highWater = size;
            }
        }
        return taker;
    }

    /** Under the lock, after a slot was freed: lets the longest-waiting putter in. */
    @SuppressWarnings("unchecked")
    private Waiter<Void> admitPutter() {
        if (putters.isEmpty() || store.size() >= capacity) {
            return null;
        }
        Waiter<Void> p;
        while ((p = putters.poll()) != null) {
            T item = (T) p.attachment;
            if (p.tryGrant(null)) {
                p.attachment = null;
                unfinished++;
                store.add(item);
                return p;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ take

    private void registerTake(MonoWaiter<T> w) {
        Waiter<Void> putter;
        synchronized (this) {
            if (!w.isWaiting()) {
                return;
            }
            T item = store.poll();
            if (item == null) {
                if (!shutdown) {
                    takers.add(w);
                    return;
                }
                if (!w.tryFail(new QueueShutDownException("take(): the AsyncQueue is shut down and empty"))) {
                    return;
                }
                putter = null;
            } else {
                if (!w.tryGrant(item)) {
                    store.putBack(item);
                    return;
                }
                putter = admitPutter();
            }
        }
        w.deliverNow();
        if (putter != null) {
            putter.signal();
        }
    }

    /** get_nowait: an item, or null when empty. */
    public T poll() {
        T item;
        Waiter<Void> putter;
        synchronized (this) {
            item = store.poll();
            if (item == null) {
                if (shutdown) {
                    throw new QueueShutDownException("poll(): the AsyncQueue is shut down and empty");
                }
                return null;
            }
            putter = admitPutter();
        }
        if (putter != null) {
            putter.signal();
        }
        return item;
    }

    /**
     * For {@link QueueFlux}'s drain loop (one thread at a time per subscription): the next
     * item, null after lining up a taker node (the subscription is drained again when it is
     * granted), or {@link #DONE} once shut down and drained.
     */
    @SuppressWarnings("unchecked")
    Object nextForFlux(QueueFlux.QueueSubscription<T> sub) {
        QueueFlux.Node<T> n = sub.node;
        if (n != null) {
            if (n.isWaiting()) {
                return null;
            }
            sub.node = null;
            if (n.claim()) {
                if (n.error != null) {
                    n.error = null;
                    return DONE;
                }
                T v = n.value;
                n.value = null;
                return v;
            }
        }
        T item;
        Waiter<Void> putter;
        synchronized (this) {
            item = store.poll();
            if (item == null) {
                if (shutdown) {
                    return DONE;
                }
                QueueFlux.Node<T> fresh = new QueueFlux.Node<>(sub);
                sub.node = fresh;
                takers.add(fresh);
                return null;
            }
            putter = admitPutter();
        }
        if (putter != null) {
            putter.signal();
        }
        return item;
    }

    static boolean isDone(Object o) {
        return o == DONE;
    }

    synchronized boolean isShutDownAndEmpty() {
        return shutdown && store.size() == 0;
    }

    WaiterOwner<T> takerOwner() {
        return takerOwner;
    }

    WaiterOwner<Void> watcherOwner() {
        return watcherOwner;
    }

    /** Registers a subscription to be drained when the queue shuts down; false if it already has. */
    synchronized boolean watch(Waiter<Void> watcher) {
        if (shutdown) {
            return false;
        }
        watchers.add(watcher);
        return true;
    }

    // ------------------------------------------------------------------ task_done / join

    public void taskDone() {
        Waiter<?> woken;
        synchronized (this) {
            if (unfinished == 0) {
                throw new IllegalStateException("taskDone() called more times than items were put "
                        + "(no unfinished items); call it once per item taken");
            }
            if (--unfinished != 0) {
                return;
            }
            woken = joiners.grantAll(null, null);
        }
        Trampoline.signalAll(woken);
    }

    private void registerJoin(MonoWaiter<Void> w) {
        synchronized (this) {
            if (!w.isWaiting()) {
                return;
            }
            if (unfinished != 0) {
                joiners.add(w);
                return;
            }
            if (!w.tryGrant(null)) {
                return;
            }
        }
        w.deliverNow();
    }

    // ------------------------------------------------------------------ shutdown

    public void shutdown(boolean now) {
        Waiter<?> woken = null;
        synchronized (this) {
            shutdown = true;
            if (now) {
                immediate = true;
                int dropped = store.size();
                store.clear();
                unfinished = Math.max(0, unfinished - dropped);
                if (unfinished == 0) {
                    woken = joiners.grantAll(null, woken);
                }
            }
            woken = takers.failAll(new QueueShutDownException("take(): the AsyncQueue was shut down while waiting"), woken);
            woken = putters.failAll(new QueueShutDownException("put(): the AsyncQueue was shut down while waiting; "
                    + "the item was not added"), woken);
            woken = watchers.grantAll(null, woken);
        }
        Trampoline.signalAll(woken);
    }

    // ------------------------------------------------------------------ state

    public synchronized int size() {
        return store.size();
    }

    public synchronized boolean isShutdown() {
        return shutdown;
    }

    public synchronized long unfinished() {
        return unfinished;
    }

    public synchronized int highWater() {
        return highWater;
    }

    @Override
    public synchronized String toString() {
        return "AsyncQueue[" + store.kind() + ", size=" + store.size() + "/" + capacity
                + ", unfinished=" + unfinished + ", takers=" + takers.size() + ", putters=" + putters.size()
                + (shutdown ? ", shut down" : "") + "]";
    }

    /** Take waiters: an item granted to one that cancels goes to the next, or back in front. */
    private final class TakerOwner implements WaiterOwner<T> {
        @Override
        public void remove(Waiter<T> w) {
            synchronized (QueueCore.this) {
                takers.remove(w);
            }
        }

        @Override
        public void relinquish(T item) {
            Waiter<T> next;
            Waiter<?> woken = null;
            synchronized (QueueCore.this) {
                if (immediate) {
                    // an immediate shutdown dropped everything queued: drop this one too
                    if (unfinished > 0 && --unfinished == 0) {
                        woken = joiners.grantAll(null, null);
                    }
                    next = null;
                } else {
                    next = takers.grantFirst(item);
                    if (next == null) {
                        store.putBack(item);
                    }
                }
            }
            if (next != null) {
                next.signal();
            }
            Trampoline.signalAll(woken);
        }
    }

    /** Waiters that only leave when cancelled (putters, joiners, watchers). */
    private final class Plain implements WaiterOwner<Void> {
        private final WaiterList<Void> list;

        Plain(WaiterList<Void> list) {
            this.list = list;
        }

        @Override
        public void remove(Waiter<Void> w) {
            synchronized (QueueCore.this) {
                list.remove(w);
            }
        }

        @Override
        public void relinquish(Void v) {
            // a put that was granted has taken effect (its item is in the queue); a join or a
            // shutdown notice is not consumed
        }
    }

    private final class PutMono extends Mono<Void> {
        private final T item;

        PutMono(T item) {
            this.item = item;
        }

        @Override
        public void subscribe(CoreSubscriber<? super Void> actual) {
            MonoWaiter<Void> w = new MonoWaiter<>(actual, putterOwner);
            actual.onSubscribe(w);
            registerPut(w, item);
        }
    }
}
