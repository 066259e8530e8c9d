package dev.pipeline.core.aio;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import dev.pipeline.core.testing.Races;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.publisher.PublisherProbe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The concurrency caps of {@link Tasks#gather(Iterable, int)}, {@code gatherSettled} and {@code asCompleted}. */
class TasksConcurrencyTest {

    private static final Duration VERIFY = Duration.ofSeconds(5);

    /** Counts how many of the Monos it wraps are subscribed at once, and the most there ever were. */
    static final class InFlight {
        final AtomicInteger now = new AtomicInteger();
        final AtomicInteger max = new AtomicInteger();
        final AtomicInteger subscribed = new AtomicInteger();

        <T> Mono<T> track(Mono<T> m) {
            return m.doOnSubscribe(s -> {
                subscribed.incrementAndGet();
                max.accumulateAndGet(now.incrementAndGet(), Math::max);
            }).doOnTerminate(now::decrementAndGet).doOnCancel(now::decrementAndGet);   // before the signal goes on
        }
    }

    /** Of [never, failing, just], two at a time: the failure cancels the first and the third never starts. */
    static void failureCancelsTheRunningAndSubscribesNoMore(Function<List<Mono<Integer>>, Publisher<?>> capped) {
        PublisherProbe<Integer> running = PublisherProbe.of(Mono.never());
        PublisherProbe<Integer> waiting = PublisherProbe.of(Mono.just(3));
        StepVerifier.create(capped.apply(List.of(running.mono(), Mono.error(new IllegalStateException("boom")), waiting.mono())))
                .expectErrorMessage("boom")
                .verify(VERIFY);
        running.assertWasCancelled();
        waiting.assertWasNotSubscribed();
    }

    @Nested
    class Gather {

        @Test
        void atMostNRunAtOnceAndTheValuesStayInArgumentOrder() {
            InFlight inFlight = new InFlight();
            // 3 s, 1 s, 1 s, 2 s, 1 s, two at a time: 0-3 | 0-1, 1-2, 2-4, 3-4 -> done at 4 s
            int[] seconds = {3, 1, 1, 2, 1};
            StepVerifier.withVirtualTime(() -> {
                        List<Mono<String>> monos = new ArrayList<>();
                        for (int i = 0; i < seconds.length; i++) {
                            monos.add(inFlight.track(Tasks.sleep(Duration.ofSeconds(seconds[i]), "m" + i)));
                        }
                        return Tasks.gather(monos, 2);
                    })
                    .expectSubscription()
                    .expectNoEvent(Duration.ofMillis(3_999))
                    .thenAwait(Duration.ofMillis(1))
                    .expectNext(List.of("m0", "m1", "m2", "m3", "m4"))
                    .verifyComplete();
            assertThat(inFlight.max).hasValue(2);
            assertThat(inFlight.subscribed).hasValue(5);
        }

        @Test
        void theNextMonoStartsOnlyWhenOneEnds() {
            List<AsyncFuture<Integer>> replies = List.of(AsyncFuture.create(), AsyncFuture.create(), AsyncFuture.create());
            List<PublisherProbe<Integer>> probes = new ArrayList<>();
            replies.forEach(f -> probes.add(PublisherProbe.of(f.mono())));
            List<Mono<Integer>> monos = new ArrayList<>();
            probes.forEach(p -> monos.add(p.mono()));
            StepVerifier.create(Tasks.gather(monos, 1))
                    .expectSubscription()
                    .then(() -> {
                        probes.get(0).assertWasSubscribed();
                        probes.get(1).assertWasNotSubscribed();
                    })
                    .then(() -> replies.get(1).setResult(2))   // not subscribed yet: nothing moves
                    .then(() -> probes.get(1).assertWasNotSubscribed())
                    .then(() -> replies.get(0).setResult(1))
                    .then(() -> probes.get(2).assertWasSubscribed())  // 1 took its value already there
                    .then(() -> replies.get(2).setResult(3))
                    .expectNext(List.of(1, 2, 3))
                    .verifyComplete();
        }

        @Test
        void aFailureCancelsTheRunningAndSubscribesNoMore() {
            failureCancelsTheRunningAndSubscribesNoMore(monos -> Tasks.gather(monos, 2));
        }

        @Test
        void gatherSettledRunsEveryOneAfterAFailureToo() {
            StepVerifier.create(Tasks.gatherSettled(List.of(Mono.just(1), Mono.<Integer>error(new IllegalStateException("boom")),
                            Mono.just(3)), 1))
                    .assertNext(outcomes -> {
                        assertThat(outcomes).hasSize(3);
                        assertThat(outcomes.get(0)).isEqualTo(Outcome.success(1));
                        assertThat(outcomes.get(1).error()).hasMessage("boom");
                        assertThat(outcomes.get(2)).isEqualTo(Outcome.success(3));
                    })
                    .verifyComplete();
        }

        @Test
        void cancellingCancelsTheRunningOnesAndStartsNoOther() {
            PublisherProbe<Integer> running = PublisherProbe.of(Mono.never());
            PublisherProbe<Integer> waiting = PublisherProbe.of(Mono.just(2));
            Disposable d = Tasks.gather(List.of(running.mono(), waiting.mono()), 1).subscribe();
            d.dispose();
            running.assertWasCancelled();
            waiting.assertWasNotSubscribed();
        }

        @Test
        void aHundredThousandSynchronousMonosOneAtATimeDoNotGrowTheStack() {
            List<Mono<Integer>> monos = new ArrayList<>();
            for (int i = 0; i < 100_000; i++) {
                monos.add(Mono.just(i));
            }
            StepVerifier.create(Tasks.gather(monos, 1))
                    .assertNext(values -> assertThat(values).hasSize(100_000).startsWith(0, 1, 2).endsWith(99_999))
                    .verifyComplete();
        }

        @Test
        void aCapOfAtLeastTheCountSubscribesAllAtOnce() {
            InFlight inFlight = new InFlight();
            StepVerifier.create(Tasks.gather(List.of(inFlight.track(Mono.<Integer>never()),
                            inFlight.track(Mono.<Integer>never())), 10))
                    .expectSubscription()
                    .then(() -> assertThat(inFlight.now).hasValue(2))
                    .thenCancel()
                    .verify(VERIFY);
        }

        @Test
        void refusesACapBelowOne() {
            assertThatThrownBy(() -> Tasks.gather(List.of(Mono.just(1)), 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("concurrency must be > 0, was 0");
            assertThatThrownBy(() -> Tasks.asCompleted(List.of(Mono.just(1)), -1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("concurrency must be > 0, was -1");
        }

        @Test
        void completionsOnManyThreadsNeverExceedTheCapAndKeepTheOrder() throws Exception {
            int n = 64;
            int cap = 3;
            for (int iteration = 0; iteration < 500; iteration++) {
                List<AsyncFuture<Integer>> replies = new ArrayList<>();
                InFlight inFlight = new InFlight();
                List<Mono<Integer>> monos = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    AsyncFuture<Integer> f = AsyncFuture.create();
                    replies.add(f);
                    monos.add(inFlight.track(f.mono()));
                }
                List<List<Integer>> results = new CopyOnWriteArrayList<>();
                Tasks.gather(monos, cap).subscribe(results::add);
                // each thread completes the futures of its residue class, whether subscribed yet or not
                Races.run(4, index -> {
                    List<Integer> mine = new ArrayList<>();
                    for (int i = index; i < n; i += 4) {
                        mine.add(i);
                    }
                    java.util.Collections.shuffle(mine, ThreadLocalRandom.current());
                    for (int i : mine) {
                        replies.get(i).setResult(i);
                    }
                });
                assertThat(results).as("iteration %d", iteration).hasSize(1);
                assertThat(results.get(0)).isSortedAccordingTo(Integer::compare).hasSize(n);
                assertThat(inFlight.max.get()).isLessThanOrEqualTo(cap);
                assertThat(inFlight.subscribed).hasValue(n);
            }
        }
    }

    @Nested
    class AsCompleted {

        @Test
        void atMostNRunAtOnceAndValuesComeInCompletionOrder() {
            InFlight inFlight = new InFlight();
            StepVerifier.withVirtualTime(() -> Tasks.asCompleted(List.of(
                            inFlight.track(Tasks.sleep(Duration.ofSeconds(3), "a")),
                            inFlight.track(Tasks.sleep(Duration.ofSeconds(1), "b")),
                            inFlight.track(Tasks.sleep(Duration.ofSeconds(1), "c"))), 2))
                    .expectSubscription()
                    .expectNoEvent(Duration.ofSeconds(1))
                    .expectNext("b")                      // c starts at 1 s, ends at 2 s
                    .expectNoEvent(Duration.ofSeconds(1))
                    .expectNext("c")
                    .expectNoEvent(Duration.ofMillis(999))
                    .thenAwait(Duration.ofMillis(1))
                    .expectNext("a")
                    .verifyComplete();
            assertThat(inFlight.max).hasValue(2);
        }

        @Test
        void aSlowConsumerHoldsBackNewSubscriptions() {
            InFlight inFlight = new InFlight();
            List<Mono<Integer>> monos = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                monos.add(inFlight.track(Mono.just(i)));
            }
            StepVerifier.create(Tasks.asCompleted(monos, 2), 0)
                    .expectSubscription()
                    .then(() -> assertThat(inFlight.subscribed).as("two values wait for demand").hasValue(2))
                    .thenRequest(1)
                    .expectNext(0)
                    .then(() -> assertThat(inFlight.subscribed).as("one emitted, one more started").hasValue(3))
                    .thenRequest(Long.MAX_VALUE)
                    .expectNextCount(9)
                    .verifyComplete();
        }

        @Test
        void aFailureCancelsTheRunningAndSubscribesNoMore() {
            failureCancelsTheRunningAndSubscribesNoMore(monos -> Tasks.asCompleted(monos, 2));
        }

        @Test
        void takeStopsEarlyAndStartsNoMore() {
            InFlight inFlight = new InFlight();
            List<Mono<Integer>> monos = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                monos.add(inFlight.track(Mono.just(i)));
            }
            StepVerifier.create(Tasks.asCompleted(monos, 3).take(2))
                    .expectNext(0, 1)
                    .verifyComplete();
            assertThat(inFlight.subscribed.get()).isLessThanOrEqualTo(4);
        }

        @Test
        void completionsOnManyThreadsNeverExceedTheCapAndDeliverEveryValueOnce() throws Exception {
            int n = 64;
            int cap = 4;
            Function<Integer, Integer> identity = i -> i;
            for (int iteration = 0; iteration < 500; iteration++) {
                List<AsyncFuture<Integer>> replies = new ArrayList<>();
                InFlight inFlight = new InFlight();
                List<Mono<Integer>> monos = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    AsyncFuture<Integer> f = AsyncFuture.create();
                    replies.add(f);
                    monos.add(inFlight.track(f.mono()).map(identity));
                }
                List<Integer> values = new CopyOnWriteArrayList<>();
                AtomicInteger completed = new AtomicInteger();
                Tasks.asCompleted(monos, cap).subscribe(values::add, e -> { }, completed::incrementAndGet);
                Races.run(4, index -> {
                    for (int i = index; i < n; i += 4) {
                        replies.get(i).setResult(i);
                    }
                });
                assertThat(completed).as("iteration %d", iteration).hasValue(1);
                assertThat(values).hasSize(n).doesNotHaveDuplicates();
                assertThat(inFlight.max.get()).isLessThanOrEqualTo(cap);
            }
        }

        @Test
        void isAFluxLikeAnyOtherForAConsumerThatBuffers() {
            StepVerifier.create(Flux.from(Tasks.asCompleted(List.of(Mono.just(1), Mono.just(2)), 1)).collectList())
                    .expectNext(List.of(1, 2))
                    .verifyComplete();
        }
    }
}
