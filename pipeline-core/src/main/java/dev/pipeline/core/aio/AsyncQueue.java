package dev.pipeline.core.aio;

import java.time.Duration;
import java.util.Comparator;

import dev.pipeline.core.aio.internal.ItemStore;
import dev.pipeline.core.aio.internal.QueueCore;
import dev.pipeline.core.internal.Require;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A bounded queue whose {@link #put} and {@link #take} are pending Monos instead of parked
 * threads: asyncio's {@code Queue}, {@code LifoQueue} and {@code PriorityQueue}, including
 * {@link #taskDone()}/{@link #join()} and Python 3.13's {@link #shutdown(boolean)}.
 *
 * <pre>{@code
 * AsyncQueue<String> q = AsyncQueue.bounded(100);
 * Flux.range(0, 1000).concatMap(i -> q.put("item-" + i)).then(Mono.fromRunnable(q::shutdown)).subscribe();
 * q.asFlux().doOnNext(item -> { handle(item); q.taskDone(); }).subscribe();
 * q.join().block();   // every item handled
 * }</pre>
 *
 * <p>Always bounded: there is no unbounded variant. Safe to use from many threads at once.
 * Waiting takers and putters are served in arrival order; a slot freed by a take goes to the
 * longest-waiting putter, and an item put while takers wait goes to the longest-waiting taker.
 * A waiter that cancels leaves nothing behind, and an item handed to a taker at the very
 * moment it cancels goes to the next taker or back to the front of the queue, never lost. A
 * put that is cancelled at the very moment it is admitted has taken effect: the item is in the
 * queue (counted once, never twice). To wait for room at most a given time, use
 * {@link #offer(Object, Duration)}, whose answer is exact even then.
 *
 * @param <T> the item type; items must not be null
 * @see <a href="https://docs.python.org/3/library/asyncio-queue.html">asyncio.Queue</a>
 */
public final class AsyncQueue<T> {

    private final QueueCore<T> core;

    private AsyncQueue(ItemStore<T> store, int capacity) {
        this.core = new QueueCore<>(store, capacity);
    }

    /**
     * A first-in-first-out queue ({@code asyncio.Queue(maxsize=capacity)}).
     *
     * @param capacity the most items it holds, {@code > 0}
     * @param <T> the item type
     * @return a new queue
     */
    public static <T> AsyncQueue<T> bounded(int capacity) {
        Require.positive(capacity, "capacity");
        return new AsyncQueue<>(ItemStore.fifo(capacity), capacity);
    }

    /**
     * A last-in-first-out queue ({@code asyncio.LifoQueue}).
     *
     * @param capacity the most items it holds, {@code > 0}
     * @param <T> the item type
     * @return a new queue
     */
    public static <T> AsyncQueue<T> lifo(int capacity) {
        Require.positive(capacity, "capacity");
        return new AsyncQueue<>(ItemStore.lifo(capacity), capacity);
    }

    /**
     * A queue that hands out the smallest item first by {@code comparator}
     * ({@code asyncio.PriorityQueue}).
     *
     * @param capacity the most items it holds, {@code > 0}
     * @param comparator orders the items; the least is taken first
     * @param <T> the item type
     * @return a new queue
     */
    public static <T> AsyncQueue<T> priority(int capacity, Comparator<? super T> comparator) {
        Require.positive(capacity, "capacity");
        Require.nonNull(comparator, "comparator");
        return new AsyncQueue<>(ItemStore.priority(capacity, comparator), capacity);
    }

    /**
     * A priority queue in natural order; see {@link #priority(int, Comparator)}.
     *
     * @param capacity the most items it holds, {@code > 0}
     * @param <T> the item type
     * @return a new queue
     */
    public static <T extends Comparable<? super T>> AsyncQueue<T> priority(int capacity) {
        return priority(capacity, Comparator.naturalOrder());
    }

    /**
     * Puts an item, waiting while the queue is full ({@code await queue.put(item)}).
     *
     * <p><b>Completes when</b> the item is in the queue (or handed to a waiting taker): as it
     * is subscribed, without waiting for demand, when there is room and no putter waits ahead.
     * <b>Errors when</b> the queue is or becomes shut down: {@link QueueShutDownException}, and
     * the item is not added. <b>On cancel</b> the item is not added, unless it was admitted at
     * that very moment (a put admitted as it is subscribed has taken effect before its
     * subscriber could cancel). <b>Thread</b>: the subscribing thread, or the thread whose take
     * freed the slot.
     *
     * <p>To give up after a while, use {@link #offer(Object, Duration)} rather than
     * {@code put(item).timeout(d)}: a timeout that cancels the put at the moment the item is
     * admitted reports a failure for an item that is in the queue.
     *
     * @param item the item
     * @return a cold Mono; each subscription puts the item once
     * @see #offer(Object, Duration)
     */
    public Mono<Void> put(T item) {
        Require.nonNull(item, "item");
        return core.put(item);
    }

    /**
     * Puts an item, waiting at most {@code timeout} for room, and tells whether it got in: the
     * timed {@code BlockingQueue.offer(e, timeout, unit)}, or asyncio's
     * {@code await asyncio.wait_for(queue.put(item), timeout)} with its {@code TimeoutError}
     * turned into {@code False}. Timed on Reactor's parallel scheduler (virtual time in
     * {@code StepVerifier.withVirtualTime}).
     *
     * <pre>{@code
     * q.offer(order, Duration.ofSeconds(2))
     *         .map(added -> added ? "stored" : "busy, try again later");
     * }</pre>
     *
     * <p>The answer is exact: admitting the item and running out of time are two outcomes of
     * one decision taken under the queue's lock, so {@code true} means the item is in the queue
     * and {@code false} that it is not, even when a take frees room at the very moment the
     * time runs out. ({@code put(item).timeout(d)} cannot promise that: see {@link #put}.) A
     * waiting offer stands in line with the other putters.
     *
     * <p><b>Emits</b> {@code true} when the item is in the queue (or handed to a waiting taker),
     * at once if there is room; {@code false} when {@code timeout} passed first, and the item was
     * not added ({@code Duration.ZERO}: at once if the queue is full, like {@link #offer(Object)}).
     * <b>Completes when</b> it has emitted. <b>Errors when</b> the queue is or becomes shut
     * down: {@link QueueShutDownException}, and the item is not added; or the scheduler refuses
     * the timer ({@code RejectedExecutionException}), and the item is not added. <b>On
     * cancel</b> leaves the line and releases the timer; as for {@link #put}, an item admitted
     * at that very moment stays in. <b>Thread</b>: {@code true} on the subscribing thread, or
     * the thread whose take freed the slot; {@code false} on the scheduler's thread.
     *
     * @param item the item
     * @param timeout the longest wait for room, {@code >= 0}
     * @return a cold Mono; each subscription offers the item once
     * @see #offer(Object, Duration, Scheduler)
     */
    public Mono<Boolean> offer(T item, Duration timeout) {
        return offer(item, timeout, Schedulers.parallel());
    }

    /**
     * Puts an item, waiting at most {@code timeout} for room measured on {@code scheduler},
     * and tells whether it got in; see {@link #offer(Object, Duration)}.
     *
     * @param item the item
     * @param timeout the longest wait for room, {@code >= 0}
     * @param scheduler where the timeout is measured and {@code false} is emitted
     * @return a cold Mono; each subscription offers the item once
     */
    public Mono<Boolean> offer(T item, Duration timeout, Scheduler scheduler) {
        Require.nonNull(item, "item");
        Require.nonNegative(timeout, "timeout");
        Require.nonNull(scheduler, "scheduler");
        return core.offer(item, saturatedNanos(timeout), scheduler);
    }

    /**
     * Puts every item of {@code items} in order, waiting while the queue is full: the
     * streaming form of {@link #put} for a producer. It requests items from the source only as
     * they get into the queue (at most 256 ahead), moves as many as fit at a time, and waits in
     * line with other putters when the queue is full.
     *
     * <p><b>Completes when</b> the source completed and every item is in the queue.
     * <b>Errors when</b> the source fails (after the items it emitted are in) or the queue is
     * shut down ({@link QueueShutDownException}; items not yet in are not added). <b>On
     * cancel</b> cancels the source; items not yet in are not added. <b>Thread</b>: the
     * source's thread, or the thread whose take freed room.
     *
     * @param items the items to put
     * @return a cold Mono; each subscription subscribes to {@code items} once
     */
    public Mono<Void> putAll(org.reactivestreams.Publisher<? extends T> items) {
        Require.nonNull(items, "items");
        return core.putAll(items);
    }

    /**
     * Puts an item if there is room now ({@code queue.put_nowait(item)}).
     *
     * @param item the item
     * @return true if added, false if the queue is full
     * @throws QueueShutDownException if the queue is shut down
     * @see #offer(Object, Duration) the same, waiting a while for room
     */
    public boolean offer(T item) {
        Require.nonNull(item, "item");
        return core.offer(item);
    }

    /**
     * Takes an item, waiting while the queue is empty ({@code await queue.get()}).
     *
     * <p><b>Emits when</b> an item is available, longest-waiting taker first. <b>Errors
     * when</b> the queue is shut down and empty: {@link QueueShutDownException}. <b>On
     * cancel</b> leaves the line; an item handed over at that very moment is passed on.
     * <b>Thread</b>: the subscribing thread, or the thread that put the item.
     *
     * @return a cold Mono; each subscription takes one item
     */
    public Mono<T> take() {
        return core.take();
    }

    /**
     * Takes an item if one is there now ({@code queue.get_nowait()}).
     *
     * @return the item, or null if the queue is empty
     * @throws QueueShutDownException if the queue is shut down and empty
     */
    public T poll() {
        return core.poll();
    }

    /**
     * Marks one taken item as processed ({@code queue.task_done()}); {@link #join()} completes
     * when every item put has been marked.
     *
     * @throws IllegalStateException if called more times than items were put
     */
    public void taskDone() {
        core.taskDone();
    }

    /**
     * Waits until every item put has been marked {@link #taskDone() done}
     * ({@code await queue.join()}).
     *
     * <p><b>Completes when</b> the count of unfinished items reaches zero, at once if it is
     * zero. An immediate {@link #shutdown(boolean) shutdown} discounts the items it drops.
     *
     * @return a cold Mono completing when all items are processed
     */
    public Mono<Void> join() {
        return core.join();
    }

    /**
     * The queue's items as a backpressured Flux: each subscription is a consumer that takes
     * an item only when its subscriber requests one; several subscriptions compete for items.
     * Call {@link #taskDone()} after processing each item if anyone {@link #join() joins}.
     *
     * <p><b>Emits when</b> an item is available and requested. <b>Completes when</b> the queue
     * is shut down and drained. <b>On cancel</b> an item handed over at that moment goes back.
     * <b>Thread</b>: the requesting thread, or the thread that put the item.
     *
     * @return a cold Flux taking items from this queue
     */
    public Flux<T> asFlux() {
        return core.asFlux();
    }

    /**
     * Shuts the queue down ({@code queue.shutdown(immediate)}, Python 3.13): puts fail at once,
     * waiting putters fail; takes drain what is left and then fail (waiting takers fail at
     * once); {@link #asFlux()} subscriptions complete once drained. {@code immediate} also
     * drops every queued item and discounts it from the unfinished count, so {@link #join()}
     * can complete.
     *
     * @param immediate drop the queued items now
     */
    public void shutdown(boolean immediate) {
        core.shutdown(immediate);
    }

    /** Shuts the queue down, letting takers drain what is left; same as {@code shutdown(false)}. */
    public void shutdown() {
        core.shutdown(false);
    }

    /**
     * Whether {@link #shutdown(boolean)} was called.
     *
     * @return true once shut down
     */
    public boolean isShutdown() {
        return core.isShutdown();
    }

    /**
     * The number of items in the queue now ({@code qsize()}).
     *
     * @return the size
     */
    public int size() {
        return core.size();
    }

    /**
     * Whether the queue is empty now.
     *
     * @return true if empty
     */
    public boolean isEmpty() {
        return core.size() == 0;
    }

    /**
     * Whether the queue is full now.
     *
     * @return true if it holds {@link #capacity()} items
     */
    public boolean isFull() {
        return core.size() >= core.capacity();
    }

    /**
     * The most items the queue holds ({@code maxsize}).
     *
     * @return the capacity
     */
    public int capacity() {
        return core.capacity();
    }

    /**
     * Items put and not yet marked {@link #taskDone() done}.
     *
     * @return the unfinished count
     */
    public long unfinishedCount() {
        return core.unfinished();
    }

    /**
     * The largest size the queue has reached (its high-water mark).
     *
     * @return the high-water mark
     */
    public int maxSize() {
        return core.highWater();
    }

    @Override
    public String toString() {
        return core.toString();
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
