package dev.pipeline.core.aio;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.pipeline.core.testing.Races;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.publisher.PublisherProbe;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Tasks#timeout} and {@link Tasks#timeoutAt}: asyncio.timeout scopes, in virtual time. */
class TimeoutTest {

    private static final Duration VERIFY = Duration.ofSeconds(5);

    static Instant at(long seconds) {
        return Instant.EPOCH.plusSeconds(seconds);   // virtual time starts at the epoch
    }

    @Nested
    class Expiry {

        @Test
        void pastTheDeadlineTheBodyIsCancelledAndTheErrorNamesTheDeadline() {
            PublisherProbe<String> body = PublisherProbe.of(Mono.never());
            AtomicReference<Timeout> scope = new AtomicReference<>();
            StepVerifier.withVirtualTime(() -> Tasks.timeout(Duration.ofSeconds(2), cm -> {
                        scope.set(cm);
                        return body.mono();
                    }))
                    .expectSubscription()
                    .expectNoEvent(Duration.ofMillis(1_999))
                    .thenAwait(Duration.ofMillis(1))
                    .expectErrorSatisfies(e -> {
                        assertThat(e).isInstanceOf(DeadlineExceededException.class).isInstanceOf(TimeoutException.class)
                                .hasMessageContaining("1970-01-01T00:00:02Z").hasMessageContaining("PT2S");
                        assertThat(((DeadlineExceededException) e).getDeadline()).isEqualTo(at(2));
                        assertThat(((DeadlineExceededException) e).getTimeout()).isEqualTo(Duration.ofSeconds(2));
                    })
                    .verify(VERIFY);
            body.assertWasCancelled();
            assertThat(scope.get().expired()).isTrue();
            assertThat(scope.get().when()).isEqualTo(at(2));
            assertThat(scope.get()).hasToString("Timeout[expired]");
        }

        @Test
        void aBodyDoneInTimeGivesItsValueAndReleasesTheTimer() {
            CountingScheduler counting = new CountingScheduler(Schedulers.parallel());
            AtomicReference<Timeout> scope = new AtomicReference<>();
            StepVerifier.create(Tasks.timeout(Duration.ofHours(1), counting, cm -> {
                        scope.set(cm);
                        return Mono.just("in time").delayElement(Duration.ofMillis(10));
                    }))
                    .expectNext("in time")
                    .expectComplete()
                    .verify(VERIFY);
            assertThat(scope.get().expired()).isFalse();
            assertThat(scope.get()).hasToString("Timeout[finished]");
            assertThat(counting.disposed).hasValue(counting.scheduled.get());
        }

        @Test
        void theBodysOwnFailureIsPassedOnAndIsNotAnExpiry() {
            AtomicReference<Timeout> scope = new AtomicReference<>();
            StepVerifier.create(Tasks.timeout(Duration.ofHours(1), cm -> {
                        scope.set(cm);
                        return Mono.error(new IllegalStateException("own failure"));
                    }))
                    .expectErrorMessage("own failure")
                    .verify(VERIFY);
            assertThat(scope.get().expired()).isFalse();
        }

        @Test
        void aBodyThatThrowsOrReturnsNullFails() {
            StepVerifier.create(Tasks.timeout(Duration.ofHours(1), cm -> {
                        throw new IllegalArgumentException("no body");
                    }))
                    .expectErrorMessage("no body")
                    .verify(VERIFY);
            StepVerifier.create(Tasks.timeout(Duration.ofHours(1), cm -> null))
                    .expectErrorMessage("the timeout body returned null")
                    .verify(VERIFY);
        }

        @Test
        void aZeroOrNegativeDelayExpiresOnceTheBodysSynchronousPartHasRun() {
            for (Duration d : List.of(Duration.ZERO, Duration.ofSeconds(-11))) {
                StepVerifier.create(Tasks.timeout(d, cm -> Mono.just("already there")))
                        .expectNext("already there")
                        .verifyComplete();
                StepVerifier.create(Tasks.timeout(d, cm -> Mono.never()))
                        .expectError(DeadlineExceededException.class)
                        .verify(VERIFY);
            }
        }

        @Test
        void aTaskJoinedInTheBodyIsCancelledAndAShieldedOneRunsOn() {
            VirtualTimeScheduler vts = VirtualTimeScheduler.create();
            Task<String> owned = Tasks.createTask(Tasks.sleep(Duration.ofSeconds(5), "owned", vts));
            Task<String> kept = Tasks.createTask(Tasks.sleep(Duration.ofSeconds(5), "kept", vts));
            StepVerifier.create(Tasks.timeout(Duration.ofSeconds(1), vts,
                            cm -> Tasks.gather(owned.join(), Tasks.shield(kept))))
                    .expectSubscription()
                    .then(() -> vts.advanceTimeBy(Duration.ofSeconds(1)))
                    .expectError(DeadlineExceededException.class)
                    .verify(VERIFY);
            assertThat(owned.isCancelled()).isTrue();
            assertThat(kept.isCancelled()).isFalse();
            vts.advanceTimeBy(Duration.ofSeconds(4));
            assertThat(kept.result()).isEqualTo("kept");
        }

        @Test
        void cancellingTheScopeCancelsTheBodyAndTheTimerButIsNoExpiry() {
            CountingScheduler counting = new CountingScheduler(Schedulers.parallel());
            PublisherProbe<String> body = PublisherProbe.of(Mono.never());
            AtomicReference<Timeout> scope = new AtomicReference<>();
            Disposable d = Tasks.timeout(Duration.ofHours(1), counting, cm -> {
                scope.set(cm);
                return body.mono();
            }).subscribe();
            assertThat(counting.scheduled).hasValue(1);
            d.dispose();
            body.assertWasCancelled();
            assertThat(counting.disposed).hasValue(1);
            assertThat(scope.get().expired()).isFalse();
            assertThatThrownBy(() -> scope.get().reschedule(Timeout.NEVER))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("finished");
        }

        @Test
        void isColdAndEverySubscriptionIsAScopeOfItsOwnCountedFromThen() {
            List<Instant> deadlines = new CopyOnWriteArrayList<>();
            AtomicInteger bodies = new AtomicInteger();
            VirtualTimeScheduler vts = VirtualTimeScheduler.create();
            Mono<Integer> scoped = Tasks.timeout(Duration.ofSeconds(10), vts, cm -> {
                deadlines.add(cm.when());
                return Mono.just(bodies.incrementAndGet());
            });
            assertThat(bodies).hasValue(0);
            StepVerifier.create(scoped).expectNext(1).verifyComplete();
            vts.advanceTimeBy(Duration.ofSeconds(3));
            StepVerifier.create(scoped).expectNext(2).verifyComplete();
            assertThat(deadlines).containsExactly(at(10), at(13));
        }

        @Test
        void nestedScopesTheEarlierDeadlineWinsAndAnInnerExpiryCanBeCaught() {
            StepVerifier.withVirtualTime(() -> Tasks.timeout(Duration.ofSeconds(10), outer ->
                            Tasks.timeout(Duration.ofSeconds(1), inner -> Mono.<String>never())
                                    .onErrorResume(DeadlineExceededException.class, e -> Mono.just("inner expired"))
                                    .flatMap(s -> Tasks.sleep(Duration.ofSeconds(60), s))))
                    .expectSubscription()
                    .expectNoEvent(Duration.ofSeconds(10))
                    .expectErrorSatisfies(e -> assertThat(((DeadlineExceededException) e).getDeadline()).isEqualTo(at(10)))
                    .verify(VERIFY);
        }

        @Test
        void refusesNullArgumentsWithWhatToDoInstead() {
            assertThatThrownBy(() -> Tasks.timeout(null, cm -> Mono.empty()))
                    .hasMessageContaining("timeoutAt(Timeout.NEVER, body)");
            assertThatThrownBy(() -> Tasks.timeoutAt(null, cm -> Mono.empty()))
                    .hasMessageContaining("Timeout.NEVER");
            assertThatThrownBy(() -> Tasks.timeout(Duration.ZERO, null)).hasMessage("body must not be null");
        }
    }

    @Nested
    class Reschedule {

        @Test
        void aLaterDeadlineWhileTheBodyRunsGivesItMoreTime() {
            AtomicReference<Timeout> scope = new AtomicReference<>();
            StepVerifier.withVirtualTime(() -> Tasks.timeout(Duration.ofSeconds(1), cm -> {
                        scope.set(cm);
                        return Tasks.sleep(Duration.ofMillis(500))
                                .doOnSuccess(v -> cm.reschedule(cm.when().plusSeconds(2)))   // at 0.5 s: until 3 s
                                .then(Tasks.sleep(Duration.ofSeconds(2), "done at 2.5 s"));
                    }))
                    .expectSubscription()
                    .expectNoEvent(Duration.ofMillis(2_500))
                    .expectNext("done at 2.5 s")
                    .verifyComplete();
            assertThat(scope.get().when()).isEqualTo(at(3));
            assertThat(scope.get().expired()).isFalse();
        }

        @Test
        void anEarlierDeadlineCutsTheBodyShort() {
            StepVerifier.withVirtualTime(() -> Tasks.timeout(Duration.ofSeconds(60), cm ->
                            Tasks.sleep(Duration.ofSeconds(1))
                                    .doOnSuccess(v -> cm.reschedule(at(3)))
                                    .then(Mono.<String>never())))
                    .expectSubscription()
                    .expectNoEvent(Duration.ofSeconds(3))
                    .expectErrorSatisfies(e -> {
                        assertThat(((DeadlineExceededException) e).getDeadline()).isEqualTo(at(3));
                        assertThat(((DeadlineExceededException) e).getTimeout()).isEqualTo(Duration.ofSeconds(3));
                    })
                    .verify(VERIFY);
        }

        @Test
        void toNeverDisablesTheDeadlineUntilItIsRescheduledAgain() {
            // an explicit scheduler: withVirtualTime's defers time moved while nothing is scheduled
            VirtualTimeScheduler vts = VirtualTimeScheduler.create();
            AtomicReference<Timeout> scope = new AtomicReference<>();
            StepVerifier.create(Tasks.timeout(Duration.ofSeconds(1), vts, cm -> {
                        scope.set(cm);
                        cm.reschedule(Timeout.NEVER);
                        return Mono.<String>never();
                    }))
                    .expectSubscription()
                    .then(() -> assertThat(scope.get().when()).isEqualTo(Timeout.NEVER))
                    .then(() -> assertThat(scope.get()).hasToString("Timeout[active, when=never]"))
                    .then(() -> vts.advanceTimeBy(Duration.ofDays(365)))
                    .then(() -> assertThat(scope.get().expired()).isFalse())
                    .then(() -> scope.get().reschedule(Instant.EPOCH.plus(Duration.ofDays(365)).plusSeconds(5)))
                    .then(() -> vts.advanceTimeBy(Duration.ofMillis(4_999)))
                    .then(() -> assertThat(scope.get().expired()).isFalse())
                    .then(() -> vts.advanceTimeBy(Duration.ofMillis(1)))
                    .expectError(DeadlineExceededException.class)
                    .verify(VERIFY);
        }

        @Test
        void aScopeStartedWithoutADeadlineGetsOneLater() {
            List<Instant> before = new ArrayList<>();
            StepVerifier.withVirtualTime(() -> Tasks.timeoutAt(Timeout.NEVER, cm -> Tasks.sleep(Duration.ofSeconds(1))
                            .doOnSuccess(v -> {
                                before.add(cm.when());
                                cm.reschedule(at(4));
                            })
                            .then(Mono.<String>never())))
                    .expectSubscription()
                    .expectNoEvent(Duration.ofSeconds(4))
                    .expectErrorSatisfies(e -> assertThat(((DeadlineExceededException) e).getDeadline()).isEqualTo(at(4)))
                    .verify(VERIFY);
            assertThat(before).containsExactly(Timeout.NEVER);
        }

        @Test
        void intoThePastExpiresOnceTheHandOffInProgressHasReturned() {
            List<String> log = new ArrayList<>();
            StepVerifier.withVirtualTime(() -> Tasks.timeout(Duration.ofSeconds(60), cm -> Tasks.sleep(Duration.ofSeconds(1))
                            .doOnSuccess(v -> {
                                cm.reschedule(Instant.EPOCH);   // inside the sleep's hand-off: like call_soon
                                log.add("expired within the hand-off: " + cm.expired());
                            })
                            .then(Mono.<String>never())))
                    .expectSubscription()
                    .expectNoEvent(Duration.ofSeconds(1))
                    .expectError(DeadlineExceededException.class)
                    .verify(VERIFY);
            assertThat(log).containsExactly("expired within the hand-off: false");
        }

        @Test
        void intoThePastFromOutsideAnyHandOffExpiresAtOnce() {
            AtomicReference<Timeout> scope = new AtomicReference<>();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Tasks.timeout(Duration.ofHours(1), cm -> {
                scope.set(cm);
                return Mono.never();
            }).subscribe(v -> { }, failed::set);
            scope.get().reschedule(Instant.EPOCH);
            assertThat(scope.get().expired()).isTrue();
            assertThat(failed.get()).isInstanceOf(DeadlineExceededException.class);
        }

        @Test
        void afterTheScopeExpiredOrFinishedIsAnError() {
            AtomicReference<Timeout> finished = new AtomicReference<>();
            StepVerifier.create(Tasks.timeout(Duration.ofHours(1), cm -> {
                finished.set(cm);
                return Mono.just(1);
            })).expectNext(1).verifyComplete();
            assertThatThrownBy(() -> finished.get().reschedule(Instant.EPOCH))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("finished");
            AtomicReference<Timeout> expired = new AtomicReference<>();
            StepVerifier.create(Tasks.timeout(Duration.ZERO, cm -> {
                expired.set(cm);
                return Mono.never();
            })).expectError(DeadlineExceededException.class).verify(VERIFY);
            assertThatThrownBy(() -> expired.get().reschedule(Timeout.NEVER))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("expired");
            assertThatThrownBy(() -> expired.get().reschedule(null))
                    .isInstanceOf(NullPointerException.class).hasMessageContaining("Timeout.NEVER");
        }

        @Test
        void timeoutAtUsesTheSchedulersClock() {
            VirtualTimeScheduler vts = VirtualTimeScheduler.create();
            vts.advanceTimeBy(Duration.ofSeconds(100));
            AtomicReference<Timeout> scope = new AtomicReference<>();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Tasks.timeoutAt(at(105), vts, cm -> {
                scope.set(cm);
                return Mono.never();
            }).subscribe(v -> { }, failed::set);
            vts.advanceTimeBy(Duration.ofMillis(4_999));
            assertThat(scope.get().expired()).isFalse();
            vts.advanceTimeBy(Duration.ofMillis(1));
            assertThat(scope.get().expired()).isTrue();
            assertThat(failed.get()).isInstanceOf(DeadlineExceededException.class);
            assertThat(((DeadlineExceededException) failed.get()).getTimeout()).isEqualTo(Duration.ofSeconds(5));
        }

        @Test
        void reschedulesRacingTheDeadlineOnManyThreadsEndTheScopeExactlyOnce() throws Exception {
            for (int iteration = 0; iteration < 2_000; iteration++) {
                AtomicReference<Timeout> scope = new AtomicReference<>();
                AtomicInteger terminal = new AtomicInteger();
                CountDownLatch ended = new CountDownLatch(1);
                AtomicReference<Throwable> error = new AtomicReference<>();
                AtomicInteger refused = new AtomicInteger();
                PublisherProbe<String> body = PublisherProbe.of(Mono.never());
                Tasks.timeout(Duration.ofNanos(ThreadLocalRandom.current().nextInt(200_000)), Schedulers.parallel(), cm -> {
                    scope.set(cm);
                    return body.mono();
                }).subscribe(v -> terminal.incrementAndGet(), e -> {
                    error.set(e);
                    terminal.incrementAndGet();
                    ended.countDown();
                }, () -> {
                    terminal.incrementAndGet();
                    ended.countDown();
                });
                Races.run(4, index -> {
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    for (int k = 0; k < 10; k++) {
                        Instant now = Instant.now();
                        Instant when;
                        switch (rnd.nextInt(3)) {
                            case 0: when = Timeout.NEVER; break;
                            case 1: when = now.minusSeconds(1); break;
                            default: when = now.plusNanos(rnd.nextInt(100_000));
                        }
                        try {
                            scope.get().reschedule(when);
                        } catch (IllegalStateException e) {
                            refused.incrementAndGet();
                        }
                    }
                });
                Timeout t = scope.get();
                if (!t.expired()) {
                    // the last reschedule won: NEVER or a deadline still to come; end it in the past
                    try {
                        t.reschedule(Instant.EPOCH);
                    } catch (IllegalStateException e) {
                        refused.incrementAndGet();
                    }
                }
                assertThat(ended.await(VERIFY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
                assertThat(terminal).as("iteration %d", iteration).hasValue(1);
                assertThat(error.get()).isInstanceOf(DeadlineExceededException.class);
                assertThat(t.expired()).isTrue();
                body.assertWasCancelled();
                assertThatThrownBy(() -> t.reschedule(Timeout.NEVER)).isInstanceOf(IllegalStateException.class);
            }
        }
    }

    @Test
    void aCancelledTaskRunningAScopeIsCancelledNotTimedOut() {
        AtomicReference<Timeout> scope = new AtomicReference<>();
        Task<String> t = Tasks.createTask(Tasks.timeout(Duration.ofHours(1), cm -> {
            scope.set(cm);
            return Mono.never();
        }));
        t.cancel();
        assertThatThrownBy(t::result).isInstanceOf(CancellationException.class);
        assertThat(scope.get().expired()).isFalse();
    }
}
