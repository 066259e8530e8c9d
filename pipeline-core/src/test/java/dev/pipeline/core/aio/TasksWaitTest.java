package dev.pipeline.core.aio;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

import dev.pipeline.core.testing.Races;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Tasks#wait}: asyncio.wait, in virtual time. */
class TasksWaitTest {

    private static final Duration VERIFY = Duration.ofSeconds(5);

    static Task<String> after(Duration d, String value, Scheduler s) {
        return Tasks.createTask(Tasks.sleep(d, value, s));
    }

    static Task<String> failAfter(Duration d, String message, Scheduler s) {
        return Tasks.createTask(Tasks.sleep(d, s).then(Mono.error(new IllegalStateException(message))));
    }

    @Test
    void allCompletedWaitsForEveryTaskAndReportsNonePending() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        AtomicReference<List<Task<String>>> tasks = new AtomicReference<>();
        StepVerifier.withVirtualTime(() -> {
                    tasks.set(List.of(after(Duration.ofSeconds(2), "slow", vts), after(Duration.ofSeconds(1), "fast", vts)));
                    return Tasks.wait(tasks.get());
                }, () -> vts, Long.MAX_VALUE)
                .expectSubscription()
                .expectNoEvent(Duration.ofSeconds(2))
                .assertNext(r -> {
                    assertThat(r.done()).containsExactlyElementsOf(tasks.get());   // argument order
                    assertThat(r.pending()).isEmpty();
                })
                .verifyComplete();
    }

    @Test
    void firstCompletedReturnsAtTheFirstAndLeavesTheOthersRunning() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        Task<String> slow = after(Duration.ofSeconds(10), "slow", vts);
        Task<String> fast = after(Duration.ofSeconds(1), "fast", vts);
        StepVerifier.create(Tasks.wait(List.of(slow, fast), ReturnWhen.FIRST_COMPLETED))
                .expectSubscription()
                .then(() -> vts.advanceTimeBy(Duration.ofMillis(999)))
                .expectNoEvent(Duration.ZERO)
                .then(() -> vts.advanceTimeBy(Duration.ofMillis(1)))
                .assertNext(r -> {
                    assertThat(r.done()).containsExactly(fast);
                    assertThat(r.pending()).containsExactly(slow);
                })
                .verifyComplete();
        assertThat(slow.isCancelled()).isFalse();
        vts.advanceTimeBy(Duration.ofSeconds(9));
        assertThat(slow.result()).isEqualTo("slow");
    }

    @Test
    void firstCompletedCountsACancelledTask() {
        Task<String> a = Tasks.createTask(Mono.never());
        Task<String> b = Tasks.createTask(Mono.never());
        StepVerifier.create(Tasks.wait(List.of(a, b), ReturnWhen.FIRST_COMPLETED))
                .expectSubscription()
                .then(b::cancel)
                .assertNext(r -> assertThat(r.done()).containsExactly(b))
                .verifyComplete();
        a.cancel();
    }

    @Test
    void firstExceptionReturnsAtTheFirstFailureButNotAtACancellationOrASuccess() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        Task<String> ok = after(Duration.ofSeconds(1), "ok", vts);
        Task<String> cancelled = Tasks.createTask(Mono.never());
        Task<String> fails = failAfter(Duration.ofSeconds(3), "broken", vts);
        Task<String> slow = after(Duration.ofSeconds(10), "slow", vts);
        StepVerifier.withVirtualTime(() -> Tasks.wait(List.of(ok, cancelled, fails, slow), ReturnWhen.FIRST_EXCEPTION),
                        () -> vts, 1)
                .expectSubscription()
                .then(cancelled::cancel)
                .expectNoEvent(Duration.ofSeconds(3))
                .assertNext(r -> {
                    assertThat(r.done()).containsExactly(ok, cancelled, fails);
                    assertThat(r.pending()).containsExactly(slow);
                    assertThat(fails.exception()).get().extracting(Throwable::getMessage).isEqualTo("broken");
                })
                .verifyComplete();
        slow.cancel();
    }

    @Test
    void firstExceptionIsAllCompletedWhenNothingFails() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        Task<String> a = after(Duration.ofSeconds(1), "a", vts);
        Task<String> b = after(Duration.ofSeconds(2), "b", vts);
        StepVerifier.withVirtualTime(() -> Tasks.wait(List.of(a, b), ReturnWhen.FIRST_EXCEPTION), () -> vts, 1)
                .expectSubscription()
                .expectNoEvent(Duration.ofSeconds(2))
                .assertNext(r -> assertThat(r.done()).containsExactly(a, b))
                .verifyComplete();
    }

    @Test
    void aTaskFailingWithCancellationIsNotAFailureForFirstException() {
        Task<String> a = Tasks.createTask(Mono.error(new CancellationException("from the work")));
        Task<String> b = Tasks.createTask(Mono.never());
        StepVerifier.create(Tasks.wait(List.of(a, b), ReturnWhen.FIRST_EXCEPTION, Duration.ZERO))
                .assertNext(r -> assertThat(r.pending()).containsExactly(b))
                .verifyComplete();
        b.cancel();
    }

    @Test
    void theTimeoutReturnsWhatIsDoneAndCancelsNothing() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        Task<String> a = after(Duration.ofSeconds(1), "a", vts);
        Task<String> b = after(Duration.ofSeconds(5), "b", vts);
        StepVerifier.create(Tasks.wait(List.of(a, b), ReturnWhen.ALL_COMPLETED, Duration.ofSeconds(2), vts))
                .expectSubscription()
                .then(() -> vts.advanceTimeBy(Duration.ofMillis(1_999)))
                .expectNoEvent(Duration.ZERO)
                .then(() -> vts.advanceTimeBy(Duration.ofMillis(1)))
                .assertNext(r -> {
                    assertThat(r.done()).containsExactly(a);
                    assertThat(r.pending()).containsExactly(b);
                })
                .verifyComplete();
        assertThat(b.isCancelled()).as("wait does not own its tasks").isFalse();
        vts.advanceTimeBy(Duration.ofSeconds(3));
        assertThat(b.result()).isEqualTo("b");
    }

    @Test
    void aZeroOrNegativeTimeoutReturnsWhatIsDoneAtOnce() {
        Task<Integer> done = Tasks.createTask(Mono.just(1));
        Task<Integer> running = Tasks.createTask(Mono.never());
        for (Duration timeout : List.of(Duration.ZERO, Duration.ofSeconds(-1))) {
            StepVerifier.create(Tasks.wait(List.of(done, running), ReturnWhen.ALL_COMPLETED, timeout))
                    .assertNext(r -> {
                        assertThat(r.done()).containsExactly(done);
                        assertThat(r.pending()).containsExactly(running);
                    })
                    .verifyComplete();
        }
        running.cancel();
    }

    @Test
    void tasksAlreadyDoneMakeItReturnAtOnceAndArmNoTimer() {
        CountingScheduler counting = new CountingScheduler(Schedulers.parallel());
        Task<Integer> a = Tasks.createTask(Mono.just(1));
        Task<Integer> b = Tasks.createTask(Mono.just(2));
        StepVerifier.create(Tasks.wait(List.of(a, b), ReturnWhen.ALL_COMPLETED, Duration.ofHours(1), counting))
                .assertNext(r -> assertThat(r.done()).containsExactly(a, b))
                .verifyComplete();
        assertThat(counting.scheduled).hasValue(0);
    }

    @Test
    void cancellingTheWaitLeavesTheTasksRunningAndReleasesTheTimerAndTheCallbacks() {
        CountingScheduler counting = new CountingScheduler(Schedulers.parallel());
        AsyncFuture<String> reply = AsyncFuture.create();
        Task<String> t = Tasks.createTask(reply.mono());
        Disposable waiting = Tasks.wait(List.of(t), ReturnWhen.ALL_COMPLETED, Duration.ofHours(1), counting).subscribe();
        assertThat(counting.scheduled).hasValue(1);
        assertThat(t.toString()).as("the wait's done callback").contains("awaiters=1");
        waiting.dispose();
        assertThat(t.isCancelled()).isFalse();
        assertThat(counting.disposed).hasValue(1);
        assertThat(t.toString()).as("the callback is removed").contains("awaiters=0");
        reply.setResult("still ran");
        assertThat(t.result()).isEqualTo("still ran");
    }

    @Test
    void returningRemovesItsCallbacksFromThePendingTasks() {
        AsyncFuture<String> never = AsyncFuture.create();
        Task<String> pending = Tasks.createTask(never.mono());
        Task<String> done = Tasks.createTask(Mono.just("x"));
        StepVerifier.create(Tasks.wait(List.of(pending, done), ReturnWhen.FIRST_COMPLETED))
                .expectNextCount(1)
                .verifyComplete();
        assertThat(pending.toString()).as("the wait's callback is gone from the pending task").contains("awaiters=0");
        pending.cancel();
    }

    @Test
    void aTaskPassedTwiceCountsOnce() {
        Task<Integer> t = Tasks.createTask(Mono.just(1));
        StepVerifier.create(Tasks.wait(List.of(t, t)))
                .assertNext(r -> assertThat(r.done()).containsExactly(t))
                .verifyComplete();
    }

    @Test
    void isColdAndEachSubscriptionWaitsAgain() {
        AsyncFuture<Integer> go = AsyncFuture.create();
        Task<Integer> t = Tasks.createTask(go.mono());
        Mono<WaitResult<Task<Integer>>> wait = Tasks.wait(List.of(t), ReturnWhen.ALL_COMPLETED, Duration.ZERO);
        StepVerifier.create(wait).assertNext(r -> assertThat(r.pending()).containsExactly(t)).verifyComplete();
        go.setResult(1);
        StepVerifier.create(wait).assertNext(r -> assertThat(r.done()).containsExactly(t)).verifyComplete();
    }

    @Test
    void tasksOfDifferentTypesCanBeWaitedForTogether() {
        List<Task<?>> mixed = List.of(Tasks.createTask(Mono.just(1)), Tasks.createTask(Mono.just("two")));
        Set<Task<?>> done = Tasks.run(Tasks.wait(mixed)).done();
        assertThat(done).hasSize(2);
    }

    @Test
    void refusesNothingToWaitForAndNullArguments() {
        assertThatThrownBy(() -> Tasks.wait(List.<Task<?>>of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tasks must not be empty");
        Task<Integer> t = Tasks.createTask(Mono.just(1));
        List<Task<Integer>> withNull = new ArrayList<>();
        withNull.add(t);
        withNull.add(null);
        assertThatThrownBy(() -> Tasks.wait(withNull)).hasMessage("tasks[1] must not be null");
        assertThatThrownBy(() -> Tasks.wait(List.of(t), null)).hasMessage("returnWhen must not be null");
        assertThatThrownBy(() -> Tasks.wait(List.of(t), ReturnWhen.ALL_COMPLETED, null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("call wait(tasks, returnWhen)");
    }

    @Test
    void completionsOnManyThreadsReturnOnceWithConsistentSets() throws Exception {
        int tasks = 16;
        for (int iteration = 0; iteration < 2_000; iteration++) {
            List<AsyncFuture<Integer>> replies = new ArrayList<>();
            List<Task<Integer>> running = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                AsyncFuture<Integer> f = AsyncFuture.create();
                replies.add(f);
                running.add(Tasks.createTask(f.mono()));
            }
            ReturnWhen when = ReturnWhen.values()[iteration % 3];
            List<WaitResult<Task<Integer>>> results = new java.util.concurrent.CopyOnWriteArrayList<>();
            Disposable d = Tasks.wait(running, when).subscribe(results::add);
            Races.run(4, index -> {
                for (int i = index; i < tasks; i += 4) {
                    if (ThreadLocalRandom.current().nextInt(4) == 0) {
                        replies.get(i).setException(new IllegalStateException("t" + i));
                    } else {
                        replies.get(i).setResult(i);
                    }
                }
            });
            assertThat(results).as("iteration %d (%s)", iteration, when).hasSize(1);
            WaitResult<Task<Integer>> r = results.get(0);
            assertThat(r.done().size() + r.pending().size()).isEqualTo(tasks);
            assertThat(r.done()).allSatisfy(t -> assertThat(t.isDone()).isTrue());
            if (when == ReturnWhen.ALL_COMPLETED) {
                assertThat(r.pending()).isEmpty();
            } else {
                assertThat(r.done()).isNotEmpty();
            }
            assertThat(d.isDisposed()).isTrue();
        }
    }

    @Test
    void returnsInTimeWithoutVirtualTimeToo() {
        Task<String> a = Tasks.createTask(Tasks.sleep(Duration.ofMillis(20), "a"));
        Task<String> b = Tasks.createTask(Mono.never());
        StepVerifier.create(Tasks.wait(List.of(a, b), ReturnWhen.FIRST_COMPLETED))
                .assertNext(r -> assertThat(r.done()).containsExactly(a))
                .expectComplete()
                .verify(VERIFY);
        b.cancel();
    }
}
