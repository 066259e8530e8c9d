package dev.pipeline.core.aio;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code gather}, {@code shield} and {@code as_completed} parts of CPython's
 * {@code Lib/test/test_asyncio/test_tasks.py} (with the cancellation-propagation cases next to
 * {@code shield}), ported case by case to {@link Tasks}.
 *
 * <p>Not ported, for want of a counterpart: event-loop binding ({@code *_without_loop},
 * {@code *_use_running_loop}, {@code *_use_global_loop}, {@code test_constructor_heterogenous_futures},
 * {@code test_constructor_homogenous_futures}), argument types ({@code test_as_completed_invalid_args},
 * {@code test_issue46672}), {@code test_env_var_debug}, {@code asyncio.wait}
 * ({@code test_yield_wait_does_not_shield_cancel}) and {@code test_as_completed_reverse_wait} (a
 * Flux has no list of awaitables to await in another order).
 */
class CPythonTasksPortTest extends CPythonPort {

    /** GatherTestsBase runs for futures (FutureGatherTests) and coroutines awaiting them (CoroutineGatherTests). */
    static Stream<Arguments> wrappers() {
        Function<AsyncFuture<Object>, Mono<Object>> future = AsyncFuture::mono;
        Function<AsyncFuture<Object>, Mono<Object>> coroutine = f -> Mono.defer(f::mono);
        return Stream.of(Arguments.of("FutureGatherTests", future), Arguments.of("CoroutineGatherTests", coroutine));
    }

    @SafeVarargs
    static List<Mono<Object>> wrap(Function<AsyncFuture<Object>, Mono<Object>> wrapper, AsyncFuture<Object>... futures) {
        List<Mono<Object>> monos = new ArrayList<>();
        for (AsyncFuture<Object> f : futures) {
            monos.add(wrapper.apply(f));
        }
        return monos;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static AsyncFuture<Object>[] futures(int n) {
        AsyncFuture<Object>[] fs = new AsyncFuture[n];
        for (int i = 0; i < n; i++) {
            fs[i] = AsyncFuture.create();
        }
        return fs;
    }

    @Nested
    class AsCompleted {

        @Test // CPython: test_tasks.py BaseTaskTests.test_as_completed
        void emitsTheValuesInTheOrderTheyArrive() {
            List<String> completed = new CopyOnWriteArrayList<>();
            Function<String, Mono<String>> record = x -> Mono.fromCallable(() -> {
                completed.add(x);
                return x;
            });
            Mono<String> a = sleep(0.01).then(record.apply("a"));
            Mono<String> b = sleep(0.01).then(record.apply("b"));
            Mono<String> c = sleep(0.15).then(record.apply("c"));
            Task<List<String>> foo = createTask(Tasks.asCompleted(List.of(b, c, a)).collectList());
            advance(0.01);
            assertThat(completed).containsExactlyInAnyOrder("a", "b");
            advance(0.14);
            List<String> res = foo.result();
            assertThat(now()).isEqualTo(0.15);
            assertThat(res.subList(0, 2)).containsExactlyInAnyOrder("a", "b");
            assertThat(res.get(2)).isEqualTo("c");
        }

        /** {@code as_completed(aws, timeout=t)}: a deadline for the whole Flux. */
        <T> Flux<T> withTimeout(Flux<T> values, double timeout) {
            return Flux.defer(() -> {
                AtomicBoolean complete = new AtomicBoolean();
                return values.doOnComplete(() -> complete.set(true))
                        .takeUntilOther(sleep(timeout, true))
                        .concatWith(Mono.defer(() -> complete.get()
                                ? Mono.empty()
                                : Mono.error(new WaitTimeoutException(seconds(timeout)))));
            });
        }

        @Test // CPython: test_tasks.py BaseTaskTests.test_as_completed_with_timeout
        @Tag(DIFFERS) // ending asCompleted early cancels the tasks it awaits
        void aDeadlineEndsTheValuesAndCancelsTheTasksLeft() {
            Task<String> a = createTask(sleep(0.1, "a"));
            Task<String> b = createTask(sleep(0.15, "b"));
            List<Object> values = new CopyOnWriteArrayList<>();
            Task<Void> foo = createTask(withTimeout(Tasks.asCompleted(List.of(a.join(), b.join())), 0.12)
                    .doOnNext(values::add)
                    .onErrorResume(WaitTimeoutException.class, e -> Mono.fromRunnable(() -> values.add(e)))
                    .then());
            advance(0.12);
            assertThat(foo.isDone()).isTrue();
            assertThat(values).hasSize(2);
            assertThat(values.get(0)).isEqualTo("a");
            assertThat(values.get(1)).isInstanceOf(WaitTimeoutException.class);
            assertThat(now()).isEqualTo(0.12);
            // CPython: b keeps running and completes at 0.15
            assertThat(b.isCancelled()).isTrue();
        }

        @Test // CPython: test_tasks.py BaseTaskTests.test_as_completed_with_unused_timeout
        void aDeadlineNotReachedChangesNothing() {
            Task<List<String>> foo = createTask(withTimeout(Tasks.asCompleted(List.of(sleep(0.01, "a"))), 1).collectList());
            advance(0.01);
            assertThat(foo.result()).containsExactly("a");
        }

        @Test // CPython: test_tasks.py BaseTaskTests.test_as_completed_concurrent
        void valuesArrivingAtTheSameTimeAreAllEmitted() {
            Task<List<String>> test = createTask(Tasks.asCompleted(List.of(sleep(0.05, "a"), sleep(0.05, "b"))).collectList());
            advance(0.05);
            assertThat(test.result()).containsExactlyInAnyOrder("a", "b");
        }

        @Test // CPython: test_tasks.py BaseTaskTests.test_as_completed_duplicate_coroutines
        @Tag(DIFFERS) // a Mono runs on every subscription; a coroutine object only once
        void theSameMonoTwiceRunsTwice() {
            AtomicInteger runs = new AtomicInteger();
            Mono<String> c = Mono.fromCallable(() -> {
                runs.incrementAndGet();
                return "ham";
            });
            Task<List<String>> fut = createTask(Tasks.asCompleted(List.of(c, c, Mono.just("spam"))).collectList());
            // CPython: {"ham", "spam"}, two results: the duplicate coroutine is awaited once
            assertThat(fut.result()).containsExactlyInAnyOrder("ham", "ham", "spam");
            assertThat(runs).hasValue(2);
        }
    }

    @Nested
    class Shield {

        @Test // CPython: test_tasks.py BaseTaskTests.test_shield_result
        void theShieldedValueIsReturned() {
            AsyncFuture<Integer> inner = AsyncFuture.create();
            Task<Integer> outer = createTask(Tasks.shield(inner.mono()));
            inner.setResult(42);
            assertThat(outer.result()).isEqualTo(42);
        }

        @Test // CPython: test_tasks.py BaseTaskTests.test_shield_exception
        void theShieldedFailureIsPassedOn() {
            AsyncFuture<Integer> inner = AsyncFuture.create();
            Task<Integer> outer = createTask(Tasks.shield(inner.mono()));
            IllegalStateException exc = new IllegalStateException("expected");
            inner.setException(exc);
            assertThatThrownBy(outer::result).isSameAs(exc);
        }

        @Test // CPython: test_tasks.py BaseTaskTests.test_shield_cancel_inner
        void cancellingTheShieldedWorkFailsTheAwaiterWithCancellation() {
            AsyncFuture<Integer> inner = AsyncFuture.create();
            Task<Integer> outer = createTask(Tasks.shield(inner.mono()));
            inner.cancel();
            assertThatThrownBy(outer::result).isInstanceOf(CancellationException.class);
        }

        @Test // CPython: test_tasks.py BaseTaskTests.test_shield_cancel_outer
        void cancellingTheAwaiterLeavesTheShieldedWorkAlone() {
            AsyncFuture<Integer> inner = AsyncFuture.create();
            Task<Integer> outer = createTask(Tasks.shield(inner.mono()));
            outer.cancel();
            assertThat(outer.isCancelled()).isTrue();
            assertThat(inner.isCancelled()).isFalse();
        }

        @Test // CPython: test_tasks.py BaseTaskTests.test_shield_shortcut
        void shieldingADoneFutureReturnsItsValue() {
            AsyncFuture<Integer> fut = AsyncFuture.create();
            fut.setResult(42);
            assertThat(createTask(Tasks.shield(fut.mono())).result()).isEqualTo(42);
        }

        @Test // CPython: test_tasks.py BaseTaskTests.test_shield_effect
        void cancellingTheAwaiterDoesNotAffectTheShieldedWork() {
            AtomicInteger proof = new AtomicInteger();
            AsyncFuture<Void> waiter = AsyncFuture.create();
            Mono<Void> inner = waiter.mono().then(Mono.fromRunnable(proof::incrementAndGet));
            Task<Void> f = createTask(Tasks.shield(inner).then(Mono.fromRunnable(() -> proof.addAndGet(100))));
            f.cancel();
            assertThatThrownBy(f::result).isInstanceOf(CancellationException.class);
            waiter.setResult(null);
            assertThat(proof).hasValue(1);
        }

        @Test // CPython: test_tasks.py BaseTaskTests.test_shield_gather
        void cancellingTheAwaiterOfAShieldedGatherLetsTheGatherFinish() {
            AsyncFuture<Integer> child1 = AsyncFuture.create();
            AsyncFuture<Integer> child2 = AsyncFuture.create();
            Task<List<Integer>> parent = createTask(Tasks.gather(child1.mono(), child2.mono()));
            Task<List<Integer>> outer = createTask(Tasks.shield(parent.join()));
            outer.cancel();
            assertThat(outer.isCancelled()).isTrue();
            child1.setResult(1);
            child2.setResult(2);
            assertThat(parent.result()).containsExactly(1, 2);
        }

        @Test // CPython: test_tasks.py BaseTaskTests.test_gather_shield
        void cancellingAGatherOfShieldsLeavesTheShieldedWorkAlone() {
            AsyncFuture<Integer> child1 = AsyncFuture.create();
            AsyncFuture<Integer> child2 = AsyncFuture.create();
            Task<List<Integer>> parent = createTask(Tasks.gather(Tasks.shield(child1.mono()), Tasks.shield(child2.mono())));
            parent.cancel();
            assertThatThrownBy(parent::result).isInstanceOf(CancellationException.class);
            assertThat(child1.isCancelled()).isFalse();
            assertThat(child2.isCancelled()).isFalse();
            child1.setResult(1);
            child2.setResult(2);
        }

        @Test // CPython: test_tasks.py BaseTaskTests.test_yield_future_passes_cancel
        @Tag(DIFFERS) // cancellation is a signal, not an exception to catch; awaiting a future does not own it
        void cancellationReachesEveryLevelOfAwaitButNotTheAwaitedFuture() {
            AtomicInteger proof = new AtomicInteger();
            AsyncFuture<Void> waiter = AsyncFuture.create();
            Mono<Void> inner = waiter.mono().doOnCancel(proof::incrementAndGet);
            Task<Void> f = createTask(inner.doOnCancel(() -> proof.addAndGet(100)));
            f.cancel();
            // CPython: outer() catches CancelledError and returns normally (proof 101), and the
            // future awaited is cancelled too
            assertThat(proof).hasValue(101);
            assertThat(f.isCancelled()).isTrue();
            assertThat(waiter.isCancelled()).isFalse();
        }
    }

    @Nested
    class Gather {

        @ParameterizedTest(name = "{0}") // CPython: test_tasks.py GatherTestsBase.test_success
        @MethodSource("dev.pipeline.core.aio.CPythonTasksPortTest#wrappers")
        void emitsTheValuesInArgumentOrderOnceAllAreThere(String kind, Function<AsyncFuture<Object>, Mono<Object>> wrapper) {
            checkSuccess(wrapper, false);
        }

        @ParameterizedTest(name = "{0}") // CPython: test_tasks.py GatherTestsBase.test_result_exception_success
        @MethodSource("dev.pipeline.core.aio.CPythonTasksPortTest#wrappers")
        void gatherSettledEmitsTheOutcomesInArgumentOrderOnceAllAreThere(String kind,
                Function<AsyncFuture<Object>, Mono<Object>> wrapper) {
            checkSuccess(wrapper, true);
        }

        private void checkSuccess(Function<AsyncFuture<Object>, Mono<Object>> wrapper, boolean settled) {
            AsyncFuture<Object>[] f = futures(3);
            List<Mono<Object>> monos = wrap(wrapper, f);
            Task<List<Object>> fut = settled
                    ? createTask(Tasks.gatherSettled(monos).map(os -> {
                        List<Object> vs = new ArrayList<>();
                        os.forEach(o -> vs.add(o.value()));
                        return vs;
                    }))
                    : createTask(Tasks.gather(monos));
            f[1].setResult(1);
            f[0].setResult(2);
            assertThat(fut.isDone()).isFalse();
            f[2].setResult(3);
            assertThat(fut.result()).containsExactly(2, 1, 3);
        }

        @ParameterizedTest(name = "{0}") // CPython: test_tasks.py GatherTestsBase.test_one_exception
        @MethodSource("dev.pipeline.core.aio.CPythonTasksPortTest#wrappers")
        void theFirstFailureFailsTheGatherAndLeavesTheAwaitedFuturesAlone(String kind,
                Function<AsyncFuture<Object>, Mono<Object>> wrapper) {
            AsyncFuture<Object>[] f = futures(5);
            Task<List<Object>> fut = createTask(Tasks.gather(wrap(wrapper, f)));
            ArithmeticException exc = new ArithmeticException();
            f[0].setResult(1);
            f[1].setException(exc);
            assertThat(fut.isDone()).isTrue();
            assertThatThrownBy(fut::result).isSameAs(exc);
            // does nothing: the futures were not cancelled
            f[2].setResult(3);
            f[3].cancel();
            f[4].setException(new IllegalStateException());
        }

        @ParameterizedTest(name = "{0}") // CPython: test_tasks.py GatherTestsBase.test_return_exceptions
        @MethodSource("dev.pipeline.core.aio.CPythonTasksPortTest#wrappers")
        void gatherSettledWaitsForEveryOutcome(String kind, Function<AsyncFuture<Object>, Mono<Object>> wrapper) {
            AsyncFuture<Object>[] f = futures(4);
            Task<List<Outcome<Object>>> fut = createTask(Tasks.gatherSettled(wrap(wrapper, f)));
            ArithmeticException exc = new ArithmeticException();
            IllegalStateException exc2 = new IllegalStateException();
            f[1].setResult(1);
            f[2].setException(exc);
            f[0].setResult(3);
            assertThat(fut.isDone()).isFalse();
            f[3].setException(exc2);
            assertThat(fut.result()).containsExactly(Outcome.success(3), Outcome.success(1),
                    Outcome.failure(exc), Outcome.failure(exc2));
        }

        @Test // CPython: test_tasks.py FutureGatherTests.test_constructor_empty_sequence_use_running_loop
        void gatheringNothingEmitsAnEmptyList() {
            assertThat(createTask(Tasks.gather(List.<Mono<Object>>of())).result()).isEmpty();
        }

        @Test // CPython: test_tasks.py FutureGatherTests.test_one_cancellation
        void aCancelledFutureFailsTheGatherWithCancellation() {
            AsyncFuture<Object>[] f = futures(5);
            Task<List<Object>> fut = createTask(Tasks.gather(wrap(AsyncFuture::mono, f)));
            f[0].setResult(1);
            f[1].cancel();
            assertThat(fut.isDone()).isTrue();
            assertThat(fut.isCancelled()).as("the gather fails, it is not cancelled itself").isFalse();
            assertThatThrownBy(fut::result).isInstanceOf(CancellationException.class);
            f[2].setResult(3);
            f[3].cancel();
            f[4].setException(new IllegalStateException());
        }

        @Test // CPython: test_tasks.py FutureGatherTests.test_result_exception_one_cancellation
        void gatherSettledRecordsCancellationsAsFailures() {
            AsyncFuture<Object>[] f = futures(6);
            Task<List<Outcome<Object>>> fut = createTask(Tasks.gatherSettled(wrap(AsyncFuture::mono, f)));
            f[0].setResult(1);
            ArithmeticException zde = new ArithmeticException();
            f[1].setException(zde);
            f[2].cancel();
            assertThat(fut.isDone()).isFalse();
            f[3].setResult(3);
            f[4].cancel();
            IllegalStateException rte = new IllegalStateException();
            f[5].setException(rte);
            List<Outcome<Object>> res = fut.result();
            assertThat(res.get(2).error()).isInstanceOf(CancellationException.class);
            assertThat(res.get(4).error()).isInstanceOf(CancellationException.class);
            assertThat(List.of(res.get(0), res.get(1), res.get(3), res.get(5)))
                    .containsExactly(Outcome.success(1), Outcome.failure(zde), Outcome.success(3), Outcome.failure(rte));
        }

        @Test // CPython: test_tasks.py CoroutineGatherTests.test_duplicate_coroutines
        void theSameMonoGatheredTwiceGivesItsValueTwice() {
            Mono<String> c = Mono.fromCallable(() -> "abc");
            Task<List<String>> fut = createTask(Tasks.gather(c, c, Mono.just("def"), c));
            assertThat(fut.result()).containsExactly("abc", "abc", "def", "abc");
        }

        @Test // CPython: test_tasks.py CoroutineGatherTests.test_cancellation_broadcast
        void cancellingTheAwaiterOfAGatherOfTasksCancelsEveryTask() {
            AtomicInteger proof = new AtomicInteger();
            AsyncFuture<Void> waiter = AsyncFuture.create();
            Mono<Void> inner = waiter.mono().then(Mono.fromRunnable(proof::incrementAndGet));
            Task<Void> child1 = createTask(inner);
            Task<Void> child2 = createTask(inner);
            AtomicReference<Task<List<Void>>> gatherer = new AtomicReference<>();
            Task<Void> f = createTask(Mono.defer(() -> {
                gatherer.set(createTask(Tasks.gather(child1.join(), child2.join())));
                return gatherer.get().join();
            }).then(Mono.fromRunnable(() -> proof.addAndGet(100))));
            assertThat(f.cancel()).isTrue();
            assertThatThrownBy(f::result).isInstanceOf(CancellationException.class);
            assertThat(gatherer.get().cancel()).as("already done").isFalse();
            assertThat(child1.isCancelled()).isTrue();
            assertThat(child2.isCancelled()).isTrue();
            assertThat(proof).hasValue(0);
        }

        @Test // CPython: test_tasks.py CoroutineGatherTests.test_cancellation_broadcast (the future the children await)
        @Tag(DIFFERS) // awaiting an AsyncFuture does not own it: cancelling the awaiters leaves it pending
        void cancellingTheTasksAwaitingAFutureLeavesTheFuturePending() {
            AsyncFuture<Void> waiter = AsyncFuture.create();
            Task<Void> child1 = createTask(waiter.mono());
            Task<Void> child2 = createTask(waiter.mono());
            Task<List<Void>> f = createTask(Tasks.gather(child1.join(), child2.join()));
            f.cancel();
            assertThat(child1.isCancelled() && child2.isCancelled()).isTrue();
            // CPython: waiter.cancelled() is True
            assertThat(waiter.isCancelled()).isFalse();
        }

        @Test // CPython: test_tasks.py CoroutineGatherTests.test_exception_marking
        void aGatherOfFailingCoroutinesFailsWithTheFirstFailure() {
            AsyncFuture<Void> a = AsyncFuture.create();
            AsyncFuture<Void> b = AsyncFuture.create();
            Function<AsyncFuture<Void>, Mono<Void>> inner = fut -> fut.mono()
                    .then(Mono.error(new IllegalStateException("should not be ignored")));
            Task<List<Void>> f = createTask(Tasks.gather(inner.apply(a), inner.apply(b)));
            a.setResult(null);
            b.setResult(null);
            assertThatThrownBy(f::result).isInstanceOf(IllegalStateException.class);
        }

        @Test // CPython: test_tasks.py BaseTaskTests.test_cancel_gather_1 (bpo-26923)
        void aGatherCannotBeCancelledOnceItsChildrenAreDone() {
            AsyncFuture<Integer> fut = AsyncFuture.create();
            Task<List<Integer>> gatherTask = createTask(Tasks.gather(Mono.defer(fut::mono)));
            AtomicBoolean cancelResult = new AtomicBoolean(true);
            createTask(fut.mono().doOnNext(v -> cancelResult.set(gatherTask.cancel())));
            fut.setResult(42);
            assertThat(cancelResult).isFalse();
            assertThat(gatherTask.isCancelled()).isFalse();
            assertThat(gatherTask.result()).containsExactly(42);
        }

        @Test // CPython: test_tasks.py BaseTaskTests.test_cancel_gather_2
        void cancellingATaskThatGathersInALoopFailsItsAwaiterWithCancellation() {
            Task<Void> qwe = createTask(Mono.defer(() -> Tasks.gatherSettled(sleep(0.05))).repeat(20).then());
            Task<Void> main = createTask(sleep(0.2).then(Mono.fromRunnable(qwe::cancel)).then(qwe.join()));
            advance(0.2);
            assertThatThrownBy(main::result).isInstanceOf(CancellationException.class);
        }

        @Test // CPython: test_tasks.py BaseTaskTests.test_task_cancel_sleeping_task
        void awaitingATaskCancelledWhileItSleepsFailsWithCancellation() {
            Task<Void> sleeper = createTask(sleep(5000));
            createTask(sleep(0.1).then(Mono.fromRunnable(sleeper::cancel)));
            Task<String> doer = createTask(sleeper.join().thenReturn("slept in")
                    .onErrorResume(CancellationException.class, e -> Mono.just("cancelled")));
            advance(0.1);
            assertThat(doer.result()).isEqualTo("cancelled");
            assertThat(now()).isEqualTo(0.1);
        }
    }

}
