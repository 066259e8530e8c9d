package dev.pipeline.core.aio;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * CPython's {@code Lib/test/test_asyncio/test_waitfor.py}, ported case by case to
 * {@link Tasks#waitFor}. {@code asyncio.wait_for(aw, None)} (no timeout) is {@code await aw}: here,
 * the Mono itself.
 */
class CPythonWaitForPortTest extends CPythonPort {

    /** A very small timeout that still passes "timeout > 0". */
    static final double EPSILON = 0.0001;

    /** {@code foo()}: running while it sleeps 10 s; returns "done". */
    static final class Foo {
        final AtomicBoolean running = new AtomicBoolean();

        Mono<String> run() {
            return Mono.fromRunnable(() -> running.set(true))
                    .then(sleep(10))
                    .doFinally(s -> running.set(false))
                    .thenReturn("done");
        }
    }

    @Test // CPython: test_waitfor.py test_asyncio_wait_for_cancelled
    @Tag(DIFFERS) // cancellation cannot be refused: the work stops at once
    void cancellingWaitForStopsTheWorkAtOnce() {
        AtomicBoolean exited = new AtomicBoolean();
        AtomicBoolean cancelled = new AtomicBoolean();
        Task<Void> waitForTask = createTask(Tasks.waitFor(
                sleep(0.2).doOnCancel(() -> cancelled.set(true)).then(Mono.fromRunnable(() -> exited.set(true))),
                seconds(0.4)));
        waitForTask.cancel();
        advance(0.4);
        // CPython: SlowTask ignores the cancellation and runs to its end (exited is True)
        assertThat(cancelled).isTrue();
        assertThat(exited).isFalse();
    }

    @Test // CPython: test_waitfor.py test_asyncio_wait_for_timeout
    @Tag(DIFFERS) // cancellation cannot be refused: the work stops at the timeout
    void aTimeoutStopsTheWorkAtOnce() {
        AtomicBoolean exited = new AtomicBoolean();
        Task<Void> waitForTask = createTask(Tasks.waitFor(
                sleep(0.2).then(Mono.fromRunnable(() -> exited.set(true))), seconds(0.1)));
        advance(0.1);
        assertThat(failureOf(waitForTask)).isInstanceOf(WaitTimeoutException.class);
        advance(0.1);
        // CPython: SlowTask ignores the cancellation and runs to its end (exited is True)
        assertThat(exited).isFalse();
    }

    @Test // CPython: test_waitfor.py test_wait_for_timeout_less_then_0_or_0_future_done
    void aZeroTimeoutReturnsAResultAlreadyThere() {
        AsyncFuture<String> fut = AsyncFuture.create();
        fut.setResult("done");
        double t0 = now();
        Task<String> ret = createTask(Tasks.waitFor(fut.mono(), Duration.ZERO));
        assertThat(ret.result()).isEqualTo("done");
        assertThat(fut.isDone()).isTrue();
        assertThat(now() - t0).isZero();
    }

    @Test // CPython: test_waitfor.py test_wait_for_timeout_less_then_0_or_0_coroutine_do_not_started
    @Tag(DIFFERS) // a Mono that completes as it is subscribed is a result already there
    void aZeroTimeoutTakesTheResultOfWorkThatEndsAsItStarts() {
        AtomicBoolean fooStarted = new AtomicBoolean();
        Task<Void> t = createTask(Tasks.waitFor(Mono.fromRunnable(() -> fooStarted.set(true)), Duration.ZERO));
        // CPython: TimeoutError, and foo() never started (a coroutine runs only once the loop gets to it)
        assertThat(t.isDone()).isTrue();
        assertThat(t.result()).isNull();
        assertThat(fooStarted).isTrue();
    }

    @ParameterizedTest(name = "timeout={0}") // CPython: test_waitfor.py test_wait_for_timeout_less_then_0_or_0
    @ValueSource(longs = {0, -1})
    void aZeroOrNegativeTimeoutCancelsATaskStillRunning(long timeoutSeconds) {
        Foo foo = new Foo();
        Task<String> fut = createTask(foo.run());
        assertThat(foo.running).isTrue();
        Task<String> wait = createTask(Tasks.waitFor(fut.join(), Duration.ofSeconds(timeoutSeconds)));
        assertThat(failureOf(wait)).isInstanceOf(WaitTimeoutException.class);
        assertThat(fut.isDone()).isTrue();
        assertThat(fut.isCancelled()).as("cancelled by the timeout").isTrue();
        assertThat(foo.running).isFalse();
        assertThat(now()).isZero();
    }

    @Test // CPython: test_waitfor.py test_wait_for
    void aTimeoutCancelsTheTaskWaitedFor() {
        Foo foo = new Foo();
        Task<String> fut = createTask(foo.run());
        Task<String> wait = createTask(Tasks.waitFor(fut.join(), seconds(0.1)));
        advance(0.1);
        assertThat(failureOf(wait)).isInstanceOf(WaitTimeoutException.class);
        assertThat(fut.isDone()).isTrue();
        assertThat(fut.isCancelled()).as("cancelled by the timeout").isTrue();
        assertThat(now()).isEqualTo(0.1);
        assertThat(foo.running).isFalse();
    }

    @Test // CPython: test_waitfor.py test_wait_for_blocking
    @Tag(DIFFERS) // no timeout=None: await the Mono itself
    void thereIsNoNullTimeoutTheMonoItselfWaitsWithoutOne() {
        Mono<String> coro = Mono.just("done");
        assertThatThrownBy(() -> Tasks.waitFor(coro, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("await the Mono itself");
        assertThat(createTask(coro).result()).isEqualTo("done");
    }

    @Test // CPython: test_waitfor.py test_wait_for_race_condition
    void aResultSetBeforeTheTimeoutIsReturned() {
        AsyncFuture<String> fut = AsyncFuture.create();
        Task<String> task = createTask(Tasks.waitFor(fut.mono(), seconds(0.2)));
        createTask(sleep(0.1).then(Mono.fromRunnable(() -> fut.setResult("ok"))));
        advance(0.1);
        assertThat(task.result()).isEqualTo("ok");
    }

    @Test // CPython: test_waitfor.py test_wait_for_cancellation_race_condition
    @Tag(DIFFERS) // cancellation cannot be refused: the work cannot return a value instead
    void workCannotAnswerTheTimeoutsCancellationWithAValue() {
        AtomicBoolean innerCancelled = new AtomicBoolean();
        Task<Integer> result = createTask(Tasks.waitFor(
                sleep(1).doOnCancel(() -> innerCancelled.set(true)).thenReturn(1), seconds(0.01)));
        advance(0.01);
        // CPython: inner() catches CancelledError and returns 1, which wait_for returns
        assertThat(innerCancelled).isTrue();
        assertThat(failureOf(result)).isInstanceOf(WaitTimeoutException.class);
    }

    /** inner(): its clean-up on cancel takes EPSILON before task_done is set. */
    static Mono<Void> slowToCancel(AtomicBoolean taskDone) {
        return Mono.usingWhen(Mono.just("resource"), x -> sleep(10), x -> Mono.empty(), (x, e) -> Mono.empty(),
                x -> sleep(EPSILON).then(Mono.fromRunnable(() -> taskDone.set(true))));
    }

    @Test // CPython: test_waitfor.py test_wait_for_waits_for_task_cancellation
    @Tag(DIFFERS) // the timeout does not wait for the task's asynchronous clean-up
    void aTimeoutDoesNotWaitForTheCancelledTasksCleanUp() {
        AtomicBoolean taskDone = new AtomicBoolean();
        Task<Void> innerTask = createTask(slowToCancel(taskDone));
        Task<Void> wait = createTask(Tasks.waitFor(innerTask.join(), seconds(EPSILON)));
        advance(EPSILON);
        assertThat(failureOf(wait)).isInstanceOf(WaitTimeoutException.class).hasNoCause();
        assertThat(innerTask.isCancelled()).isTrue();
        // CPython: task_done is True when TimeoutError (chained to the CancelledError) is raised
        assertThat(taskDone).isFalse();
        advance(EPSILON);
        assertThat(taskDone).isTrue();
    }

    @Test // CPython: test_waitfor.py test_wait_for_waits_for_task_cancellation_w_timeout_0
    @Tag(DIFFERS) // the timeout does not wait for the task's asynchronous clean-up
    void aZeroTimeoutDoesNotWaitForTheCancelledTasksCleanUp() {
        AtomicBoolean taskDone = new AtomicBoolean();
        Task<Void> foo = createTask(Mono.defer(() -> {
            Task<Void> innerTask = createTask(slowToCancel(taskDone));
            return sleep(EPSILON).then(Tasks.waitFor(innerTask.join(), Duration.ZERO));
        }));
        advance(EPSILON);
        assertThat(failureOf(foo)).isInstanceOf(WaitTimeoutException.class).hasNoCause();
        assertThat(taskDone).isFalse();
        advance(EPSILON);
        assertThat(taskDone).isTrue();
    }

    static final class FooException extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    @Test // CPython: test_waitfor.py test_wait_for_reraises_exception_during_cancellation
    @Tag(DIFFERS) // a cancelled task cannot fail: the timeout is the outcome
    void aFailureInTheCancelledTasksCleanUpIsNotTheOutcome() {
        Task<Void> foo = createTask(Mono.defer(() -> {
            Task<Void> innerTask = createTask(Mono.usingWhen(Mono.just("resource"), x -> sleep(0.2),
                    x -> Mono.error(new FooException()), (x, e) -> Mono.error(new FooException()),
                    x -> Mono.error(new FooException())));
            return Tasks.waitFor(innerTask.join(), seconds(EPSILON));
        }));
        advance(EPSILON);
        // CPython: FooException, raised by inner()'s "finally" as it is cancelled
        assertThat(failureOf(foo)).isInstanceOf(WaitTimeoutException.class);
    }

    @Test // CPython: test_waitfor.py test_wait_for_self_cancellation
    @Tag(DIFFERS) // cancellation cannot be refused: the task waited for is cancelled with waitFor
    void cancellingWaitForCancelsTheTaskItWaitsFor() {
        Task<Integer> innerTask = createTask(sleep(0.3, 42));
        Task<Integer> task = createTask(Tasks.waitFor(innerTask.join(), seconds(0.1)));
        task.cancel();
        assertThatThrownBy(task::result).isInstanceOf(CancellationException.class);
        advance(1);
        // CPython: inner() ignores two cancellations and returns 42
        assertThat(innerTask.isCancelled()).isTrue();
    }

    /** blocking_coroutine(): awaits a future whose result is never set. */
    static Mono<Void> blockingCoroutine() {
        return AsyncFuture.<Void>create().mono();
    }

    @Test // CPython: test_waitfor.py test_cancel_blocking_wait_for (timeout=None: the task's join itself)
    void cancellingTheAwaitOfATaskCancelsTheTask() {
        Task<Void> task = createTask(blockingCoroutine());
        Task<Void> wait = createTask(task.join());
        sameIteration(wait::cancel);
        assertThatThrownBy(wait::result).isInstanceOf(CancellationException.class);
        assertThat(task.isCancelled()).as("bpo-23219: cancelling the wait cancels the task").isTrue();
    }

    @Test // CPython: test_waitfor.py test_cancel_wait_for
    void cancellingWaitForCancelsTheTask() {
        Task<Void> task = createTask(blockingCoroutine());
        Task<Void> wait = createTask(Tasks.waitFor(task.join(), seconds(60.0)));
        sameIteration(wait::cancel);
        assertThatThrownBy(wait::result).isInstanceOf(CancellationException.class);
        assertThat(task.isCancelled()).as("bpo-23219: cancelling the wait cancels the task").isTrue();
    }

    @Test // CPython: test_waitfor.py test_wait_for_cancel_suppressed (gh-84849)
    @Tag(DIFFERS) // cancellation cannot be refused: the work cannot answer it with a value
    void workCannotSuppressTheTimeoutsCancellation() {
        Task<Integer> res = createTask(Tasks.waitFor(sleep(10).thenReturn(0), seconds(0.1)));
        advance(0.1);
        // CPython: return_42() catches CancelledError and returns 42
        assertThat(failureOf(res)).isInstanceOf(WaitTimeoutException.class);
    }

    @Test // CPython: test_waitfor.py test_wait_for_issue86296 (gh-86296)
    void aTaskCancelledAfterWaitForReturnedIsCancelled() {
        AtomicBoolean reachedEnd = new AtomicBoolean();
        Task<Void> task = createTask(Tasks.waitFor(Mono.<Void>empty(), seconds(100))
                .then(sleep(1))
                .then(Mono.fromRunnable(() -> reachedEnd.set(true))));
        assertThat(task.isDone()).isFalse();
        task.cancel();
        advance(100);
        assertThatThrownBy(task::result).isInstanceOf(CancellationException.class);
        assertThat(reachedEnd).isFalse();
    }
}
