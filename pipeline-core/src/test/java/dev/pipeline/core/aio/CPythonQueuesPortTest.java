package dev.pipeline.core.aio;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.stream.Stream;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * CPython's {@code Lib/test/test_asyncio/test_queues.py} (3.13), ported case by case to
 * {@code AsyncQueue}. asyncio's {@code Queue()} has no bound; every {@code AsyncQueue} has one, so
 * the ports of unbounded queues use {@value #UNBOUNDED}, more than any of them holds.
 *
 * <p>Not ported, for want of a counterpart: {@code test_generic_alias} and
 * {@code test_float_maxsize} (Java's types).
 */
class CPythonQueuesPortTest extends CPythonPort {

    /** Stands in for asyncio's unbounded {@code Queue()}. */
    static final int UNBOUNDED = 1_000;

    /** The three kinds, as CPython's mixins run each case for Queue, LifoQueue and PriorityQueue. */
    static Stream<Arguments> kinds() {
        IntFunction<AsyncQueue<String>> fifo = AsyncQueue::bounded;
        IntFunction<AsyncQueue<String>> lifo = AsyncQueue::lifo;
        IntFunction<AsyncQueue<String>> priority = AsyncQueue::priority;
        return Stream.of(Arguments.of("Queue", fifo), Arguments.of("LifoQueue", lifo), Arguments.of("PriorityQueue", priority));
    }

    @Nested
    class QueueBasicTests {

        @Test // CPython: test_queues.py QueueBasicTests.test_repr and test_str
        void toStringShowsTheWaitingTakersAndPuttersAndTheItems() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(UNBOUNDED);
            Task<Integer> getter = createTask(q.take());
            assertThat(q.toString()).contains("takers=1");
            q.offer(0);
            assertThat(getter.result()).isZero();

            AsyncQueue<Integer> full = AsyncQueue.bounded(1);
            full.offer(1);
            Task<Void> putter = createTask(full.put(2));
            assertThat(full.toString()).contains("putters=1");
            full.poll();
            assertThat(putter.isDone()).isTrue();

            AsyncQueue<Integer> one = AsyncQueue.bounded(UNBOUNDED);
            one.offer(1);
            assertThat(one.toString()).contains("size=1");
        }

        @Test // CPython: test_queues.py QueueBasicTests.test_empty
        void isEmptyUntilAnItemIsPut() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(UNBOUNDED);
            assertThat(q.isEmpty()).isTrue();
            createTask(q.put(1));
            assertThat(q.isEmpty()).isFalse();
            assertThat(createTask(q.take()).result()).isEqualTo(1);
            assertThat(q.isEmpty()).isTrue();
        }

        @Test // CPython: test_queues.py QueueBasicTests.test_full (the maxsize=1 half; an unbounded queue has no counterpart)
        void isFullAtItsBound() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(1);
            assertThat(q.isFull()).isFalse();
            createTask(q.put(1));
            assertThat(q.isFull()).isTrue();
        }

        @Test // CPython: test_queues.py QueueBasicTests.test_order
        void takesInPutOrder() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(UNBOUNDED);
            for (int i : new int[] {1, 3, 2}) {
                createTask(q.put(i));
            }
            assertThat(takeAll(q, 3)).containsExactly(1, 3, 2);
        }

        @Test // CPython: test_queues.py QueueBasicTests.test_maxsize
        void aPutterWaitsWhileTheQueueIsFull() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(2);
            assertThat(q.capacity()).isEqualTo(2);
            List<Integer> haveBeenPut = new CopyOnWriteArrayList<>();
            Task<Boolean> t = createTask(Flux.range(0, 3)
                    .concatMap(i -> q.put(i).then(Mono.fromRunnable(() -> haveBeenPut.add(i))))
                    .then(Mono.just(true)));
            assertThat(haveBeenPut).as("the putter is blocked after putting two items").containsExactly(0, 1);
            assertThat(createTask(q.take()).result()).isZero();
            assertThat(haveBeenPut).containsExactly(0, 1, 2);
            assertThat(takeAll(q, 2)).containsExactly(1, 2);
            assertThat(t.result()).isTrue();
        }
    }

    static <T> List<T> takeAll(AsyncQueue<T> q, int n) {
        List<T> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            items.add(createTask(q.take()).result());
        }
        return items;
    }

    @Nested
    class QueueGetTests {

        @Test // CPython: test_queues.py QueueGetTests.test_blocking_get
        void takeReturnsAnItemAlreadyThere() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(UNBOUNDED);
            q.offer(1);
            assertThat(createTask(q.take()).result()).isEqualTo(1);
        }

        @Test // CPython: test_queues.py QueueGetTests.test_get_with_putters
        void takeFromAFullQueueLetsAWaitingPutterIn() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(1);
            createTask(q.put(1));
            Task<Void> waiter = createTask(q.put(2));
            assertThat(createTask(q.take()).result()).isEqualTo(1);
            assertThat(waiter.isDone()).isTrue();
            assertThat(waiter.result()).isNull();
        }

        @Test // CPython: test_queues.py QueueGetTests.test_blocking_get_wait
        void takeWaitsForAnItemPutLater() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(UNBOUNDED);
            AtomicBoolean finished = new AtomicBoolean();
            Task<Integer> queueGet = createTask(q.take().doOnNext(i -> finished.set(true)));
            assertThat(finished).isFalse();
            createTask(sleep(0.01).then(Mono.fromRunnable(() -> q.offer(1))));
            advance(0.01);
            assertThat(finished).isTrue();
            assertThat(queueGet.result()).isEqualTo(1);
        }

        @Test // CPython: test_queues.py QueueGetTests.test_nonblocking_get
        void pollTakesAnItemThere() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(UNBOUNDED);
            q.offer(1);
            assertThat(q.poll()).isEqualTo(1);
        }

        @Test // CPython: test_queues.py QueueGetTests.test_nonblocking_get_exception
        @Tag(DIFFERS) // poll() returns null where get_nowait() raises QueueEmpty
        void pollOnAnEmptyQueueReturnsNull() {
            assertThat(AsyncQueue.bounded(UNBOUNDED).poll()).isNull();
        }

        @Test // CPython: test_queues.py QueueGetTests.test_get_cancelled_race
        void anItemPutAfterATakerCancelledGoesToTheNextTaker() {
            AsyncQueue<String> q = AsyncQueue.bounded(UNBOUNDED);
            Task<String> t1 = createTask(q.take());
            Task<String> t2 = createTask(q.take());
            t1.cancel();
            assertThat(t1.isDone()).isTrue();
            createTask(q.put("a"));
            assertThat(t2.result()).isEqualTo("a");
        }

        @Test // CPython: test_queues.py QueueGetTests.test_get_with_waiting_putters
        void waitingPuttersGetInInOrder() {
            AsyncQueue<String> q = AsyncQueue.bounded(1);
            createTask(q.put("a"));
            createTask(q.put("b"));
            assertThat(createTask(q.take()).result()).isEqualTo("a");
            assertThat(createTask(q.take()).result()).isEqualTo("b");
        }

        @Test // CPython: test_queues.py QueueGetTests.test_why_are_getters_waiting
        void aProducerAndAConsumerOfAOneSlotQueueBothFinish() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(1);
            int items = 5;
            Task<Void> group = createTask(TaskGroup.run(tg -> {
                tg.spawn(Flux.range(0, items).concatMap(q::put).then());
                tg.spawn(Flux.range(0, items).concatMap(i -> q.take()).then());
                return Mono.<Void>empty();
            }));
            assertThat(group.isDone()).isTrue();
            assertThat(group.isCancelled()).isFalse();
        }

        @Test // CPython: test_queues.py QueueGetTests.test_cancelled_getters_not_being_held_in_self_getters
        void aTakeThatTimesOutLeavesNoTaker() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(5);
            Task<Integer> get = createTask(Tasks.waitFor(q.take(), seconds(0.1)));
            advance(0.1);
            assertThat(failureOf(get)).isInstanceOf(WaitTimeoutException.class);
            assertThat(q.toString()).contains("takers=0");
        }
    }

    @Nested
    class QueuePutTests {

        @Test // CPython: test_queues.py QueuePutTests.test_blocking_put
        void putIntoAQueueWithRoomDoesNotWait() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(UNBOUNDED);
            assertThat(createTask(q.put(1)).isDone()).isTrue();
            assertThat(createTask(q.take()).result()).isEqualTo(1);
        }

        @Test // CPython: test_queues.py QueuePutTests.test_blocking_put_wait
        void putWaitsForRoomMadeLater() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(1);
            AtomicBoolean finished = new AtomicBoolean();
            createTask(sleep(0.01).then(Mono.fromRunnable(q::poll)));
            Task<Void> queuePut = createTask(q.put(1).then(q.put(2)).then(Mono.fromRunnable(() -> finished.set(true))));
            assertThat(finished).isFalse();
            advance(0.01);
            assertThat(queuePut.isDone()).isTrue();
            assertThat(finished).isTrue();
        }

        @Test // CPython: test_queues.py QueuePutTests.test_nonblocking_put
        void offerPutsAnItemWhenThereIsRoom() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(UNBOUNDED);
            assertThat(q.offer(1)).isTrue();
            assertThat(q.poll()).isEqualTo(1);
        }

        @Test // CPython: test_queues.py QueuePutTests.test_get_cancel_drop_one_pending_reader
        void anItemHandedToATakerCancelledAtThatMomentIsNotDropped() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(UNBOUNDED);
            Task<Integer> reader = createTask(q.take());
            sameIteration(() -> q.offer(1), () -> q.offer(2), reader::cancel);
            Integer result = reader.isCancelled() ? createTask(q.take()).result() : reader.result();
            assertThat(result).as("if we get 2, 1 got dropped").isEqualTo(1);
        }

        @Test // CPython: test_queues.py QueuePutTests.test_get_cancel_drop_many_pending_readers
        void itemsHandedToACancelledTakerGoToTheOtherTakers() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(UNBOUNDED);
            List<Task<Integer>> readers = new ArrayList<>();
            Task<Void> group = createTask(TaskGroup.run(tg -> {
                readers.add(tg.spawn(q.take()));
                readers.add(tg.spawn(q.take()));
                readers.add(tg.spawn(q.take()));
                sameIteration(() -> q.offer(1), () -> q.offer(2), () -> readers.get(0).cancel());
                return Mono.<Void>empty();
            }));
            assertThat(group.isDone()).isTrue();
            assertThat(readers.get(0).isCancelled()).isTrue();
            assertThat(Set.of(readers.get(1).result(), readers.get(2).result())).isEqualTo(Set.of(1, 2));
        }

        @Test // CPython: test_queues.py QueuePutTests.test_put_cancel_drop
        void aPutCancelledAsItIsLetInIsNotDuplicated() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(1);
            q.offer(1);
            Task<Void> writer = createTask(q.put(2));
            Integer[] value1 = new Integer[1];
            sameIteration(() -> value1[0] = q.poll(), writer::cancel);
            assertThat(value1[0]).isEqualTo(1);
            if (writer.isCancelled() && q.isEmpty()) {
                createTask(q.put(2));   // the cancelled put did not take effect: try again
            }
            assertThat(q.poll()).isEqualTo(2);
            assertThat(q.size()).isZero();
        }

        @Test // CPython: test_queues.py QueuePutTests.test_nonblocking_put_exception
        @Tag(DIFFERS) // offer() returns false where put_nowait() raises QueueFull
        void offerToAFullQueueReturnsFalse() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(1);
            q.offer(1);
            assertThat(q.offer(2)).isFalse();
        }

        @Test // CPython: test_queues.py QueuePutTests.test_put_cancelled
        void aPutTakenAtOnceCompletes() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(UNBOUNDED);
            Task<Boolean> t = createTask(q.put(1).thenReturn(true));
            assertThat(createTask(q.take()).result()).isEqualTo(1);
            assertThat(t.result()).isTrue();
        }

        @Test // CPython: test_queues.py QueuePutTests.test_put_cancelled_race
        void aCancelledWaitingPutIsSkipped() {
            AsyncQueue<String> q = AsyncQueue.bounded(1);
            Task<Void> putA = createTask(q.put("a"));
            Task<Void> putB = createTask(q.put("b"));
            Task<Void> putC = createTask(q.put("X"));
            assertThat(putA.isDone()).isTrue();
            assertThat(putB.isDone()).isFalse();
            putC.cancel();
            assertThat(putC.isDone()).isTrue();
            assertThat(q.poll()).isEqualTo("a");
            assertThat(q.poll()).isEqualTo("b");
            assertThat(putB.isDone()).isTrue();
            assertThat(q.isEmpty()).isTrue();
        }

        @Test // CPython: test_queues.py QueuePutTests.test_put_with_waiting_getters
        void putHandsTheItemToAWaitingTaker() {
            AsyncQueue<String> q = AsyncQueue.bounded(UNBOUNDED);
            Task<String> t = createTask(q.take());
            createTask(q.put("a"));
            assertThat(t.result()).isEqualTo("a");
        }

        @Test // CPython: test_queues.py QueuePutTests.test_why_are_putters_waiting
        void pollingAFullQueueLetsTheWaitingPuttersIn() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(2);
            // CPython's getter yields with sleep(0) until the putters have run; a task here runs at
            // once and sleep(0) yields to nobody, so the getter is spawned after the putters
            Task<Void> group = createTask(TaskGroup.run(tg -> {
                for (int i = 0; i < 4; i++) {
                    tg.spawn(q.put(i));
                }
                tg.spawn(Mono.fromRunnable(() -> {
                    int num = q.size();
                    for (int i = 0; i < num; i++) {
                        q.poll();
                    }
                }));
                return Mono.<Void>empty();
            }));
            assertThat(group.isDone()).isTrue();
            assertThat(q.size()).isEqualTo(2);
        }

        @Test // CPython: test_queues.py QueuePutTests.test_cancelled_puts_not_being_held_in_self_putters
        void aCancelledPutLeavesNoPutter() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(1);
            q.offer(1);
            Task<Void> putTask = createTask(q.put(1));
            assertThat(q.toString()).contains("putters=1");
            putTask.cancel();
            assertThatThrownBy(putTask::result).isInstanceOf(CancellationException.class);
            assertThat(q.toString()).contains("putters=0");
        }

        @Test // CPython: test_queues.py QueuePutTests.test_cancelled_put_silence_value_error_exception
        void aPutCancelledAsAPollLetsItInIsCancelledQuietly() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(1);
            q.offer(1);
            Task<Void> putTask = createTask(q.put(1));
            sameIteration(q::poll, putTask::cancel);
            assertThatThrownBy(putTask::result).isInstanceOf(CancellationException.class);
        }
    }

    @Nested
    class LifoQueueTests {

        @Test // CPython: test_queues.py LifoQueueTests.test_order
        void takesTheNewestFirst() {
            AsyncQueue<Integer> q = AsyncQueue.lifo(UNBOUNDED);
            for (int i : new int[] {1, 3, 2}) {
                createTask(q.put(i));
            }
            assertThat(takeAll(q, 3)).containsExactly(2, 3, 1);
        }
    }

    @Nested
    class PriorityQueueTests {

        @Test // CPython: test_queues.py PriorityQueueTests.test_order
        void takesTheLeastFirst() {
            AsyncQueue<Integer> q = AsyncQueue.priority(UNBOUNDED);
            for (int i : new int[] {1, 3, 2}) {
                createTask(q.put(i));
            }
            assertThat(takeAll(q, 3)).containsExactly(1, 2, 3);
        }
    }

    /** CPython's _QueueJoinTestMixin, run for Queue, LifoQueue and PriorityQueue. */
    @Nested
    class QueueJoinTests {

        @ParameterizedTest(name = "{0}") // CPython: test_queues.py _QueueJoinTestMixin.test_task_done_underflow
        @MethodSource("dev.pipeline.core.aio.CPythonQueuesPortTest#kinds")
        void taskDoneWithNothingUnfinishedFails(String kind, IntFunction<AsyncQueue<String>> queue) {
            assertThatThrownBy(queue.apply(UNBOUNDED)::taskDone).isInstanceOf(IllegalStateException.class);
        }

        @ParameterizedTest(name = "{0}") // CPython: test_queues.py _QueueJoinTestMixin.test_task_done
        @MethodSource("dev.pipeline.core.aio.CPythonQueuesPortTest#kinds")
        void joinCompletesOnceEveryItemIsMarkedDone(String kind, IntFunction<AsyncQueue<String>> queue) {
            AsyncQueue<String> q = queue.apply(UNBOUNDED);
            for (int i = 0; i < 100; i++) {
                q.offer(String.format("%03d", i));
            }
            AtomicLong accumulator = new AtomicLong();
            AtomicBoolean running = new AtomicBoolean(true);
            Mono<Void> worker = Mono.defer(() -> q.take()
                            .doOnNext(item -> accumulator.addAndGet(Integer.parseInt(item)))
                            .then(Mono.fromRunnable(q::taskDone)))
                    .repeat(running::get)
                    .then();
            Task<Boolean> group = createTask(TaskGroup.run(tg -> {
                tg.spawn(worker);
                tg.spawn(worker);
                return q.join().then(Mono.fromCallable(() -> {
                    assertThat(accumulator).hasValue(4950L);
                    running.set(false);
                    q.offer("000");
                    q.offer("000");
                    return true;
                }));
            }));
            assertThat(group.result()).isTrue();
        }

        @ParameterizedTest(name = "{0}") // CPython: test_queues.py _QueueJoinTestMixin.test_join_empty_queue
        @MethodSource("dev.pipeline.core.aio.CPythonQueuesPortTest#kinds")
        void joinOfAnEmptyQueueCompletesAtOnce(String kind, IntFunction<AsyncQueue<String>> queue) {
            AsyncQueue<String> q = queue.apply(UNBOUNDED);
            StepVerifier.create(q.join()).verifyComplete();
            StepVerifier.create(q.join()).verifyComplete();
        }

        @ParameterizedTest(name = "{0}") // CPython: test_queues.py _QueueJoinTestMixin.test_format
        @MethodSource("dev.pipeline.core.aio.CPythonQueuesPortTest#kinds")
        void toStringShowsTheUnfinishedCount(String kind, IntFunction<AsyncQueue<String>> queue) {
            AsyncQueue<String> q = queue.apply(UNBOUNDED);
            assertThat(q.toString()).contains("unfinished=0");
            q.offer("a");
            q.offer("b");
            assertThat(q.toString()).contains("unfinished=2");
        }
    }

    /** CPython's _QueueShutdownTestMixin, run for Queue, LifoQueue and PriorityQueue. */
    @Nested
    class QueueShutdownTests {

        void assertShutDown(AsyncQueue<String> q) {
            StepVerifier.create(q.put("data")).expectError(QueueShutDownException.class).verify();
            assertThatThrownBy(() -> q.offer("data")).isInstanceOf(QueueShutDownException.class);
            StepVerifier.create(q.take()).expectError(QueueShutDownException.class).verify();
            assertThatThrownBy(q::poll).isInstanceOf(QueueShutDownException.class);
        }

        @ParameterizedTest(name = "{0}") // CPython: test_queues.py _QueueShutdownTestMixin.test_format
        @MethodSource("dev.pipeline.core.aio.CPythonQueuesPortTest#kinds")
        void toStringSaysShutDown(String kind, IntFunction<AsyncQueue<String>> queue) {
            AsyncQueue<String> q = queue.apply(UNBOUNDED);
            q.shutdown();
            assertThat(q.toString()).contains("shut down");
        }

        @ParameterizedTest(name = "{0}") // CPython: test_queues.py _QueueShutdownTestMixin.test_shutdown_empty
        @MethodSource("dev.pipeline.core.aio.CPythonQueuesPortTest#kinds")
        void shuttingDownAnEmptyQueueFailsTheWaitingTaker(String kind, IntFunction<AsyncQueue<String>> queue) {
            AsyncQueue<String> q = queue.apply(UNBOUNDED);
            Task<String> getTask = createTask(q.take());
            q.shutdown(false);
            assertThat(q.size()).isZero();
            assertThat(createTask(q.join()).isDone()).isTrue();
            assertThat(getTask.isDone()).isTrue();
            assertThatThrownBy(getTask::result).isInstanceOf(QueueShutDownException.class);
            assertShutDown(q);
        }

        @ParameterizedTest(name = "{0}") // CPython: test_queues.py _QueueShutdownTestMixin.test_shutdown_nonempty
        @MethodSource("dev.pipeline.core.aio.CPythonQueuesPortTest#kinds")
        void shuttingDownANonEmptyQueueFailsPutsAndLetsTheItemsBeTaken(String kind, IntFunction<AsyncQueue<String>> queue) {
            AsyncQueue<String> q = queue.apply(1);
            q.offer("data");
            Task<Void> joinTask = createTask(q.join());
            Task<Void> putTask = createTask(q.put("data2"));
            assertThat(putTask.isDone()).isFalse();

            q.shutdown(false);
            assertThat(q.size()).isEqualTo(1);
            assertThat(putTask.isDone()).isTrue();
            assertThatThrownBy(putTask::result).isInstanceOf(QueueShutDownException.class);
            assertThat(createTask(q.take()).result()).isEqualTo("data");
            assertThat(joinTask.isDone()).isFalse();
            assertShutDown(q);

            q.taskDone();
            assertThat(joinTask.isDone()).isTrue();
            joinTask.result();
            assertThatThrownBy(q::taskDone).isInstanceOf(IllegalStateException.class);
        }

        @ParameterizedTest(name = "{0}") // CPython: test_queues.py _QueueShutdownTestMixin.test_shutdown_immediate
        @MethodSource("dev.pipeline.core.aio.CPythonQueuesPortTest#kinds")
        void shuttingDownImmediatelyDropsTheItemsAndCompletesJoin(String kind, IntFunction<AsyncQueue<String>> queue) {
            AsyncQueue<String> q = queue.apply(UNBOUNDED);
            q.offer("data");
            Task<Void> joinTask = createTask(q.join());
            q.shutdown(true);
            assertThat(q.size()).isZero();
            assertThat(joinTask.isDone()).isTrue();
            joinTask.result();
            assertShutDown(q);
            assertThatThrownBy(q::taskDone).isInstanceOf(IllegalStateException.class);
        }

        @ParameterizedTest(name = "{0}") // CPython: test_queues.py _QueueShutdownTestMixin.test_shutdown_immediate_with_unfinished
        @MethodSource("dev.pipeline.core.aio.CPythonQueuesPortTest#kinds")
        void shuttingDownImmediatelyKeepsTheItemsAlreadyTakenUnfinished(String kind, IntFunction<AsyncQueue<String>> queue) {
            AsyncQueue<String> q = queue.apply(UNBOUNDED);
            q.offer("data");
            q.offer("data");
            Task<Void> joinTask = createTask(q.join());
            assertThat(createTask(q.take()).result()).isEqualTo("data");
            q.shutdown(true);
            assertThat(q.size()).isZero();
            assertThat(joinTask.isDone()).isFalse();
            assertShutDown(q);
            q.taskDone();
            assertThatThrownBy(q::taskDone).isInstanceOf(IllegalStateException.class);
            assertThat(joinTask.isDone()).isTrue();
            joinTask.result();
        }
    }
}
