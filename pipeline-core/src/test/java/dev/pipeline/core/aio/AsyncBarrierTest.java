package dev.pipeline.core.aio;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.pipeline.core.testing.Races;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AsyncBarrierTest {

    @Test
    void releasesEveryPartyTogetherWithTheirArrivalIndex() {
        AsyncBarrier barrier = AsyncBarrier.of(3);
        List<Integer> released = new ArrayList<>();
        barrier.arrive().subscribe(released::add);
        barrier.arrive().subscribe(released::add);
        assertThat(released).isEmpty();
        assertThat(barrier.waitingCount()).isEqualTo(2);
        barrier.arrive().subscribe(released::add);
        assertThat(released).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(barrier.waitingCount()).isZero();
    }

    @Test
    void isReusableForTheNextRound() {
        AsyncBarrier barrier = AsyncBarrier.of(2);
        for (int round = 0; round < 3; round++) {
            List<Integer> released = new ArrayList<>();
            barrier.arrive().subscribe(released::add);
            barrier.arrive().subscribe(released::add);
            assertThat(released).as("round " + round).containsExactlyInAnyOrder(0, 1);
        }
    }

    @Test
    void aCancelledArrivalIsWithdrawn() {
        AsyncBarrier barrier = AsyncBarrier.of(2);
        Disposable d = barrier.arrive().subscribe();
        d.dispose();
        assertThat(barrier.waitingCount()).isZero();
        List<Integer> released = new ArrayList<>();
        barrier.arrive().subscribe(released::add);
        assertThat(released).as("still needs a second party").isEmpty();
    }

    @Test
    void abortBreaksTheBarrierUntilReset() {
        AsyncBarrier barrier = AsyncBarrier.of(2);
        StepVerifier.create(barrier.arrive())
                .expectSubscription()
                .then(barrier::abort)
                .expectError(BrokenBarrierException.class)
                .verify();
        assertThat(barrier.isBroken()).isTrue();
        StepVerifier.create(barrier.arrive()).expectErrorMessage("AsyncBarrier is broken; reset() it before reuse").verify();
        barrier.reset();
        assertThat(barrier.isBroken()).isFalse();
        List<Integer> released = new ArrayList<>();
        barrier.arrive().subscribe(released::add);
        barrier.arrive().subscribe(released::add);
        assertThat(released).hasSize(2);
    }

    @Test
    void resetFailsThePartiesWaiting() {
        AsyncBarrier barrier = AsyncBarrier.of(3);
        StepVerifier.create(barrier.arrive())
                .expectSubscription()
                .then(barrier::reset)
                .expectErrorMessage("AsyncBarrier was reset while waiting")
                .verify();
    }

    @Test
    void needsAtLeastOneParty() {
        assertThatThrownBy(() -> AsyncBarrier.of(0)).hasMessage("parties must be > 0, was 0");
    }

    @Nested
    class Draining {

        @Test
        void thePartiesLeaveOneAtATimeTheLastToArriveFirst() {
            AsyncBarrier barrier = AsyncBarrier.of(3);
            List<String> left = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                barrier.arrive().subscribe(index -> left.add(index + ":" + barrier));
            }
            assertThat(left).containsExactly(
                    "2:AsyncBarrier[draining, waiting=0/3]",
                    "0:AsyncBarrier[draining, waiting=0/3]",
                    "1:AsyncBarrier[filling, waiting=0/3]");
        }

        @Test
        void aPartyThatComesBackWhileTheRoundDrainsArrivesInTheNextRound() {
            AsyncBarrier barrier = AsyncBarrier.of(2);
            List<String> seen = new ArrayList<>();
            // the last to arrive leaves first and comes back at once, while the other has not left
            barrier.arrive().subscribe(i -> seen.add("first round, index " + i));
            barrier.arrive().flatMap(i -> {
                seen.add("first round, index " + i);
                return barrier.arrive();
            }).subscribe(i -> seen.add("second round, index " + i));
            assertThat(seen).containsExactly("first round, index 1", "first round, index 0");
            assertThat(barrier.waitingCount()).as("it waits in the second round").isEqualTo(1);
            barrier.arrive().subscribe(i -> seen.add("second round, index " + i));
            assertThat(seen).contains("second round, index 0", "second round, index 1");
        }

        @Test
        void resetWhileDrainingBreaksOnlyThePartiesThatHaveNotLeft() {
            AsyncBarrier barrier = AsyncBarrier.of(3);
            List<Object> outcomes = new ArrayList<>();
            barrier.arrive().subscribe(outcomes::add, outcomes::add);
            barrier.arrive().subscribe(outcomes::add, outcomes::add);
            barrier.arrive().doOnNext(i -> barrier.reset()).subscribe(outcomes::add, outcomes::add);
            assertThat(outcomes).hasSize(3);
            assertThat(outcomes.get(0)).isEqualTo(2);
            assertThat(outcomes.subList(1, 3)).allSatisfy(o -> assertThat(o).isInstanceOf(BrokenBarrierException.class)
                    .hasFieldOrPropertyWithValue("message", "AsyncBarrier was reset before this party left it"));
            assertThat(barrier.isBroken()).isFalse();
            assertThat(barrier.toString()).isEqualTo("AsyncBarrier[filling, waiting=0/3]");
        }

        @Test
        void abortWhileDrainingBreaksThePartiesNotLeftAndThoseWaitingForTheDrain() {
            AsyncBarrier barrier = AsyncBarrier.of(3);
            List<Object> outcomes = new ArrayList<>();
            barrier.arrive().doOnNext(i -> barrier.abort()).subscribe(outcomes::add, outcomes::add);
            barrier.arrive().subscribe(outcomes::add, outcomes::add);
            barrier.arrive().flatMap(i -> barrier.arrive()).subscribe(outcomes::add, outcomes::add);
            // index 2 leaves first and comes back (blocked by the drain), index 0 leaves and aborts,
            // index 1 has not left yet
            assertThat(outcomes).hasSize(3).filteredOn(o -> o instanceof BrokenBarrierException).hasSize(2);
            assertThat(outcomes).contains(0);
            assertThat(barrier.isBroken()).isTrue();
        }

        @Test
        void aPartyCancelledBeforeItLeavesDoesNotHoldTheNextRound() {
            AsyncBarrier barrier = AsyncBarrier.of(2);
            List<Integer> seen = new ArrayList<>();
            Disposable[] first = new Disposable[1];
            first[0] = barrier.arrive().subscribe(seen::add);
            // the last to arrive leaves first and cancels the other before it leaves, then comes back
            barrier.arrive().flatMap(i -> {
                first[0].dispose();
                return barrier.arrive();
            }).subscribe(seen::add);
            assertThat(seen).as("the cancelled party never left").isEmpty();
            assertThat(barrier.waitingCount()).isEqualTo(1);
            barrier.arrive().subscribe(seen::add);
            assertThat(seen).containsExactlyInAnyOrder(0, 1);
        }

        @Test
        void aPartyWaitingForTheDrainCanCancel() {
            AsyncBarrier barrier = AsyncBarrier.of(2);
            List<Object> seen = new ArrayList<>();
            Disposable[] comeback = new Disposable[1];
            barrier.arrive().subscribe(seen::add);
            barrier.arrive().subscribe(i -> {
                comeback[0] = barrier.arrive().subscribe(seen::add);   // blocked: the other has not left
                comeback[0].dispose();
            });
            assertThat(seen).containsExactly(0);
            assertThat(barrier.waitingCount()).as("the cancelled comeback did not arrive").isZero();
        }
    }

    @Nested
    class UnderContention {

        private static final int THREADS = 8;

        @Test
        void everyRoundHandsOutEachIndexOnceToThreadsWaitingRoundAfterRound() throws Exception {
            int rounds = 300;
            AsyncBarrier barrier = AsyncBarrier.of(THREADS);
            List<List<Integer>> indexes = IntStream.range(0, rounds)
                    .mapToObj(r -> Collections.synchronizedList(new ArrayList<Integer>()))
                    .collect(Collectors.toList());
            Races.run(THREADS, t -> {
                for (int r = 0; r < rounds; r++) {
                    indexes.get(r).add(Tasks.run(barrier.arrive()));
                }
            });
            List<Integer> all = IntStream.range(0, THREADS).boxed().collect(Collectors.toList());
            for (int r = 0; r < rounds; r++) {
                assertThat(indexes.get(r)).as("round " + r).containsExactlyInAnyOrderElementsOf(all);
            }
            assertThat(barrier.toString()).isEqualTo("AsyncBarrier[filling, waiting=0/" + THREADS + "]");
        }

        @Test
        void arrivalsCancelsResetsAndAbortsLeaveNoPartyHangingAndSignalEachOnce() throws Exception {
            AsyncBarrier barrier = AsyncBarrier.of(3);
            ConcurrentLinkedQueue<Party> partiesSeen = new ConcurrentLinkedQueue<>();
            Races.run(THREADS, t -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                for (int i = 0; i < 5_000; i++) {
                    Party p = new Party(barrier, partiesSeen, rnd.nextInt(4) == 0);
                    barrier.arrive().subscribe(p);
                    int action = rnd.nextInt(100);
                    if (action < 20) {
                        p.subscription.cancel();
                    } else if (action == 20) {
                        barrier.reset();
                    } else if (action == 21) {
                        barrier.abort();
                    }
                }
            });
            // quiet now: only parties waiting in a filling round can be left, and reset breaks them
            assertThat(barrier.toString()).doesNotContain("draining");
            barrier.reset();
            List<String> problems = new ArrayList<>();
            for (Party p : partiesSeen) {
                if (p.signals.get() > 1) {
                    problems.add("signalled " + p.signals.get() + " times");
                } else if (p.signals.get() == 0 && !p.cancelled) {
                    problems.add("left hanging");
                }
            }
            assertThat(problems).isEmpty();
            assertThat(partiesSeen).anyMatch(p -> p.index >= 0);
        }
    }

    /** One party: records every signal; some come straight back to the barrier once. */
    static final class Party implements CoreSubscriber<Integer> {
        final AsyncBarrier barrier;
        final ConcurrentLinkedQueue<Party> all;
        final boolean comesBack;
        final AtomicInteger signals = new AtomicInteger();
        volatile Subscription subscription;
        volatile boolean cancelled;
        volatile int index = -1;

        Party(AsyncBarrier barrier, ConcurrentLinkedQueue<Party> all, boolean comesBack) {
            this.barrier = barrier;
            this.all = all;
            this.comesBack = comesBack;
            all.add(this);
        }

        @Override
        public void onSubscribe(Subscription s) {
            subscription = new Subscription() {
                @Override
                public void request(long n) {
                    s.request(n);
                }

                @Override
                public void cancel() {
                    cancelled = true;
                    s.cancel();
                }
            };
            s.request(1);
        }

        @Override
        public void onNext(Integer i) {
            index = i;
        }

        @Override
        public void onError(Throwable e) {
            signals.incrementAndGet();
            if (!(e instanceof BrokenBarrierException)) {
                throw new AssertionError("unexpected failure", e);
            }
        }

        @Override
        public void onComplete() {
            signals.incrementAndGet();
            if (comesBack) {
                barrier.arrive().subscribe(new Party(barrier, all, false));
            }
        }
    }
}
