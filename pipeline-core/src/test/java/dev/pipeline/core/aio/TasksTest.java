package dev.pipeline.core.aio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.publisher.PublisherProbe;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TasksTest {

    @Nested
    class Gather {

        @Test
        void emitsValuesInArgumentOrderWhateverTheCompletionOrder() {
            StepVerifier.withVirtualTime(() -> Tasks.gather(
                            Tasks.sleep(Duration.ofSeconds(3), "slow"),
                            Tasks.sleep(Duration.ofSeconds(1), "fast"),
                            Tasks.sleep(Duration.ofSeconds(2), "middle")))
                    .expectSubscription()
                    .expectNoEvent(Duration.ofSeconds(3))
                    .expectNext(List.of("slow", "fast", "middle"))
                    .verifyComplete();
        }

        @Test
        void runsAllConcurrently() {
            StepVerifier.withVirtualTime(() -> Tasks.gather(
                            Tasks.sleep(Duration.ofSeconds(1), 1), Tasks.sleep(Duration.ofSeconds(1), 2)))
                    .thenAwait(Duration.ofSeconds(1))
                    .expectNext(List.of(1, 2))
                    .verifyComplete();
        }

        @Test
        void hundredThousandSleepsCompleteAtExactlyOneSecondOfVirtualTime() {
            VirtualTimeScheduler vts = VirtualTimeScheduler.create();
            List<Mono<Integer>> sleeps = new ArrayList<>();
            for (int i = 0; i < 100_000; i++) {
                sleeps.add(Tasks.sleep(Duration.ofSeconds(1), i, vts));
            }
            StepVerifier.withVirtualTime(() -> Tasks.gather(sleeps), () -> vts, Long.MAX_VALUE)
                    .expectSubscription()
                    .expectNoEvent(Duration.ofMillis(999))
                    .thenAwait(Duration.ofMillis(1))
                    .assertNext(list -> {
                        assertThat(list).hasSize(100_000);
                        assertThat(list.get(0)).isZero();
                        assertThat(list.get(99_999)).isEqualTo(99_999);
                    })
                    .verifyComplete();
            assertThat(vts.now(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(1000);
        }

        @Test
        void firstErrorCancelsTheOthersAndPropagates() {
            PublisherProbe<String> slow = PublisherProbe.of(Mono.never());
            StepVerifier.withVirtualTime(() -> Tasks.gather(
                            slow.mono(),
                            Tasks.sleep(Duration.ofSeconds(1)).then(Mono.<String>error(new IllegalStateException("boom")))))
                    .expectSubscription()
                    .thenAwait(Duration.ofSeconds(1))
                    .expectErrorMessage("boom")
                    .verify();
            slow.assertWasCancelled();
        }

        @Test
        void anEmptyMonoIsAnErrorNamingItsIndex() {
            StepVerifier.create(Tasks.gather(Mono.just(1), Mono.<Integer>empty(), Mono.just(3)))
                    .expectErrorSatisfies(e -> assertThat(e)
                            .isInstanceOf(NoSuchElementException.class)
                            .hasMessageContaining("index 1")
                            .hasMessageContaining("Mono<Optional<T>>"))
                    .verify();
        }

        @Test
        void optionalCarriesAnAbsentValue() {
            StepVerifier.create(Tasks.gather(Mono.just(Optional.of(1)), Mono.just(Optional.<Integer>empty())))
                    .expectNext(List.of(Optional.of(1), Optional.empty()))
                    .verifyComplete();
        }

        @Test
        void cancellingTheGatherCancelsEveryMono() {
            PublisherProbe<Integer> a = PublisherProbe.of(Mono.never());
            PublisherProbe<Integer> b = PublisherProbe.of(Mono.never());
            StepVerifier.create(Tasks.gather(a.mono(), b.mono()))
                    .expectSubscription()
                    .then(() -> {
                        a.assertWasSubscribed();
                        b.assertWasSubscribed();
                    })
                    .thenCancel()
                    .verify();
            a.assertWasCancelled();
            b.assertWasCancelled();
        }

        @Test
        void gatheredSleepsThatAreCancelledReleaseTheirTimers() {
            // a gathered sleep has no subscriber of its own: cancelling the gather must still
            // take each one out of its bucket, and the last one out disposes the timer
            VirtualTimeScheduler vts = VirtualTimeScheduler.create();
            CountingScheduler counting = new CountingScheduler(vts);
            List<Mono<Integer>> sleeps = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                sleeps.add(Tasks.sleep(Duration.ofSeconds(1 + i % 3), i, counting));
            }
            Disposable gather = Tasks.gather(sleeps).subscribe();
            assertThat(counting.scheduled).as("one timer per deadline").hasValue(3);
            gather.dispose();
            assertThat(counting.disposed).as("every timer released").hasValue(3);
            vts.advanceTimeBy(Duration.ofSeconds(5));
        }

        @Test
        void aFailureCancelsTheGatheredSleepsAndReleasesTheirTimers() {
            VirtualTimeScheduler vts = VirtualTimeScheduler.create();
            CountingScheduler counting = new CountingScheduler(vts);
            StepVerifier.withVirtualTime(() -> Tasks.gather(
                            Tasks.sleep(Duration.ofHours(1), "late", counting),
                            Tasks.sleep(Duration.ofSeconds(1), counting).then(Mono.<String>error(new IllegalStateException("boom")))),
                            () -> vts, Long.MAX_VALUE)
                    .expectSubscription()
                    .thenAwait(Duration.ofSeconds(1))
                    .expectErrorMessage("boom")
                    .verify(Duration.ofSeconds(10));
            assertThat(counting.scheduled).hasValue(2);
            assertThat(counting.disposed).as("the hour-long sleep's timer").hasValue(1);
        }

        @Test
        void aGatheredEmptySleepIsAnErrorNamingItsIndex() {
            StepVerifier.withVirtualTime(() -> Tasks.gather(Tasks.sleep(Duration.ofSeconds(1), "a"), Tasks.sleep(Duration.ofSeconds(1))))
                    .expectSubscription()
                    .thenAwait(Duration.ofSeconds(1))
                    .expectErrorSatisfies(e -> assertThat(e)
                            .isInstanceOf(NoSuchElementException.class)
                            .hasMessageContaining("index 1"))
                    .verify(Duration.ofSeconds(10));
        }

        @Test
        void aGatheredSleepWithNoDelayIsDoneAsItIsSubscribed() {
            StepVerifier.create(Tasks.gather(Tasks.sleep(Duration.ZERO, 1), Tasks.sleep(Duration.ZERO, 2)))
                    .expectNext(List.of(1, 2))
                    .verifyComplete();
        }

        @Test
        void gatheringNothingEmitsAnEmptyList() {
            StepVerifier.create(Tasks.gather(List.<Mono<Integer>>of())).expectNext(List.of()).verifyComplete();
        }

        @Test
        void isColdAndRunsOncePerSubscription() {
            AtomicInteger runs = new AtomicInteger();
            Mono<List<Integer>> g = Tasks.gather(Mono.fromCallable(runs::incrementAndGet));
            assertThat(runs).hasValue(0);
            StepVerifier.create(g).expectNext(List.of(1)).verifyComplete();
            StepVerifier.create(g).expectNext(List.of(2)).verifyComplete();
        }

        @Test
        void rejectsNullArguments() {
            assertThatThrownBy(() -> Tasks.gather(Mono.just(1), null))
                    .isInstanceOf(NullPointerException.class).hasMessage("monos[1] must not be null");
            assertThatThrownBy(() -> Tasks.gather((Iterable<Mono<Integer>>) null))
                    .isInstanceOf(NullPointerException.class).hasMessage("monos must not be null");
        }
    }

    @Nested
    class GatherTasks {

        @Test
        void cancellingAGatherOfJoinsCancelsTheTasks() {
            Task<String> a = Tasks.createTask(Mono.never());
            Task<String> b = Tasks.createTask(Mono.never());
            Disposable gathering = Tasks.gather(a.join(), b.join()).subscribe();
            gathering.dispose();
            assertThat(a.isCancelled() && b.isCancelled()).isTrue();
        }

        @Test
        void aFailureCancelsTheSiblingTasksButNotShieldedOnes() {
            Task<String> owned = Tasks.createTask(Mono.never());
            Task<String> kept = Tasks.createTask(Mono.never());
            StepVerifier.create(Tasks.gather(owned.join(), Tasks.shield(kept), Mono.error(new IllegalStateException("b failed"))))
                    .expectErrorMessage("b failed")
                    .verify();
            assertThat(owned.isCancelled()).isTrue();
            assertThat(kept.isDone()).isFalse();
        }

        @Test
        void cancellingAGatherSettledOfJoinsCancelsTheTasks() {
            Task<String> a = Tasks.createTask(Mono.never());
            Disposable gathering = Tasks.gatherSettled(a.join(), Mono.just("b")).subscribe();
            gathering.dispose();
            assertThat(a.isCancelled()).isTrue();
        }
    }

    @Nested
    class GatherSettled {

        @Test
        void waitsForAllAndNeverFails() {
            StepVerifier.withVirtualTime(() -> Tasks.gatherSettled(
                            Tasks.sleep(Duration.ofSeconds(2), "ok"),
                            Mono.<String>error(new IllegalStateException("bad")),
                            Mono.<String>empty()))
                    .thenAwait(Duration.ofSeconds(2))
                    .assertNext(outcomes -> {
                        assertThat(outcomes.get(0)).isEqualTo(Outcome.success("ok"));
                        assertThat(outcomes.get(1).isSuccess()).isFalse();
                        assertThat(outcomes.get(1).error()).hasMessage("bad");
                        assertThat(outcomes.get(2).error()).isInstanceOf(NoSuchElementException.class)
                                .hasMessageContaining("index 2");
                    })
                    .verifyComplete();
        }

        @Test
        void outcomeValueOfAFailureThrows() {
            Outcome<String> failed = Outcome.failure(new IllegalStateException("bad"));
            assertThatThrownBy(failed::value).isInstanceOf(IllegalStateException.class).hasCauseInstanceOf(IllegalStateException.class);
            assertThat(Outcome.success("v").error()).isNull();
            assertThat(Outcome.success("v").value()).isEqualTo("v");
        }
        @Test
        void gatheredSleepsAreSettledOneByOne() {
            StepVerifier.withVirtualTime(() -> Tasks.gatherSettled(Tasks.sleep(Duration.ofSeconds(1), "a"), Tasks.sleep(Duration.ofSeconds(2))))
                    .expectSubscription()
                    .thenAwait(Duration.ofSeconds(2))
                    .assertNext(outcomes -> {
                        assertThat(outcomes.get(0).isSuccess()).isTrue();
                        assertThat(outcomes.get(0).value()).isEqualTo("a");
                        assertThat(outcomes.get(1).isSuccess()).isFalse();
                        assertThat(outcomes.get(1).error()).isInstanceOf(NoSuchElementException.class)
                                .hasMessageContaining("gatherSettled").hasMessageContaining("index 1");
                    })
                    .verifyComplete();
        }
    }

    @Nested
    class CreateTask {

        @Test
        void startsAtOnceAndRunsOnceForAnyNumberOfAwaiters() {
            AtomicInteger runs = new AtomicInteger();
            Sinks.One<String> result = Sinks.one();
            Task<String> task = Tasks.createTask(Mono.fromRunnable(runs::incrementAndGet).then(result.asMono()));
            assertThat(runs).as("started before anyone awaits").hasValue(1);
            assertThat(task.isDone()).isFalse();
            assertThatThrownBy(task::result).isInstanceOf(IllegalStateException.class).hasMessageContaining("still running");
            List<String> seen = new ArrayList<>();
            task.join().subscribe(seen::add);
            task.join().subscribe(seen::add);
            result.tryEmitValue("done");
            assertThat(seen).containsExactly("done", "done");
            StepVerifier.create(task.join()).expectNext("done").verifyComplete();
            assertThat(runs).hasValue(1);
            assertThat(task.result()).isEqualTo("done");
        }

        @Test
        void cancellingAnAwaiterWhileTheTaskRunsCancelsTheTaskForEveryAwaiter() {
            PublisherProbe<String> work = PublisherProbe.of(Mono.never());
            Task<String> task = Tasks.createTask(work.mono());
            List<Throwable> otherAwaiter = new ArrayList<>();
            task.join().subscribe(v -> { }, otherAwaiter::add);
            Disposable awaiter = task.join().subscribe();
            awaiter.dispose();
            work.assertWasCancelled();
            assertThat(task.isCancelled()).isTrue();
            assertThat(otherAwaiter).singleElement().isInstanceOf(CancellationException.class);
        }

        @Test
        void cancellingAnAwaiterOfAFinishedTaskChangesNothing() {
            Task<String> task = Tasks.createTask(Mono.just("done"));
            StepVerifier.create(task.join()).thenCancel().verify();
            assertThat(task.isCancelled()).isFalse();
            assertThat(task.result()).isEqualTo("done");
        }

        @Test
        void anAwaiterCancelledAsItSubscribesCancelsTheTask() {
            Task<String> task = Tasks.createTask(Mono.never());
            StepVerifier.create(task.join(), 0).thenCancel().verify();
            assertThat(task.isCancelled()).isTrue();
        }

        @Test
        void aShieldedAwaiterLeavesTheTaskRunning() {
            Sinks.One<String> result = Sinks.one();
            PublisherProbe<String> work = PublisherProbe.of(result.asMono());
            Task<String> task = Tasks.createTask(work.mono());
            Disposable awaiter = Tasks.shield(task).subscribe();
            awaiter.dispose();
            work.assertWasNotCancelled();
            assertThat(task.isDone()).isFalse();
            result.tryEmitValue("later");
            assertThat(task.result()).isEqualTo("later");
            StepVerifier.create(Tasks.shield(task)).expectNext("later").verifyComplete();
        }

        @Test
        void cancelStopsTheWorkAndFailsAwaitersWithCancellation() {
            PublisherProbe<String> work = PublisherProbe.of(Mono.never());
            Task<String> task = Tasks.createTask(work.mono());
            StepVerifier.create(task.join())
                    .expectSubscription()
                    .then(() -> assertThat(task.cancel()).isTrue())
                    .expectError(CancellationException.class)
                    .verify();
            work.assertWasCancelled();
            assertThat(task.cancel()).as("already done").isFalse();
            assertThat(task.isCancelled()).isTrue();
            assertThat(task.isDone()).isTrue();
            assertThatThrownBy(task::result).isInstanceOf(CancellationException.class);
        }

        @Test
        void failureIsCachedAndRethrownByResult() {
            Task<String> failed = Tasks.createTask(Mono.error(new IllegalStateException("bad")));
            assertThat(failed.isDone()).isTrue();
            assertThat(failed.cancel()).isFalse();
            assertThatThrownBy(failed::result).isInstanceOf(IllegalStateException.class).hasMessage("bad");
            StepVerifier.create(failed.join()).expectErrorMessage("bad").verify();
            Task<String> checked = Tasks.createTask(Mono.error(new IOException("io")));
            assertThatThrownBy(checked::result).isInstanceOf(CompletionException.class).hasCauseInstanceOf(IOException.class);
        }

        @Test
        void emptyResultCompletesAwaitersEmpty() {
            Task<Void> task = Tasks.createTask(Mono.empty());
            assertThat(task.result()).isNull();
            StepVerifier.create(task.join()).verifyComplete();
        }
    }

    @Nested
    class Sleep {

        @Test
        void completesAfterTheDelayInVirtualTime() {
            StepVerifier.withVirtualTime(() -> Tasks.sleep(Duration.ofMillis(1500)))
                    .expectSubscription()
                    .expectNoEvent(Duration.ofMillis(1499))
                    .thenAwait(Duration.ofMillis(1))
                    .verifyComplete();
        }

        @Test
        void emitsItsResultAfterTheDelay() {
            StepVerifier.withVirtualTime(() -> Tasks.sleep(Duration.ofSeconds(1), "tick"))
                    .expectSubscription()
                    .expectNoEvent(Duration.ofSeconds(1))
                    .expectNext("tick")
                    .verifyComplete();
        }

        @Test
        void virtualTimeIsExactBelowTheSystemClockResolution() {
            StepVerifier.withVirtualTime(() -> Tasks.sleep(Duration.ofNanos(10), 1))
                    .expectSubscription()
                    .expectNoEvent(Duration.ofNanos(9))
                    .thenAwait(Duration.ofNanos(1))
                    .expectNext(1)
                    .verifyComplete();
        }

        @Test
        void secondsAndNanosecondsOfTheDelayBothCount() {
            StepVerifier.withVirtualTime(() -> Tasks.sleep(Duration.ofSeconds(2, 7), "x"))
                    .expectSubscription()
                    .expectNoEvent(Duration.ofSeconds(2, 6))
                    .thenAwait(Duration.ofNanos(1))
                    .expectNext("x")
                    .verifyComplete();
        }

        @Test
        void delaysBeyondALongOfNanosecondsAreAcceptedAndDoNotEndSoon() {
            for (Duration huge : List.of(Duration.ofSeconds(Long.MAX_VALUE / 1_000_000_000L - 1, 999_999_999),
                    Duration.ofSeconds(Long.MAX_VALUE / 1_000_000_000L, 854_775_807),
                    Duration.ofSeconds(Long.MAX_VALUE / 1_000_000_000L, 854_775_808),
                    Duration.ofSeconds(Long.MAX_VALUE, 999_999_999))) {
                StepVerifier.withVirtualTime(() -> Tasks.sleep(huge, "x"))
                        .expectSubscription()
                        .expectNoEvent(Duration.ofDays(365L * 200))
                        .thenCancel()
                        .verify(Duration.ofSeconds(5));
            }
        }

        @Test
        void aNullDelayIsRejectedByName() {
            assertThatThrownBy(() -> Tasks.sleep(null, "x"))
                    .isInstanceOf(NullPointerException.class).hasMessage("delay must not be null");
            assertThatThrownBy(() -> Tasks.sleep(null))
                    .isInstanceOf(NullPointerException.class).hasMessage("delay must not be null");
        }

        @Test
        void zeroCompletesAtOnceAndNegativeIsRejected() {
            StepVerifier.create(Tasks.sleep(Duration.ZERO)).verifyComplete();
            assertThatThrownBy(() -> Tasks.sleep(Duration.ofMillis(-1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("delay must be >= 0, was PT-0.001S");
        }

        @Test
        void neverEndsEarlyOnTheSystemClock() {
            long start = System.nanoTime();
            StepVerifier.create(Tasks.sleep(Duration.ofMillis(20), "x")).expectNext("x").verifyComplete();
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(20).toNanos());
        }

        @Test
        void aValueWaitsForDemand() {
            StepVerifier.withVirtualTime(() -> Tasks.sleep(Duration.ofSeconds(1), "v"), 0)
                    .expectSubscription()
                    .thenAwait(Duration.ofSeconds(5))
                    .expectNoEvent(Duration.ofSeconds(1))
                    .thenRequest(1)
                    .expectNext("v")
                    .verifyComplete();
        }

        @Test
        void sleepsWithTheSameDeadlineShareOneTimerAndCancelledOnesReleaseIt() {
            VirtualTimeScheduler vts = VirtualTimeScheduler.create();
            CountingScheduler counting = new CountingScheduler(vts);
            List<Disposable> sleepers = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                sleepers.add(Tasks.sleep(Duration.ofSeconds(1), counting).subscribe());
            }
            assertThat(counting.scheduled).as("one timer for 1000 sleeps ending together").hasValue(1);
            sleepers.forEach(Disposable::dispose);
            assertThat(counting.disposed).as("the timer is released with its last sleeper").hasValue(1);
        }
    }

    @Nested
    class WaitFor {

        @Test
        void returnsTheValueInTime() {
            StepVerifier.withVirtualTime(() -> Tasks.waitFor(Tasks.sleep(Duration.ofSeconds(1), "v"), Duration.ofSeconds(2)))
                    .thenAwait(Duration.ofSeconds(1))
                    .expectNext("v")
                    .verifyComplete();
        }

        @Test
        void timesOutExactlyAtTheTimeoutAndCancelsTheWork() {
            PublisherProbe<String> work = PublisherProbe.of(Mono.never());
            StepVerifier.withVirtualTime(() -> Tasks.waitFor(work.mono(), Duration.ofSeconds(2)))
                    .expectSubscription()
                    .expectNoEvent(Duration.ofMillis(1999))
                    .thenAwait(Duration.ofMillis(1))
                    .expectErrorSatisfies(e -> {
                        assertThat(e).isInstanceOf(TimeoutException.class).isInstanceOf(WaitTimeoutException.class)
                                .hasMessageContaining("PT2S");
                        assertThat(((WaitTimeoutException) e).getTimeout()).isEqualTo(Duration.ofSeconds(2));
                    })
                    .verify();
            work.assertWasCancelled();
        }

        @Test
        void timingOutOnATasksJoinCancelsTheTask() {
            StepVerifier.withVirtualTime(() -> {
                        Task<String> task = Tasks.createTask(Tasks.sleep(Duration.ofSeconds(5), "late"));
                        return Tasks.waitFor(task.join(), Duration.ofSeconds(1)).onErrorResume(WaitTimeoutException.class,
                                e -> Mono.fromCallable(() -> task.isCancelled() ? "cancelled" : "still running"));
                    })
                    .thenAwait(Duration.ofSeconds(1))
                    .expectNext("cancelled")
                    .verifyComplete();
        }

        @Test
        void timingOutOnAShieldedTaskLeavesItRunning() {
            StepVerifier.withVirtualTime(() -> {
                        Task<String> task = Tasks.createTask(Tasks.sleep(Duration.ofSeconds(5), "late"));
                        return Tasks.waitFor(Tasks.shield(task), Duration.ofSeconds(1))
                                .onErrorResume(WaitTimeoutException.class, e -> task.join());
                    })
                    .thenAwait(Duration.ofSeconds(1))
                    .expectNoEvent(Duration.ofSeconds(3))
                    .thenAwait(Duration.ofSeconds(1))
                    .expectNext("late")
                    .verifyComplete();
        }

        @Test
        void aZeroTimeoutTakesAValueThatIsAlreadyThere() {
            AsyncFuture<String> done = AsyncFuture.create();
            done.setResult("there");
            StepVerifier.create(Tasks.waitFor(done.mono(), Duration.ZERO)).expectNext("there").verifyComplete();
            StepVerifier.create(Tasks.waitFor(Tasks.createTask(Mono.just("task")).join(), Duration.ZERO))
                    .expectNext("task").verifyComplete();
            StepVerifier.create(Tasks.waitFor(Mono.<String>error(new IllegalStateException("failed already")), Duration.ZERO))
                    .expectErrorMessage("failed already").verify();
        }

        @Test
        void aZeroTimeoutCancelsWorkThatIsNotDoneWhenSubscribedAndArmsNoTimer() {
            CountingScheduler counting = new CountingScheduler(Schedulers.parallel());
            PublisherProbe<String> work = PublisherProbe.of(Mono.never());
            StepVerifier.create(Tasks.waitFor(work.mono(), Duration.ZERO, counting))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(WaitTimeoutException.class)
                            .hasMessage("waitFor: no result was there already (timeout PT0S); the work was cancelled"))
                    .verify(Duration.ofSeconds(5));
            work.assertWasCancelled();
            assertThat(counting.scheduled).hasValue(0);
        }

        @Test
        void aNegativeTimeoutIsLikeZero() {
            AsyncFuture<String> done = AsyncFuture.create();
            done.setResult("there");
            StepVerifier.create(Tasks.waitFor(done.mono(), Duration.ofSeconds(-1))).expectNext("there").verifyComplete();
            Task<String> running = Tasks.createTask(Mono.never());
            StepVerifier.create(Tasks.waitFor(running.join(), Duration.ofSeconds(-1)))
                    .expectErrorSatisfies(e -> assertThat(((WaitTimeoutException) e).getTimeout()).isEqualTo(Duration.ofSeconds(-1)))
                    .verify(Duration.ofSeconds(5));
            assertThat(running.isCancelled()).isTrue();
        }

        @Test
        void aNullTimeoutSaysToAwaitTheMonoItself() {
            assertThatThrownBy(() -> Tasks.waitFor(Mono.just(1), null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessage("timeout must not be null; to wait without a timeout (asyncio's wait_for(aw, None)), "
                            + "await the Mono itself instead of calling waitFor");
        }
    }

    @Nested
    class AsCompleted {

        @Test
        void emitsInCompletionOrder() {
            StepVerifier.withVirtualTime(() -> Tasks.asCompleted(List.of(
                            Tasks.sleep(Duration.ofSeconds(3), "c"),
                            Tasks.sleep(Duration.ofSeconds(1), "a"),
                            Tasks.sleep(Duration.ofSeconds(2), "b"))))
                    .thenAwait(Duration.ofSeconds(1))
                    .expectNext("a")
                    .thenAwait(Duration.ofSeconds(1))
                    .expectNext("b")
                    .thenAwait(Duration.ofSeconds(1))
                    .expectNext("c")
                    .verifyComplete();
        }

        @Test
        void holdsArrivedValuesUntilRequested() {
            StepVerifier.create(Tasks.asCompleted(List.of(Mono.just(1), Mono.just(2), Mono.just(3))), 1)
                    .expectNext(1)
                    .expectNoEvent(Duration.ofMillis(20))
                    .thenRequest(2)
                    .expectNext(2, 3)
                    .verifyComplete();
        }

        @Test
        void anErrorCancelsTheRest() {
            PublisherProbe<Integer> never = PublisherProbe.of(Mono.never());
            StepVerifier.create(Tasks.asCompleted(List.of(never.mono(), Mono.<Integer>error(new IllegalStateException("x")))))
                    .expectErrorMessage("x")
                    .verify();
            never.assertWasCancelled();
        }

        @Test
        void stoppingEarlyCancelsTheTasksNotDoneAndShieldKeepsOneRunning() {
            Sinks.One<Integer> one = Sinks.one();
            Task<Integer> first = Tasks.createTask(one.asMono());
            Task<Integer> owned = Tasks.createTask(Mono.never());
            Task<Integer> kept = Tasks.createTask(Mono.never());
            StepVerifier.create(Tasks.asCompleted(List.of(first.join(), owned.join(), Tasks.shield(kept))).take(1))
                    .expectSubscription()
                    .then(() -> one.tryEmitValue(1))
                    .expectNext(1)
                    .verifyComplete();
            assertThat(owned.isCancelled()).isTrue();
            assertThat(kept.isDone()).isFalse();
        }
    }

    @Nested
    class Shield {

        @Test
        void shieldOfATaskImplementedElsewhereAwaitsItWithoutOwningIt() {
            Task<String> inner = Tasks.createTask(Mono.never());
            Task<String> foreign = new Task<>() {
                @Override
                public Mono<String> join() {
                    return inner.join();
                }

                @Override
                public boolean cancel() {
                    return inner.cancel();
                }

                @Override
                public boolean isDone() {
                    return inner.isDone();
                }

                @Override
                public boolean isCancelled() {
                    return inner.isCancelled();
                }

                @Override
                public String result() {
                    return inner.result();
                }

                @Override
                public java.util.Optional<Throwable> exception() {
                    return inner.exception();
                }

                @Override
                public String name() {
                    return "foreign";
                }

                @Override
                public void addDoneCallback(java.util.function.Consumer<? super Task<String>> callback) {
                    inner.addDoneCallback(t -> callback.accept(this));
                }

                @Override
                public int removeDoneCallback(java.util.function.Consumer<? super Task<String>> callback) {
                    throw new UnsupportedOperationException("not needed by this test");
                }
            };
            Disposable awaiter = Tasks.shield(foreign).subscribe();
            awaiter.dispose();
            assertThat(inner.isDone()).isFalse();
        }

        @Test
        void cancellingTheShieldedMonoLeavesTheWorkRunningForOtherAwaiters() {
            Sinks.One<String> result = Sinks.one();
            PublisherProbe<String> work = PublisherProbe.of(result.asMono());
            Mono<String> shielded = Tasks.shield(work.mono());
            Disposable first = shielded.subscribe();
            first.dispose();
            work.assertWasNotCancelled();
            StepVerifier.create(shielded)
                    .expectSubscription()
                    .then(() -> result.tryEmitValue("survived"))
                    .expectNext("survived")
                    .verifyComplete();
            assertThat(work.subscribeCount()).as("one run shared by every subscriber").isEqualTo(1);
        }
    }

    @Nested
    class ToThread {

        @Test
        void runsTheBlockingCallOnBoundedElastic(@TempDir Path dir) throws IOException {
            Path file = Files.writeString(dir.resolve("f.txt"), "content");
            StepVerifier.create(Tasks.toThread(() -> Thread.currentThread().getName() + ":" + Files.readString(file)))
                    .assertNext(s -> assertThat(s).startsWith("boundedElastic-").endsWith(":content"))
                    .verifyComplete();
        }

        @Test
        void aNullResultCompletesEmptyAndAThrowFails() {
            StepVerifier.create(Tasks.toThread(() -> null)).verifyComplete();
            StepVerifier.create(Tasks.toThread(() -> {
                throw new IOException("disk");
            })).expectErrorMessage("disk").verify();
        }
    }

    @Nested
    class Run {

        @Test
        void returnsTheValueOrNullForEmpty() {
            assertThat(Tasks.run(Mono.just(42))).isEqualTo(42);
            assertThat(Tasks.<Object>run(Mono.empty())).isNull();
        }

        @Test
        void rethrowsRuntimeFailuresAndWrapsCheckedOnes() {
            assertThatThrownBy(() -> Tasks.run(Mono.error(new IllegalStateException("bad"))))
                    .isInstanceOf(IllegalStateException.class).hasMessage("bad");
            assertThatThrownBy(() -> Tasks.run(Mono.error(new IOException("io"))))
                    .isInstanceOf(CompletionException.class).hasCauseInstanceOf(IOException.class);
        }

        @Test
        void refusesToBlockANonBlockingThread() {
            Mono<Integer> nested = Mono.fromCallable(() -> Tasks.run(Mono.just(1))).subscribeOn(Schedulers.parallel());
            StepVerifier.create(nested)
                    .expectErrorSatisfies(e -> assertThat(e)
                            .isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining("non-blocking Reactor thread")
                            .hasMessageContaining("parallel-")
                            .hasMessageContaining("flatMap/then"))
                    .verify();
        }

        @Test
        void refusesToBlockInsideAHandOff() {
            AsyncEvent event = AsyncEvent.create();
            List<Throwable> errors = new ArrayList<>();
            event.awaitSet().subscribe(null, null, () -> {
                try {
                    Tasks.run(Mono.just(1));
                } catch (IllegalStateException e) {
                    errors.add(e);
                }
            });
            event.set();
            assertThat(errors).singleElement().satisfies(e -> assertThat(e).hasMessageContaining("hand-off"));
        }
    }

    @Test
    void aSynchronousChainOfHandOffsDoesNotGrowTheStack() {
        AsyncLock lock = AsyncLock.create();
        assertThat(lock.tryAcquire()).isTrue();
        AtomicInteger done = new AtomicInteger();
        int waiters = 200_000;
        for (int i = 0; i < waiters; i++) {
            lock.withLock(() -> Mono.just(1)).subscribe(v -> done.incrementAndGet());
        }
        lock.release(); // each waiter runs, releases, and hands the lock to the next
        assertThat(done).hasValue(waiters);
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void fluxOfGatheredPagesKeepsOrder() {
        Flux<List<Integer>> pages = Flux.range(0, 3).concatMap(p -> Tasks.gather(Mono.just(p * 10), Mono.just(p * 10 + 1)));
        StepVerifier.create(pages).expectNext(List.of(0, 1), List.of(10, 11), List.of(20, 21)).verifyComplete();
    }
}
