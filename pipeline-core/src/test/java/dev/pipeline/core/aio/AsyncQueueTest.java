package dev.pipeline.core.aio;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AsyncQueueTest {

    @Nested
    class PutAndTake {

        @Test
        void boundedQueueIsFirstInFirstOut() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(10);
            for (int i = 0; i < 5; i++) {
                assertThat(q.offer(i)).isTrue();
            }
            StepVerifier.create(Flux.range(0, 5).concatMap(i -> q.take()))
                    .expectNext(0, 1, 2, 3, 4)
                    .verifyComplete();
        }

        @Test
        void aPutWithRoomCompletesAsItIsSubscribedWithoutDemand() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(1);
            StepVerifier.create(q.put(1), 0).expectSubscription().expectComplete().verify(Duration.ofSeconds(5));
            assertThat(q.size()).isOne();
            assertThat(q.unfinishedCount()).isOne();
            // full: the next put waits, and cancelling it before it is admitted adds nothing
            StepVerifier.create(q.put(2), 0).expectSubscription().expectNoEvent(Duration.ofMillis(20)).thenCancel()
                    .verify(Duration.ofSeconds(5));
            assertThat(q.poll()).isEqualTo(1);
            assertThat(q.poll()).isNull();
            assertThat(q.unfinishedCount()).isOne();
        }

        @Test
        void waitingPutsAreAdmittedInOrderAsSlotsFree() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(1);
            q.offer(0);
            List<Integer> order = new ArrayList<>();
            q.put(1).subscribe(null, null, () -> order.add(1));
            assertThat(q.poll()).isZero(); // the slot goes to the waiting put of 1 at once
            assertThat(order).containsExactly(1);
            q.put(2).subscribe(null, null, () -> order.add(2)); // full again: 2 waits
            assertThat(q.poll()).isEqualTo(1);
            assertThat(order).containsExactly(1, 2);
            assertThat(q.poll()).isEqualTo(2);
        }

        @Test
        void lifoQueueTakesTheNewestFirst() {
            AsyncQueue<String> q = AsyncQueue.lifo(10);
            q.offer("a");
            q.offer("b");
            q.offer("c");
            assertThat(List.of(q.poll(), q.poll(), q.poll())).containsExactly("c", "b", "a");
        }

        @Test
        void priorityQueueTakesTheSmallestFirst() {
            AsyncQueue<Integer> q = AsyncQueue.priority(10);
            q.offer(5);
            q.offer(1);
            q.offer(3);
            assertThat(List.of(q.poll(), q.poll(), q.poll())).containsExactly(1, 3, 5);
            AsyncQueue<String> byLength = AsyncQueue.priority(10, Comparator.comparing(String::length).reversed());
            byLength.offer("aa");
            byLength.offer("aaaa");
            assertThat(byLength.poll()).isEqualTo("aaaa");
        }

        @Test
        void takeWaitsUntilAnItemIsPut() {
            AsyncQueue<String> q = AsyncQueue.bounded(1);
            StepVerifier.create(q.take())
                    .expectSubscription()
                    .then(() -> assertThat(q.offer("x")).isTrue())
                    .expectNext("x")
                    .verifyComplete();
            assertThat(q.size()).isZero();
        }

        @Test
        void putWaitsWhileFullAndIsAdmittedWhenATakeFreesRoom() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(1);
            q.offer(1);
            StepVerifier.create(q.put(2))
                    .expectSubscription()
                    .then(() -> {
                        assertThat(q.size()).isEqualTo(1);
                        assertThat(q.poll()).isEqualTo(1);
                    })
                    .verifyComplete();
            assertThat(q.poll()).isEqualTo(2);
        }

        @Test
        void offerReturnsFalseWhenFullAndPollReturnsNullWhenEmpty() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(2);
            assertThat(q.poll()).isNull();
            assertThat(q.offer(1)).isTrue();
            assertThat(q.offer(2)).isTrue();
            assertThat(q.isFull()).isTrue();
            assertThat(q.offer(3)).isFalse();
            assertThat(q.size()).isEqualTo(2);
            assertThat(q.capacity()).isEqualTo(2);
            assertThat(q.maxSize()).isEqualTo(2);
        }

        @Test
        void waitingTakersAreServedInArrivalOrder() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(5);
            List<String> served = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int taker = t;
                q.take().subscribe(v -> served.add("taker" + taker + "=" + v));
            }
            q.offer(10);
            q.offer(11);
            q.offer(12);
            assertThat(served).containsExactly("taker0=10", "taker1=11", "taker2=12");
        }

        @Test
        void waitingPuttersAreAdmittedInArrivalOrder() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(1);
            q.offer(0);
            for (int i = 1; i <= 3; i++) {
                q.put(i).subscribe();
            }
            List<Integer> taken = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                taken.add(q.poll());
            }
            assertThat(taken).containsExactly(0, 1, 2, 3);
        }

        @Test
        void offerDoesNotJumpAheadOfWaitingPutters() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(1);
            q.offer(0);
            q.put(1).subscribe();
            assertThat(q.poll()).isEqualTo(0); // admits the waiting put of 1
            assertThat(q.offer(2)).isFalse();
            assertThat(q.poll()).isEqualTo(1);
        }

        @Test
        void cancelledTakeLeavesNoWaiterBehind() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(5);
            Disposable waiting = q.take().subscribe();
            waiting.dispose();
            q.offer(7);
            assertThat(q.size()).as("the item stays in the queue, not with the cancelled taker").isEqualTo(1);
            assertThat(q.toString()).contains("takers=0");
        }

        @Test
        void cancelledPutIsNotAdded() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(1);
            q.offer(0);
            Disposable put = q.put(1).subscribe();
            put.dispose();
            assertThat(q.poll()).isEqualTo(0);
            assertThat(q.poll()).isNull();
            assertThat(q.unfinishedCount()).isEqualTo(1);
        }

        @Test
        void rejectsNullItemsAndBadCapacities() {
            AsyncQueue<String> q = AsyncQueue.bounded(1);
            assertThatThrownBy(() -> q.put(null)).isInstanceOf(NullPointerException.class).hasMessage("item must not be null");
            assertThatThrownBy(() -> q.offer(null)).isInstanceOf(NullPointerException.class).hasMessage("item must not be null");
            assertThatThrownBy(() -> AsyncQueue.bounded(0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("capacity must be > 0, was 0");
            assertThatThrownBy(() -> AsyncQueue.lifo(-1)).hasMessage("capacity must be > 0, was -1");
        }
    }

    @Nested
    class TimedOffer {

        @Test
        void emitsTrueAtOnceWhenThereIsRoomWithoutStartingATimer() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(2);
            CountingScheduler timers = new CountingScheduler(Schedulers.parallel());
            StepVerifier.create(q.offer(1, Duration.ofSeconds(5), timers)).expectNext(true).verifyComplete();
            assertThat(q.poll()).isEqualTo(1);
            assertThat(q.unfinishedCount()).isEqualTo(1);
            assertThat(timers.scheduled).hasValue(0);
        }

        @Test
        void emitsFalseWhenTheQueueStaysFullForTheTimeoutAndAddsNothing() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(1);
            q.offer(0);
            StepVerifier.withVirtualTime(() -> q.offer(1, Duration.ofSeconds(2)))
                    .expectSubscription()
                    .then(() -> assertThat(q.toString()).contains("putters=1"))
                    .expectNoEvent(Duration.ofMillis(1999))
                    .thenAwait(Duration.ofMillis(1))
                    .expectNext(false)
                    .verifyComplete();
            assertThat(q.toString()).contains("putters=0");
            assertThat(q.poll()).isEqualTo(0);
            assertThat(q.poll()).as("the expired item was not added").isNull();
            assertThat(q.unfinishedCount()).isEqualTo(1);
        }

        @Test
        void emitsTrueWhenATakeFreesRoomInTimeAndReleasesTheTimer() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(1);
            q.offer(0);
            VirtualTimeScheduler clock = VirtualTimeScheduler.create();
            CountingScheduler timers = new CountingScheduler(clock);
            StepVerifier.create(q.offer(1, Duration.ofSeconds(2), timers))
                    .expectSubscription()
                    .then(() -> clock.advanceTimeBy(Duration.ofSeconds(1)))
                    .then(() -> assertThat(q.poll()).isEqualTo(0))
                    .expectNext(true)
                    .verifyComplete();
            assertThat(timers.scheduled).hasValue(1);
            assertThat(timers.disposed).as("the timer is released once admitted").hasValue(1);
            clock.advanceTimeBy(Duration.ofSeconds(5));
            assertThat(q.poll()).isEqualTo(1);
            assertThat(q.poll()).isNull();
        }

        @Test
        void anExpiredOfferWaitsForDemandBeforeEmittingFalse() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(1);
            q.offer(0);
            StepVerifier.withVirtualTime(() -> q.offer(1, Duration.ofSeconds(1)), 0)
                    .expectSubscription()
                    .thenAwait(Duration.ofSeconds(1))
                    .then(() -> assertThat(q.poll()).isEqualTo(0))
                    .expectNoEvent(Duration.ofSeconds(1))
                    .thenRequest(1)
                    .expectNext(false)
                    .verifyComplete();
            assertThat(q.poll()).as("a take after the expiry does not admit it").isNull();
        }

        @Test
        void aZeroTimeoutAnswersAtOnce() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(1);
            StepVerifier.create(q.offer(1, Duration.ZERO)).expectNext(true).verifyComplete();
            StepVerifier.create(q.offer(2, Duration.ZERO)).expectNext(false).verifyComplete();
            assertThat(q.size()).isEqualTo(1);
            assertThat(q.toString()).contains("putters=0");
        }

        @Test
        void waitsInLineBehindEarlierPutters() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(1);
            q.offer(0);
            q.put(1).subscribe();
            List<Boolean> answers = new ArrayList<>();
            q.offer(2, Duration.ofMinutes(1)).subscribe(answers::add);
            assertThat(q.poll()).isEqualTo(0);
            assertThat(answers).as("the earlier put got the slot").isEmpty();
            assertThat(q.poll()).isEqualTo(1);
            assertThat(answers).containsExactly(true);
            assertThat(q.poll()).isEqualTo(2);
        }

        @Test
        void shutdownFailsAWaitingOfferAndAnOfferOnAShutDownQueue() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(1);
            q.offer(0);
            CountingScheduler timers = new CountingScheduler(VirtualTimeScheduler.create());
            StepVerifier.create(q.offer(1, Duration.ofSeconds(5), timers))
                    .expectSubscription()
                    .then(q::shutdown)
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(QueueShutDownException.class)
                            .hasMessageContaining("the item was not added"))
                    .verify(Duration.ofSeconds(5));
            assertThat(timers.disposed).hasValue(1);
            StepVerifier.create(q.offer(2, Duration.ofSeconds(5))).expectError(QueueShutDownException.class).verify(Duration.ofSeconds(5));
            assertThat(q.poll()).isEqualTo(0);
            assertThatThrownBy(q::poll).isInstanceOf(QueueShutDownException.class);
        }

        @Test
        void cancellingAWaitingOfferLeavesTheLineAndReleasesTheTimer() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(1);
            q.offer(0);
            CountingScheduler timers = new CountingScheduler(VirtualTimeScheduler.create());
            Disposable offer = q.offer(1, Duration.ofSeconds(5), timers).subscribe();
            offer.dispose();
            assertThat(timers.disposed).hasValue(1);
            assertThat(q.toString()).contains("putters=0");
            assertThat(q.poll()).isEqualTo(0);
            assertThat(q.poll()).isNull();
        }

        @Test
        void aSchedulerThatRefusesTheTimerFailsTheOfferAndAddsNothing() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(1);
            q.offer(0);
            Scheduler disposed = Schedulers.newSingle("disposed");
            disposed.dispose();
            StepVerifier.create(q.offer(1, Duration.ofSeconds(5), disposed))
                    .expectError(java.util.concurrent.RejectedExecutionException.class)
                    .verify(Duration.ofSeconds(5));
            assertThat(q.toString()).contains("putters=0");
            assertThat(q.poll()).isEqualTo(0);
            assertThat(q.poll()).isNull();
        }

        @Test
        void rejectsNullAndNegativeArguments() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(1);
            assertThatThrownBy(() -> q.offer(null, Duration.ZERO)).hasMessage("item must not be null");
            assertThatThrownBy(() -> q.offer(1, Duration.ofMillis(-1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("timeout must be >= 0, was PT-0.001S");
            assertThatThrownBy(() -> q.offer(1, null)).hasMessage("timeout must not be null");
            assertThatThrownBy(() -> q.offer(1, Duration.ZERO, null)).hasMessage("scheduler must not be null");
        }
    }

    @Nested
    class TaskDoneAndJoin {

        @Test
        void joinCompletesAtOnceWhenNothingIsUnfinished() {
            StepVerifier.create(AsyncQueue.bounded(1).join()).verifyComplete();
        }

        @Test
        void joinWaitsUntilEveryItemPutIsMarkedDone() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(5);
            q.offer(1);
            q.offer(2);
            StepVerifier.create(q.join())
                    .expectSubscription()
                    .then(() -> {
                        q.poll();
                        q.taskDone();
                    })
                    .expectNoEvent(Duration.ofMillis(20))
                    .then(() -> {
                        q.poll();
                        q.taskDone();
                    })
                    .verifyComplete();
            assertThat(q.unfinishedCount()).isZero();
        }

        @Test
        void taskDoneCalledMoreTimesThanItemsPutThrows() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(1);
            q.offer(1);
            q.taskDone();
            assertThatThrownBy(q::taskDone)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("taskDone() called more times than items were put");
        }

        @Test
        void joinReleasesEveryJoinerWhenTheCountReachesZero() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(5);
            q.offer(1);
            AtomicInteger released = new AtomicInteger();
            for (int i = 0; i < 3; i++) {
                q.join().subscribe(null, null, released::incrementAndGet);
            }
            assertThat(released).hasValue(0);
            q.poll();
            q.taskDone();
            assertThat(released).hasValue(3);
        }
    }

    @Nested
    class Shutdown {

        @Test
        void putsFailAfterShutdownAndTheItemIsNotAdded() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(5);
            q.shutdown();
            StepVerifier.create(q.put(1))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(QueueShutDownException.class)
                            .hasMessageContaining("put() on a shut-down AsyncQueue"))
                    .verify();
            assertThatThrownBy(() -> q.offer(1)).isInstanceOf(QueueShutDownException.class);
            assertThat(q.size()).isZero();
            assertThat(q.isShutdown()).isTrue();
        }

        @Test
        void takersDrainWhatIsLeftThenFail() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(5);
            q.offer(1);
            q.offer(2);
            q.shutdown();
            StepVerifier.create(q.take()).expectNext(1).verifyComplete();
            assertThat(q.poll()).isEqualTo(2);
            StepVerifier.create(q.take()).expectError(QueueShutDownException.class).verify();
            assertThatThrownBy(q::poll).isInstanceOf(QueueShutDownException.class);
        }

        @Test
        void waitingTakersAndPuttersFailAtShutdown() {
            AsyncQueue<Integer> empty = AsyncQueue.bounded(1);
            StepVerifier.create(empty.take())
                    .expectSubscription()
                    .then(empty::shutdown)
                    .expectError(QueueShutDownException.class)
                    .verify();

            AsyncQueue<Integer> full = AsyncQueue.bounded(1);
            full.offer(1);
            StepVerifier.create(full.put(2))
                    .expectSubscription()
                    .then(full::shutdown)
                    .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("the item was not added"))
                    .verify();
            assertThat(full.poll()).isEqualTo(1);
            assertThatThrownBy(full::poll).isInstanceOf(QueueShutDownException.class);
        }

        @Test
        void immediateShutdownDropsItemsAndLetsJoinComplete() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(5);
            q.offer(1);
            q.offer(2);
            q.offer(3);
            q.poll(); // taken but not yet done
            StepVerifier.create(q.join())
                    .expectSubscription()
                    .then(() -> q.shutdown(true))
                    .expectNoEvent(Duration.ofMillis(20))
                    .then(q::taskDone)
                    .verifyComplete();
            assertThat(q.size()).isZero();
            assertThat(q.unfinishedCount()).isZero();
        }

        @Test
        void aFailedTakeIsSignalledWithoutDemand() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(1);
            q.shutdown();
            StepVerifier.create(q.take(), 0).expectError(QueueShutDownException.class).verify();
            AsyncQueue<Integer> waiting = AsyncQueue.bounded(1);
            StepVerifier.create(waiting.take(), 0)
                    .expectSubscription()
                    .then(waiting::shutdown)
                    .expectError(QueueShutDownException.class)
                    .verify();
        }

        @Test
        void anItemHandedToATakerThatCancelsAfterAnImmediateShutdownIsDiscounted() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(2);
            StepVerifier.create(q.take(), 0)
                    .expectSubscription()
                    .then(() -> q.offer(1)) // granted to the taker, not yet requested
                    .then(() -> q.shutdown(true))
                    .thenCancel() // the item comes back to a queue that drops everything
                    .verify();
            assertThat(q.unfinishedCount()).isZero();
            assertThat(q.size()).isZero();
            StepVerifier.create(q.join()).verifyComplete();
        }

        @Test
        void asFluxCompletesOnceShutDownAndDrained() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(5);
            q.offer(1);
            q.offer(2);
            StepVerifier.create(q.asFlux())
                    .expectNext(1, 2)
                    .then(q::shutdown)
                    .verifyComplete();
        }

        @Test
        void asFluxWithoutDemandCompletesWhenTheEmptyQueueShutsDown() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(5);
            StepVerifier.create(q.asFlux(), 0)
                    .expectSubscription()
                    .then(q::shutdown)
                    .verifyComplete();
        }
    }

    @Nested
    class AsFlux {

        @Test
        void takesOnlyWhatIsRequested() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(10);
            for (int i = 0; i < 10; i++) {
                q.offer(i);
            }
            StepVerifier.create(q.asFlux(), 0)
                    .expectSubscription()
                    .then(() -> assertThat(q.size()).isEqualTo(10))
                    .thenRequest(3)
                    .expectNext(0, 1, 2)
                    .then(() -> assertThat(q.size()).isEqualTo(7))
                    .thenCancel()
                    .verify();
            assertThat(q.size()).isEqualTo(7);
        }

        @Test
        void itemsTakenButNotDeliveredGoBackToTheFrontOnCancel() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(10);
            for (int i = 0; i < 10; i++) {
                q.offer(i);
            }
            // take(3) requests unbounded, so the consumer takes a batch, then cancels after 3
            StepVerifier.create(q.asFlux().take(3, false)).expectNext(0, 1, 2).verifyComplete();
            List<Integer> rest = new ArrayList<>();
            Integer v;
            while ((v = q.poll()) != null) {
                rest.add(v);
            }
            assertThat(rest).containsExactly(3, 4, 5, 6, 7, 8, 9);
        }

        @Test
        void competingConsumersReceiveEachItemOnce() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(16);
            List<Integer> a = new ArrayList<>();
            List<Integer> b = new ArrayList<>();
            q.asFlux().subscribe(a::add);
            q.asFlux().subscribe(b::add);
            StepVerifier.create(q.putAll(Flux.range(0, 1000))).verifyComplete();
            List<Integer> all = new ArrayList<>(a);
            all.addAll(b);
            assertThat(all).hasSize(1000).doesNotHaveDuplicates();
        }

        @Test
        void waitsInLineWithOtherTakers() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(5);
            List<String> order = new ArrayList<>();
            q.take().subscribe(v -> order.add("take=" + v));
            q.asFlux().subscribe(v -> order.add("flux=" + v));
            q.offer(1);
            q.offer(2);
            assertThat(order).containsExactly("take=1", "flux=2");
        }
    }

    @Nested
    class PutAll {

        @Test
        void putsEveryItemInOrder() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(100);
            StepVerifier.create(q.putAll(Flux.range(0, 50))).verifyComplete();
            List<Integer> taken = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                taken.add(q.poll());
            }
            assertThat(taken).containsExactlyElementsOf(Flux.range(0, 50).collectList().block());
            assertThat(q.unfinishedCount()).isEqualTo(50);
        }

        @Test
        void waitsWhileFullAndRequestsOnlyWhatCanGetIn() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(4);
            AtomicLong requested = new AtomicLong();
            Flux<Integer> source = Flux.range(0, 10_000).doOnRequest(requested::addAndGet);
            StepVerifier.create(q.putAll(source))
                    .expectSubscription()
                    .then(() -> {
                        assertThat(q.size()).isEqualTo(4);
                        // never more than the queue's room plus the bounded prefetch
                        assertThat(requested.get()).isLessThanOrEqualTo(4 + 4);
                    })
                    .then(() -> q.asFlux().subscribe(v -> q.taskDone()))
                    .verifyComplete();
            assertThat(requested.get()).isGreaterThanOrEqualTo(10_000);
        }

        @Test
        void sourceErrorFailsAfterTheEmittedItemsAreIn() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(10);
            StepVerifier.create(q.putAll(Flux.concat(Flux.just(1, 2), Mono.error(new IllegalStateException("boom")))))
                    .expectErrorMessage("boom")
                    .verify();
            assertThat(q.size()).isEqualTo(2);
        }

        @Test
        void cancelStopsTheSource() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(2);
            TestPublisher<Integer> source = TestPublisher.create();
            StepVerifier.create(q.putAll(source))
                    .expectSubscription()
                    .then(() -> source.next(1, 2))
                    .thenCancel()
                    .verify();
            source.assertCancelled();
            assertThat(q.size()).isEqualTo(2);
        }

        @Test
        void shutdownFailsAWaitingPutAll() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(1);
            StepVerifier.create(q.putAll(Flux.range(0, 10)))
                    .expectSubscription()
                    .then(q::shutdown)
                    .expectError(QueueShutDownException.class)
                    .verify();
            assertThat(q.poll()).isEqualTo(0);
        }

        @Test
        void aNonPositiveRequestIsAnError() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(1);
            TestPublisher<Integer> source = TestPublisher.create();
            List<Throwable> errors = new ArrayList<>();
            q.putAll(source).subscribe(new BaseSubscriber<Void>() {
                @Override
                protected void hookOnSubscribe(Subscription s) {
                    s.request(0); // StepVerifier refuses to send this
                }

                @Override
                protected void hookOnError(Throwable e) {
                    errors.add(e);
                }
            });
            assertThat(errors).singleElement().isInstanceOf(IllegalArgumentException.class);
            source.assertCancelled();
        }

        @Test
        void handsItemsStraightToWaitingTakers() {
            AsyncQueue<Integer> q = AsyncQueue.bounded(1);
            List<Integer> got = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                q.take().subscribe(got::add);
            }
            StepVerifier.create(q.putAll(Flux.just(7, 8, 9, 10))).verifyComplete();
            assertThat(got).containsExactly(7, 8, 9);
            assertThat(q.poll()).isEqualTo(10);
        }
    }
}
