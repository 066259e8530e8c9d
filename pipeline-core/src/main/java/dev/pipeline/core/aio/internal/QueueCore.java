package dev.pipeline.core.aio.internal;

import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

import dev.pipeline.core.aio.QueueShutDownException;
import org.reactivestreams.Publisher;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;

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
    /** What {@link #admitNow} returns for a put that must line up (or fail): never signalled. */
    private static final Waiter<Object> NOT_ADMITTED = new Waiter<>() {
        @Override
        public void signal() {
            throw new IllegalStateException("NOT_ADMITTED is a marker");
        }

        @Override
        public void run() {
            throw new IllegalStateException("NOT_ADMITTED is a marker");
        }
    };
    /**
     * The failure a timed put is granted when its time runs out before it is admitted; turned
     * into {@code false} by {@link #offer(Object, long, Scheduler)}, never seen outside.
     */
    private static final Throwable EXPIRED = new Expired();
    /** An updater, not a {@code VarHandle}: see the package comment on the first-use path. */
    @SuppressWarnings("rawtypes")
    private static final AtomicLongFieldUpdater<QueueCore> UNFINISHED =
            AtomicLongFieldUpdater.newUpdater(QueueCore.class, "unfinished");
    private static final long JOINERS = 1L << 62;
    private static final long COUNT = JOINERS - 1;

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
    /**
     * Items put and not yet marked done ({@link #COUNT} bits), and {@link #JOINERS}: set while
     * a joiner may be waiting. Increments and the release of joiners happen under the lock;
     * {@code taskDone} decrements with a CAS outside it, also from 1 to 0 when no joiner waits.
     * Setting {@code JOINERS} and reaching zero are CASes on this one word, so a joiner either
     * sees zero or is seen by the {@code taskDone} that reaches it.
     */
    private volatile long unfinished;
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

    /**
     * A put that waits at most {@code nanos} for room: true once admitted, false if the time ran
     * out first. Admission and expiry are both grants of the same waiter under this lock (see
     * {@link #expire}), so exactly one of them happens: false means the item is not in.
     */
    public Mono<Boolean> offer(T item, long nanos, Scheduler scheduler) {
        return Mono.defer(() -> {
            Disposable.Swap timer = Disposables.swap();
            return new TimedPutMono(item, nanos, scheduler, timer)
                    .doFinally(s -> timer.dispose())
                    .thenReturn(Boolean.TRUE)
                    .onErrorReturn(e -> e == EXPIRED, Boolean.FALSE);
        });
    }

    public Flux<T> asFlux() {
        return new QueueFlux<>(this);
    }

    public Mono<Void> putAll(Publisher<? extends T> items) {
        return new QueuePutAll<>(this, items);
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

    /** Starts the clock of a timed put that was lined up; past it, the put expires. */
    private void limit(MonoWaiter<Void> w, long nanos, Scheduler scheduler, Disposable.Swap timer) {
        if (nanos == 0) {
            expire(w, EXPIRED);
            return;
        }
        try {
            timer.update(scheduler.schedule(() -> expire(w, EXPIRED), nanos, TimeUnit.NANOSECONDS));
        } catch (RejectedExecutionException e) {
            expire(w, Operators.onRejectedExecution(e, w.actual.currentContext()));
        }
    }

    /**
     * Takes a timed put out of line with {@code why}, unless it was admitted, failed or
     * cancelled first: the waiter's one grant decides, so an item is never both admitted and
     * reported expired. Only a waiter still waiting may be failed: {@code tryFail} writes the
     * error before its CAS, and an admitted waiter's deliverer (outside this lock) would read it.
     */
    private void expire(MonoWaiter<Void> w, Throwable why) {
        synchronized (this) {
            if (!w.isWaiting() || !w.tryFail(why)) {
                return;
            }
            putters.remove(w);
            w.attachment = null;
        }
        w.signal();
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
        UNFINISHED.getAndAdd(this, 1L);
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
                UNFINISHED.getAndAdd(this, 1L);
                store.add(item);
                return p;
            }
        }
        return null;
    }

    /** Under the lock: lets waiting putters in while there is room. */
    private Waiter<?> admitPutters(Waiter<?> chain) {
        Waiter<Void> p;
        while ((p = admitPutter()) != null) {
            chain = Waiter.chain(p, chain);
        }
        return chain;
    }

    // ------------------------------------------------------------------ take

    private void registerTake(MonoWaiter<T> w) {
        Waiter<Void> putter;
        T claimed = null;
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
                // requested already (the usual case): claim it for delivery right after the
                // lock, skipping the granted state; otherwise grant it to wait for the request
                boolean now = w.isRequested();
                if (now ? !w.tryClaimNow() : !w.tryGrant(item)) {
                    store.putBack(item);
                    return;
                }
                if (now) {
                    claimed = item;
                }
                putter = admitPutter();
            }
        }
        if (claimed != null) {
            w.deliverClaimed(claimed);
        } else {
            w.deliverNow();
        }
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
     * For {@link QueueFlux}'s drain loop (one thread at a time per subscription): takes up to
     * {@code max} items into {@code batch} under one acquisition of the lock.
     *
     * @return the number of items taken; 0 after lining up a taker node (the subscription is
     *     drained again when the node is granted); -1 once shut down and drained
     */
    @SuppressWarnings("unchecked")
    int takeInto(QueueFlux.QueueSubscription<T> sub, Object[] batch, int max) {
        DrainNode<T> n = sub.node;
        if (n != null) {
            if (n.isWaiting()) {
                return 0;
            }
            sub.node = null;
            if (n.claim()) {
                if (n.error != null) {
                    n.error = null;
                    return -1;
                }
                batch[0] = n.value;
                n.value = null;
                return 1;
            }
        }
        int count = 0;
        Waiter<?> admitted;
        synchronized (this) {
            T item;
            while (count < max && (item = store.poll()) != null) {
                batch[count++] = item;
            }
            if (count == 0) {
                if (shutdown) {
                    return -1;
                }
                DrainNode<T> fresh = new DrainNode<>(sub::drain);
                sub.node = fresh;
                takers.add(fresh);
                return 0;
            }
            admitted = putters.isEmpty() ? null : admitPutters(null);
        }
        Trampoline.signalAll(admitted);
        return count;
    }

    /**
     * Puts back items a consumer took but did not deliver (it cancelled), in their original
     * order, in front of the queue or straight to waiting takers.
     */
    @SuppressWarnings("unchecked")
    void putBack(Object[] items, int from, int to) {
        if (from >= to) {
            return;
        }
        Waiter<?> woken = null;
        synchronized (this) {
            if (immediate) {
                woken = discount(to - from, null);
            } else {
                int i = from;
                while (i < to && !takers.isEmpty()) {
                    Waiter<T> t = takers.grantFirst((T) items[i]);
                    if (t == null) {
                        break;
                    }
                    woken = Waiter.chain(t, woken);
                    i++;
                }
                for (int j = to - 1; j >= i; j--) {
                    store.putBack((T) items[j]);
                }
            }
        }
        Trampoline.signalAll(woken);
    }

    /**
     * For {@link QueuePutAll}'s drain loop: moves buffered items into the queue (or to waiting
     * takers) under one acquisition of the lock, while there is room and no other putter is
     * waiting ahead; then, if items remain, lines up a putter node for the first of them.
     *
     * @return the number of items moved, or -1 if the queue is shut down
     */
    int putFrom(QueuePutAll.PutAllSubscriber<T> p, Queue<T> buffer) {
        int moved = 0;
        Waiter<?> woken = null;
        synchronized (this) {
            if (shutdown) {
                return -1;
            }
            T item;
            while (putters.isEmpty() && (item = buffer.peek()) != null) {
                Waiter<T> taker = takers.isEmpty() ? null : takers.grantFirst(item);
                if (taker != null) {
                    woken = Waiter.chain(taker, woken);
                } else if (store.size() < capacity) {
                    store.add(item);
                } else {
                    break;
                }
                buffer.poll();
                moved++;
            }
            if (moved != 0) {
                UNFINISHED.getAndAdd(this, (long) moved);
                int size = store.size();
                if (size > highWater) {
                    highWater = size;
                }
            }
            item = buffer.peek();
            if (item != null) {
                DrainNode<Void> node = new DrainNode<>(p::drain);
                node.attachment = item;
                p.node = node;
                putters.add(node);
            }
        }
        Trampoline.signalAll(woken);
        return moved;
    }

    WaiterOwner<Void> putterOwner() {
        return putterOwner;
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
        for (;;) {
            long u = unfinished;
            long count = u & COUNT;
            if (count > 1 || (count == 1 && u == 1)) {
                // above 1, or 1 with no joiner to release: one CAS, no lock
                if (UNFINISHED.compareAndSet(this, u, u - 1)) {
                    return;
                }
                continue;
            }
            Waiter<?> woken;
            synchronized (this) {
                u = unfinished;
                if ((u & COUNT) == 0) {
                    throw new IllegalStateException("taskDone() called more times than items were put "
                            + "(no unfinished items); call it once per item taken");
                }
                if (u != (JOINERS | 1L)) {
                    continue;
                }
                // reaching zero with joiners: release them under the lock, atomically with puts
                UNFINISHED.set(this, 0L); // volatile (the VarHandle's plain set was weaker)
                woken = joiners.grantAll(null, null);
            }
            Trampoline.signalAll(woken);
            return;
        }
    }

    /**
     * Under the lock: takes {@code n} dropped items off the unfinished count (an immediate
     * shutdown) and, if it reaches zero, releases the joiners onto {@code chain}.
     */
    private Waiter<?> discount(long n, Waiter<?> chain) {
        for (;;) {
            long u = unfinished;
            long count = Math.max(0L, (u & COUNT) - n);
            long next = count == 0 ? 0L : (u & JOINERS) | count;
            if (UNFINISHED.compareAndSet(this, u, next)) {
                return count == 0 && (u & JOINERS) != 0 ? joiners.grantAll(null, chain) : chain;
            }
        }
    }

    private void registerJoin(MonoWaiter<Void> w) {
        synchronized (this) {
            if (!w.isWaiting()) {
                return;
            }
            long u;
            while (((u = unfinished) & COUNT) != 0) {
                if ((u & JOINERS) != 0 || UNFINISHED.compareAndSet(this, u, u | JOINERS)) {
                    joiners.add(w);
                    return;
                }
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
                woken = discount(dropped, woken);
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

    public long unfinished() {
        return unfinished & COUNT;
    }

    public synchronized int highWater() {
        return highWater;
    }

    @Override
    public synchronized String toString() {
        return "AsyncQueue[" + store.kind() + ", size=" + store.size() + "/" + capacity
                + ", unfinished=" + unfinished() + ", takers=" + takers.size() + ", putters=" + putters.size()
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
                    woken = discount(1L, null);
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

    /** See {@link #EXPIRED}: no stack trace, no suppressed exceptions, shared by every put. */
    private static final class Expired extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Expired() {
            super("a timed put expired before it was admitted", null, false, false);
        }
    }

    /**
     * The common case of a put: room now and nobody ahead in line. Admits the item under the
     * lock and returns the taker it went to (null if it was stored), or {@link #NOT_ADMITTED} if
     * the put must line up or fail.
     */
    @SuppressWarnings("unchecked")
    private Waiter<T> admitNow(T item) {
        synchronized (this) {
            if (shutdown || !putters.isEmpty() || store.size() >= capacity) {
                return (Waiter<T>) NOT_ADMITTED;
            }
            return enqueue(item);
        }
    }

    /**
     * A put. When there is room and nobody is waiting ahead, the item is admitted as the put is
     * subscribed, and the put completes at once with no waiter (nothing to cancel: the put has
     * taken effect before its subscriber could cancel). Otherwise it lines up as a waiter.
     */
    private final class PutMono extends Mono<Void> {
        private final T item;

        PutMono(T item) {
            this.item = item;
        }

        @Override
        public void subscribe(CoreSubscriber<? super Void> actual) {
            Waiter<T> taker = admitNow(item);
            if (taker != NOT_ADMITTED) {
                Operators.complete(actual);
                if (taker != null) {
                    taker.signal();
                }
                return;
            }
            MonoWaiter<Void> w = new MonoWaiter<>(actual, putterOwner);
            actual.onSubscribe(w);
            registerPut(w, item);
        }
    }

    /** A timed put, expiring {@code nanos} after it is lined up. */
    private final class TimedPutMono extends Mono<Void> {
        private final T item;
        private final long nanos;
        private final Scheduler scheduler;
        private final Disposable.Swap timer;

        TimedPutMono(T item, long nanos, Scheduler scheduler, Disposable.Swap timer) {
            this.item = item;
            this.nanos = nanos;
            this.scheduler = scheduler;
            this.timer = timer;
        }

        @Override
        public void subscribe(CoreSubscriber<? super Void> actual) {
            MonoWaiter<Void> w = new MonoWaiter<>(actual, putterOwner);
            actual.onSubscribe(w);
            registerPut(w, item);
            if (w.isWaiting()) {
                limit(w, nanos, scheduler, timer);
            }
        }
    }
}
