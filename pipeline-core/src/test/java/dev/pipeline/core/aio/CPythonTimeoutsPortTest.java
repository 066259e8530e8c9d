package dev.pipeline.core.aio;

import java.time.Instant;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * CPython's {@code Lib/test/test_asyncio/test_timeouts.py} (3.13), ported case by case to
 * {@link Tasks#timeout} and {@link Tasks#timeoutAt}. {@code async with asyncio.timeout(d) as cm:
 * body} is {@code Tasks.timeout(d, cm -> body)}, {@code TimeoutError} a
 * {@link DeadlineExceededException}, {@code ZeroDivisionError} an {@link ArithmeticException},
 * {@code loop.time()} the virtual clock ({@link #now()}, in seconds), and {@code None} as a
 * deadline {@link Timeout#NEVER}.
 *
 * <p>Not ported, for want of a counterpart: entering a scope by hand
 * ({@code test_timeout_already_entered}, {@code test_timeout_double_enter},
 * {@code test_timeout_not_entered}, {@code test_timeout_without_task}: a scope exists only inside
 * {@code Tasks.timeout}, once per subscription, and needs no task), {@code repr}
 * ({@code test_repr_*}), and catching a cancellation to go on
 * ({@code test_timeout_after_cancellation}, {@code test_cancel_in_timeout_after_cancellation}).
 */
class CPythonTimeoutsPortTest extends CPythonPort {

    /** {@code loop.time()} as an instant on the virtual clock. */
    Instant loopTime() {
        return Instant.EPOCH.plusNanos(clock.now(java.util.concurrent.TimeUnit.NANOSECONDS));
    }

    static Instant atSeconds(double seconds) {
        return Instant.EPOCH.plus(seconds(seconds));
    }

    /** A scope's body that first hands its {@code Timeout} out, as {@code as cm} does. */
    static <T> Function<Timeout, Mono<T>> keeping(AtomicReference<Timeout> cm, Mono<T> body) {
        return scope -> {
            cm.set(scope);
            return body;
        };
    }

    @Test // CPython: test_timeouts.py TimeoutTests.test_timeout_basic
    void theDeadlineCancelsTheBodyAndRaisesTimeout() {
        AtomicReference<Timeout> cm = new AtomicReference<>();
        Task<Void> t = createTask(Tasks.timeout(seconds(0.01), keeping(cm, sleep(10))));
        advance(0.01);
        assertThat(failureOf(t)).isInstanceOf(DeadlineExceededException.class);
        assertThat(cm.get().expired()).isTrue();
    }

    @Test // CPython: test_timeouts.py TimeoutTests.test_timeout_at_basic
    void anAbsoluteDeadlineIsKeptAndReportedByWhen() {
        Instant deadline = loopTime().plus(seconds(0.01));
        AtomicReference<Timeout> cm = new AtomicReference<>();
        Task<Void> t = createTask(Tasks.timeoutAt(deadline, keeping(cm, sleep(10))));
        advance(0.01);
        assertThat(failureOf(t)).isInstanceOf(DeadlineExceededException.class);
        assertThat(cm.get().expired()).isTrue();
        assertThat(cm.get().when()).isEqualTo(deadline);
    }

    @Test // CPython: test_timeouts.py TimeoutTests.test_nested_timeouts
    @Tag(DIFFERS) // the outer scope expires first and cancels the inner one, which does not expire itself
    void nestedScopesWithOneDeadlineOnlyTheOuterRaises() {
        Instant deadline = loopTime().plus(seconds(0.01));
        AtomicReference<Timeout> cm1 = new AtomicReference<>();
        AtomicReference<Timeout> cm2 = new AtomicReference<>();
        AtomicBoolean cancelled = new AtomicBoolean();
        Task<Void> t = createTask(Tasks.timeoutAt(deadline, outer -> {
            cm1.set(outer);
            return Tasks.timeoutAt(deadline, inner -> {
                cm2.set(inner);
                return sleep(10);
            }).doOnCancel(() -> cancelled.set(true));
        }));
        advance(0.01);
        assertThat(failureOf(t)).isInstanceOf(DeadlineExceededException.class);
        assertThat(cancelled).isTrue();
        assertThat(cm1.get().expired()).isTrue();
        // CPython: cm2.expired() is True as well
        assertThat(cm2.get().expired()).isFalse();
    }

    @Test // CPython: test_timeouts.py TimeoutTests.test_waiter_cancelled
    void theBodySeesTheCancellation() {
        AtomicBoolean cancelled = new AtomicBoolean();
        Task<Void> t = createTask(Tasks.timeout(seconds(0.01), cm -> sleep(10).doOnCancel(() -> cancelled.set(true))));
        advance(0.01);
        assertThat(failureOf(t)).isInstanceOf(DeadlineExceededException.class);
        assertThat(cancelled).isTrue();
    }

    @Test // CPython: test_timeouts.py TimeoutTests.test_timeout_not_called
    void aBodyDoneInTimeLeavesTheScopeUnexpired() {
        AtomicReference<Timeout> cm = new AtomicReference<>();
        Task<Void> t = createTask(Tasks.timeout(seconds(10), keeping(cm, sleep(0.01))));
        advance(0.01);
        Instant t1 = loopTime();
        assertThat(t.exception()).isEmpty();
        assertThat(cm.get().expired()).isFalse();
        assertThat(cm.get().when()).isAfter(t1);
    }

    @Test // CPython: test_timeouts.py TimeoutTests.test_timeout_disabled
    void noDeadlineNeverExpires() {
        AtomicReference<Timeout> cm = new AtomicReference<>();
        Task<Void> t = createTask(Tasks.timeoutAt(Timeout.NEVER, keeping(cm, sleep(0.01))));
        advance(0.01);
        assertThat(t.exception()).isEmpty();
        assertThat(cm.get().expired()).isFalse();
        assertThat(cm.get().when()).isEqualTo(Timeout.NEVER);
    }

    @Test // CPython: test_timeouts.py TimeoutTests.test_timeout_at_disabled
    void noAbsoluteDeadlineNeverExpires() {
        AtomicReference<Timeout> cm = new AtomicReference<>();
        Task<Void> t = createTask(Tasks.timeoutAt(Timeout.NEVER, clock, keeping(cm, sleep(0.01))));
        advance(0.01);
        assertThat(t.exception()).isEmpty();
        assertThat(cm.get().expired()).isFalse();
        assertThat(cm.get().when()).isEqualTo(Timeout.NEVER);
    }

    @Test // CPython: test_timeouts.py TimeoutTests.test_timeout_zero
    void aZeroDelayExpiresAtOnce() {
        Instant t0 = loopTime();
        AtomicReference<Timeout> cm = new AtomicReference<>();
        Task<Void> t = createTask(Tasks.timeout(seconds(0), keeping(cm, sleep(10))));
        Instant t1 = loopTime();
        assertThat(failureOf(t)).isInstanceOf(DeadlineExceededException.class);
        assertThat(cm.get().expired()).isTrue();
        assertThat(cm.get().when()).isBetween(t0, t1);
    }

    @Test // CPython: test_timeouts.py TimeoutTests.test_timeout_zero_sleep_zero
    void aZeroDelayExpiresEvenAZeroSleep() {
        Instant t0 = loopTime();
        AtomicReference<Timeout> cm = new AtomicReference<>();
        Task<Void> t = createTask(Tasks.timeout(seconds(0), keeping(cm, sleep(0))));
        Instant t1 = loopTime();
        assertThat(failureOf(t)).isInstanceOf(DeadlineExceededException.class);
        assertThat(cm.get().expired()).isTrue();
        assertThat(cm.get().when()).isBetween(t0, t1);
    }

    @Test // CPython: test_timeouts.py TimeoutTests.test_timeout_in_the_past_sleep_zero
    void aDeadlineInThePastExpiresEvenAZeroSleep() {
        Instant t0 = loopTime();
        AtomicReference<Timeout> cm = new AtomicReference<>();
        Task<Void> t = createTask(Tasks.timeout(seconds(-11), keeping(cm, sleep(0))));
        assertThat(failureOf(t)).isInstanceOf(DeadlineExceededException.class);
        assertThat(cm.get().expired()).isTrue();
        assertThat(cm.get().when()).isBeforeOrEqualTo(t0);
    }

    @Test // CPython: test_timeouts.py TimeoutTests.test_foreign_exception_passed
    void theBodysOwnFailurePassesThrough() {
        AtomicReference<Timeout> cm = new AtomicReference<>();
        Task<Void> t = createTask(Tasks.timeout(seconds(0.01), keeping(cm, Mono.error(new IllegalArgumentException("KeyError")))));
        assertThat(failureOf(t)).isInstanceOf(IllegalArgumentException.class);
        assertThat(cm.get().expired()).isFalse();
    }

    @Test // CPython: test_timeouts.py TimeoutTests.test_foreign_exception_on_timeout
    @Tag(DIFFERS) // a cancelled body cannot fail in its clean-up: the expiry is what is reported
    void aCleanUpFailingOnExpiryIsNotReported() {
        Mono<Void> crash = Mono.usingWhen(Mono.just("resource"), r -> sleep(1), r -> Mono.empty(),
                (r, e) -> Mono.empty(), r -> Mono.error(new ArithmeticException("/ by zero")));
        Task<Void> t = createTask(Tasks.timeout(seconds(0.01), cm -> crash));
        advance(0.01);
        // CPython: ZeroDivisionError, raised in the finally block of the cancelled coroutine
        assertThat(failureOf(t)).isInstanceOf(DeadlineExceededException.class);
    }

    @Test // CPython: test_timeouts.py TimeoutTests.test_foreign_cancel_doesnt_timeout_if_not_expired
    void aCancellationFromOutsideIsNoExpiry() {
        AtomicReference<Timeout> cm = new AtomicReference<>();
        AtomicReference<Task<Void>> self = new AtomicReference<>();
        Mono<Void> cancelItself = sleep(0.001).then(Mono.fromRunnable(() -> self.get().cancel()));
        self.set(createTask(Tasks.timeout(seconds(10), keeping(cm, cancelItself.then(sleep(10))))));
        advance(0.001);
        assertThatThrownBy(self.get()::result).isInstanceOf(CancellationException.class);
        assertThat(cm.get().expired()).isFalse();
    }

    @Test // CPython: test_timeouts.py TimeoutTests.test_outer_task_is_not_cancelled
    void theTaskRunningTheScopeIsNotCancelledByTheExpiry() {
        Task<Void> task = createTask(Tasks.timeout(seconds(0.001), cm -> sleep(10))
                .onErrorResume(DeadlineExceededException.class, e -> Mono.empty()));
        advance(0.001);
        assertThat(task.isCancelled()).isFalse();
        assertThat(task.isDone()).isTrue();
    }

    @Test // CPython: test_timeouts.py TimeoutTests.test_nested_timeouts_concurrent
    @Tag(DIFFERS) // both deadlines passed at once: the outer one fires first and cancels the inner scope
    void nestedDeadlinesPassedTogetherOnlyTheOuterRaises() {
        AtomicBoolean innerRaised = new AtomicBoolean();
        Task<Void> t = createTask(Tasks.timeout(seconds(0.002), outer ->
                Tasks.timeout(seconds(0.1), inner -> sleep(1))
                        .onErrorResume(DeadlineExceededException.class, e -> Mono.fromRunnable(() -> innerRaised.set(true)))));
        advance(1); // CPython blocks the loop for 0.01 s, past the outer deadline
        assertThat(failureOf(t)).isInstanceOf(DeadlineExceededException.class);
        // CPython: the inner timeout raises TimeoutError too (asserted inside the outer block)
        assertThat(innerRaised).isFalse();
    }

    @Test // CPython: test_timeouts.py TimeoutTests.test_nested_timeouts_loop_busy
    void anInnerExpiryCaughtLeavesTheOuterToStopWhatFollows() {
        double t0 = now();
        AtomicBoolean innerRaised = new AtomicBoolean();
        Task<Void> t = createTask(Tasks.timeout(seconds(0.1), outer ->
                Tasks.timeout(seconds(0.01), inner -> sleep(1))
                        .onErrorResume(DeadlineExceededException.class, e -> Mono.fromRunnable(() -> innerRaised.set(true)))
                        .then(sleep(10))));
        advance(0.1); // CPython also keeps the loop busy for 0.1 s inside the inner scope; there is no loop here
        assertThat(failureOf(t)).isInstanceOf(DeadlineExceededException.class);
        assertThat(innerRaised).isTrue();
        assertThat(now()).isBetween(t0, t0 + 1);
    }

    @Test // CPython: test_timeouts.py TimeoutTests.test_reschedule
    void rescheduleMovesTheDeadlineAndNeverDisablesIt() {
        Instant deadline1 = loopTime().plus(seconds(10));
        Instant deadline2 = deadline1.plus(seconds(20));
        AsyncFuture<Timeout> fut = AsyncFuture.create();
        Task<Void> task = createTask(Tasks.timeoutAt(deadline1, cm -> {
            fut.setResult(cm);
            return sleep(50);
        }));
        Timeout cm = fut.result();
        assertThat(cm.when()).isEqualTo(deadline1);
        cm.reschedule(deadline2);
        assertThat(cm.when()).isEqualTo(deadline2);
        cm.reschedule(Timeout.NEVER);
        assertThat(cm.when()).isEqualTo(Timeout.NEVER);
        task.cancel();
        assertThatThrownBy(task::result).isInstanceOf(CancellationException.class);
        assertThat(cm.expired()).isFalse();
    }

    @Test // CPython: test_timeouts.py TimeoutTests.test_nested_timeout_in_finally
    @Tag(DIFFERS) // the clean-up of a cancelled body is not awaited, so its own scope does not hold the outer one up
    void aScopeInTheCleanUpOfAnExpiredBodyIsNotAwaited() {
        AtomicBoolean cleanupStarted = new AtomicBoolean();
        Mono<Void> body = Mono.usingWhen(Mono.just("resource"), r -> sleep(1), r -> Mono.empty(),
                (r, e) -> Mono.empty(),
                r -> Tasks.timeout(seconds(0.01), inner -> sleep(10)).doOnSubscribe(s -> cleanupStarted.set(true))
                        .onErrorResume(DeadlineExceededException.class, e -> Mono.empty()));
        Task<Void> t = createTask(Tasks.timeout(seconds(0.01), cm -> body));
        advance(0.01);
        assertThat(cleanupStarted).isTrue();
        // CPython: the outer TimeoutError is raised after the finally block's own timeout, at 0.02 s
        assertThat(failureOf(t)).isInstanceOf(DeadlineExceededException.class);
        assertThat(now()).isEqualTo(0.01);
    }

    @Test // CPython: test_timeouts.py TimeoutTests.test_timeout_exception_cause
    @Tag(DIFFERS) // no cause: the cancellation it stands for was a signal, not an exception
    void theTimeoutHasNoCancellationAsItsCause() {
        Task<Void> t = createTask(Tasks.timeout(seconds(0), cm -> sleep(1)));
        // CPython: exc.__cause__ is a CancelledError
        assertThat(failureOf(t)).isInstanceOf(DeadlineExceededException.class).hasNoCause();
    }

    @Test // CPython: test_timeouts.py TimeoutTests.test_timeout_finished
    void aFinishedScopeCannotBeRescheduled() {
        AtomicReference<Timeout> cm = new AtomicReference<>();
        Task<Void> t = createTask(Tasks.timeout(seconds(0.01), keeping(cm, Mono.empty())));
        assertThat(t.isDone()).isTrue();
        assertThatThrownBy(() -> cm.get().reschedule(atSeconds(0.02)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("finished");
    }
}
