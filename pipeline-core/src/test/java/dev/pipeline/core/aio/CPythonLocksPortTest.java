package dev.pipeline.core.aio;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * CPython's {@code Lib/test/test_asyncio/test_locks.py}, ported case by case to {@code AsyncLock},
 * {@code AsyncEvent}, {@code AsyncCondition}, {@code AsyncSemaphore} and {@code AsyncBarrier}.
 *
 * <p>Not ported, for want of a counterpart: the {@code repr} regular expression details, awaiting
 * a primitive itself ({@code await lock}, {@code with await lock}: a type error in Java), the
 * {@code loop=} parameter and loop-binding checks ({@code test_lock_doesnt_accept_loop_parameter},
 * {@code test_ambiguous_loops}), and {@code test_semaphore} (awaiting the semaphore).
 */
class CPythonLocksPortTest extends CPythonPort {

    /** {@code if await wait: result.append(n); return True}. */
    static Mono<Boolean> appendAfter(Mono<?> wait, List<Integer> result, int n) {
        return wait.then(Mono.fromRunnable(() -> result.add(n))).thenReturn(true);
    }

    @Nested
    class LockTests {

        @Test // CPython: test_locks.py LockTests.test_repr
        void toStringSaysWhetherTheLockIsHeld() {
            AsyncLock lock = AsyncLock.create();
            assertThat(lock.toString()).contains("[unlocked");
            createTask(lock.acquire());
            assertThat(lock.toString()).contains("[locked");
        }

        @Test // CPython: test_locks.py LockTests.test_acquire
        void waitersGetTheLockInArrivalOrder() {
            AsyncLock lock = AsyncLock.create();
            List<Integer> result = new ArrayList<>();
            assertThat(createTask(lock.acquire()).isDone()).isTrue();
            Task<Boolean> t1 = createTask(appendAfter(lock.acquire(), result, 1));
            Task<Boolean> t2 = createTask(appendAfter(lock.acquire(), result, 2));
            assertThat(result).isEmpty();
            lock.release();
            assertThat(result).containsExactly(1);
            Task<Boolean> t3 = createTask(appendAfter(lock.acquire(), result, 3));
            lock.release();
            assertThat(result).containsExactly(1, 2);
            lock.release();
            assertThat(result).containsExactly(1, 2, 3);
            assertThat(List.of(t1.result(), t2.result(), t3.result())).containsOnly(true);
        }

        @Test // CPython: test_locks.py LockTests.test_acquire_cancel
        void aCancelledAcquireLeavesTheLine() {
            AsyncLock lock = AsyncLock.create();
            createTask(lock.acquire());
            Task<Void> task = createTask(lock.acquire());
            task.cancel();
            assertThatThrownBy(task::result).isInstanceOf(CancellationException.class);
            assertThat(lock.toString()).contains("waiting=0");
        }

        @Test // CPython: test_locks.py LockTests.test_cancel_race
        void aWaiterCancelledAsTheLockIsReleasedIsSkipped() {
            AsyncLock lock = AsyncLock.create();
            AsyncFuture<Void> fa = AsyncFuture.create();
            Task<Void> ta = createTask(lockit(lock, fa.mono()));
            assertThat(lock.isLocked()).isTrue();
            Task<Void> tb = createTask(lockit(lock, Mono.empty()));
            assertThat(lock.toString()).contains("waiting=1");
            Task<Void> tc = createTask(lockit(lock, Mono.empty()));
            assertThat(lock.toString()).contains("waiting=2");

            sameIteration(() -> fa.setResult(null), tb::cancel);

            assertThat(lock.isLocked()).isFalse();
            assertThat(ta.isDone()).isTrue();
            assertThat(tb.isCancelled()).isTrue();
            assertThat(tc.isDone()).isTrue();
            assertThat(tc.isCancelled()).isFalse();
        }

        private Mono<Void> lockit(AsyncLock lock, Mono<Void> blocker) {
            return lock.acquire().then(blocker).then(Mono.fromRunnable(lock::release));
        }

        @Test // CPython: test_locks.py LockTests.test_cancel_release_race
        void cancellingAWaiterAndReleasingTogetherHandsTheLockToExactlyOne() {
            AsyncLock lock = AsyncLock.create();
            AtomicInteger lockCount = new AtomicInteger();
            AtomicInteger callCount = new AtomicInteger();
            Supplier<Mono<Void>> lockitCall = () -> Mono.defer(() -> {
                callCount.incrementAndGet();
                return lock.acquire().then(Mono.fromRunnable(lockCount::incrementAndGet));
            });
            createTask(lock.acquire());
            Task<Void> t1 = createTask(lockitCall.get());
            Task<Void> t2 = createTask(lockitCall.get());
            Task<Void> t3 = createTask(lockitCall.get());

            sameIteration(() -> {
                t1.cancel();
                lock.release();
            });

            assertThat(lockCount).as("only one lock was taken").hasValue(1);
            assertThat(callCount).hasValue(3);
            assertThat(t1.isCancelled()).isTrue();
            assertThat(t2.isDone()).isTrue();
            t3.cancel();
            assertThat(t3.isCancelled()).isTrue();
        }

        @Test // CPython: test_locks.py LockTests.test_finished_waiter_cancelled
        void aReleaseReachesTheSecondWaiterWhenTheFirstIsCancelled() {
            AsyncLock lock = AsyncLock.create();
            createTask(lock.acquire());
            assertThat(lock.isLocked()).isTrue();
            Task<Void> tb = createTask(lock.acquire());
            Task<Void> tc = createTask(lock.acquire());
            sameIteration(tb::cancel, lock::release);
            assertThat(lock.isLocked()).isTrue();
            assertThat(tb.isCancelled()).isTrue();
            assertThat(tc.isDone()).isTrue();
        }

        @Test // CPython: test_locks.py LockTests.test_release_not_acquired
        void releasingAnUnlockedLockFails() {
            assertThatThrownBy(AsyncLock.create()::release).isInstanceOf(IllegalStateException.class);
        }

        @Test // CPython: test_locks.py LockTests.test_release_no_waiters
        void releaseWithoutWaitersUnlocks() {
            AsyncLock lock = AsyncLock.create();
            createTask(lock.acquire());
            assertThat(lock.isLocked()).isTrue();
            lock.release();
            assertThat(lock.isLocked()).isFalse();
        }

        @Test // CPython: test_locks.py LockTests.test_context_manager
        void withLockHoldsTheLockOnlyInside() {
            AsyncLock lock = AsyncLock.create();
            assertThat(lock.isLocked()).isFalse();
            Task<Boolean> inside = createTask(lock.withLock(() -> Mono.fromCallable(lock::isLocked)));
            assertThat(inside.result()).isTrue();
            assertThat(lock.isLocked()).isFalse();
        }
    }

    @Nested
    class EventTests {

        @Test // CPython: test_locks.py EventTests.test_repr
        void toStringSaysWhetherSetAndHowManyWait() {
            AsyncEvent ev = AsyncEvent.create();
            assertThat(ev.toString()).contains("[unset");
            ev.set();
            assertThat(ev.toString()).contains("[set");
            ev.clear();
            createTask(ev.awaitSet());
            assertThat(ev.toString()).contains("waiting=1");
        }

        @Test // CPython: test_locks.py EventTests.test_wait
        @Tag(DIFFERS) // createTask starts at once: t3 is already waiting when set() is called
        void setWakesEveryWaiterInTheOrderTheyStartedWaiting() {
            AsyncEvent ev = AsyncEvent.create();
            assertThat(ev.isSet()).isFalse();
            List<Integer> result = new ArrayList<>();
            Task<Boolean> t1 = createTask(appendAfter(ev.awaitSet(), result, 1));
            Task<Boolean> t2 = createTask(appendAfter(ev.awaitSet(), result, 2));
            assertThat(result).isEmpty();
            Task<Boolean> t3 = createTask(appendAfter(ev.awaitSet(), result, 3));
            ev.set();
            // CPython: [3, 1, 2], because t3 has not started when set() is called
            assertThat(result).containsExactly(1, 2, 3);
            assertThat(List.of(t1.isDone(), t2.isDone(), t3.isDone())).containsOnly(true);
        }

        @Test // CPython: test_locks.py EventTests.test_wait_on_set
        void waitingOnASetEventReturnsAtOnce() {
            AsyncEvent ev = AsyncEvent.create();
            ev.set();
            StepVerifier.create(ev.awaitSet()).verifyComplete();
        }

        @Test // CPython: test_locks.py EventTests.test_wait_cancel
        void aCancelledWaitLeavesNoWaiter() {
            AsyncEvent ev = AsyncEvent.create();
            Task<Void> wait = createTask(ev.awaitSet());
            wait.cancel();
            assertThatThrownBy(wait::result).isInstanceOf(CancellationException.class);
            assertThat(ev.waitingCount()).isZero();
        }

        @Test // CPython: test_locks.py EventTests.test_clear
        void clearUnsets() {
            AsyncEvent ev = AsyncEvent.create();
            assertThat(ev.isSet()).isFalse();
            ev.set();
            assertThat(ev.isSet()).isTrue();
            ev.clear();
            assertThat(ev.isSet()).isFalse();
        }

        @Test // CPython: test_locks.py EventTests.test_clear_with_waiters
        void aWaiterWokenBySetStaysWokenWhenClearFollows() {
            AsyncEvent ev = AsyncEvent.create();
            List<Integer> result = new ArrayList<>();
            Task<Boolean> t = createTask(appendAfter(ev.awaitSet(), result, 1));
            assertThat(result).isEmpty();
            ev.set();
            ev.clear();
            assertThat(ev.isSet()).isFalse();
            ev.set();
            ev.set();
            assertThat(result).containsExactly(1);
            assertThat(ev.waitingCount()).isZero();
            assertThat(t.result()).isTrue();
        }
    }

    @Nested
    class ConditionTests {

        final AsyncCondition cond = AsyncCondition.create();
        final AsyncLock lock = cond.lock();

        /** {@code await cond.acquire(); if await cond.wait(): result.append(n); return True}. */
        Mono<Boolean> waitThenAppend(List<Integer> result, int n, boolean release) {
            return lock.acquire().then(cond.awaitSignal())
                    .then(Mono.fromRunnable(() -> {
                        result.add(n);
                        if (release) {
                            lock.release();
                        }
                    }))
                    .thenReturn(true);
        }

        @Test // CPython: test_locks.py ConditionTests.test_wait
        void aSignalledWaiterResumesOnceItHasTheLockBack() {
            List<Integer> result = new ArrayList<>();
            Task<Boolean> t1 = createTask(waitThenAppend(result, 1, false));
            Task<Boolean> t2 = createTask(waitThenAppend(result, 2, false));
            Task<Boolean> t3 = createTask(waitThenAppend(result, 3, false));
            assertThat(result).isEmpty();
            assertThat(lock.isLocked()).isFalse();

            assertThat(lock.tryAcquire()).isTrue();
            cond.signal();
            assertThat(result).isEmpty();
            assertThat(lock.isLocked()).isTrue();

            lock.release();
            assertThat(result).containsExactly(1);
            assertThat(lock.isLocked()).isTrue();

            cond.signal(2);
            assertThat(result).containsExactly(1);
            assertThat(lock.isLocked()).isTrue();

            lock.release();
            assertThat(result).containsExactly(1, 2);
            assertThat(lock.isLocked()).isTrue();

            lock.release();
            assertThat(result).containsExactly(1, 2, 3);
            assertThat(lock.isLocked()).isTrue();
            assertThat(List.of(t1.result(), t2.result(), t3.result())).containsOnly(true);
        }

        @Test // CPython: test_locks.py ConditionTests.test_wait_cancel
        void aCancelledWaitTakesTheLockBack() {
            assertThat(lock.tryAcquire()).isTrue();
            Task<Void> wait = createTask(cond.awaitSignal());
            wait.cancel();
            assertThatThrownBy(wait::result).isInstanceOf(CancellationException.class);
            assertThat(cond.waitingCount()).isZero();
            assertThat(lock.isLocked()).isTrue();
        }

        @Test // CPython: test_locks.py ConditionTests.test_wait_cancel_contested
        void aWaitCancelledWhileTheLockIsContestedStillEndsHoldingIt() {
            assertThat(lock.tryAcquire()).isTrue();
            Task<Void> waitTask = createTask(cond.awaitSignal());
            assertThat(lock.isLocked()).isFalse();
            assertThat(lock.tryAcquire()).isTrue();
            cond.signal();
            sameIteration(waitTask::cancel, lock::release);
            assertThat(lock.isLocked()).isTrue();
        }

        @Test // CPython: test_locks.py ConditionTests.test_wait_cancel_after_notify (bpo-32841)
        void aWaiterCancelledAfterItWasSignalledIsCancelledAndLeavesTheLockFree() {
            AtomicBoolean waited = new AtomicBoolean();
            Task<Void> waiter = createTask(lock.withLock(() -> {
                waited.set(true);
                return cond.awaitSignal();
            }));
            assertThat(lock.tryAcquire()).isTrue();
            cond.signal();
            waiter.cancel();
            lock.release();
            assertThat(waiter.isCancelled()).isTrue();
            assertThat(waited).isTrue();
            assertThat(lock.isLocked()).isFalse();
        }

        @Test // CPython: test_locks.py ConditionTests.test_wait_unacquired
        void waitingWithoutTheLockFails() {
            StepVerifier.create(cond.awaitSignal()).expectError(IllegalStateException.class).verify();
        }

        @Test // CPython: test_locks.py ConditionTests.test_wait_for
        void awaitUntilWaitsForSignalsUntilThePredicateHolds() {
            AtomicBoolean presult = new AtomicBoolean();
            List<Integer> result = new ArrayList<>();
            Task<Boolean> t = createTask(lock.acquire().then(cond.awaitUntil(presult::get))
                    .then(Mono.fromRunnable(() -> {
                        result.add(1);
                        lock.release();
                    }))
                    .thenReturn(true));
            assertThat(result).isEmpty();

            assertThat(lock.tryAcquire()).isTrue();
            cond.signal();
            lock.release();
            assertThat(result).isEmpty();

            presult.set(true);
            assertThat(lock.tryAcquire()).isTrue();
            cond.signal();
            lock.release();
            assertThat(result).containsExactly(1);
            assertThat(t.result()).isTrue();
        }

        @Test // CPython: test_locks.py ConditionTests.test_wait_for_unacquired
        void awaitUntilWithoutTheLockReturnsWhenThePredicateAlreadyHoldsAndFailsOtherwise() {
            StepVerifier.create(cond.awaitUntil(() -> true)).verifyComplete();
            StepVerifier.create(cond.awaitUntil(() -> false)).expectError(IllegalStateException.class).verify();
        }

        @Test // CPython: test_locks.py ConditionTests.test_notify
        void signalWakesAtMostTheGivenNumberOfWaiters() {
            List<Integer> result = new ArrayList<>();
            Task<Boolean> t1 = createTask(waitThenAppend(result, 1, true));
            Task<Boolean> t2 = createTask(waitThenAppend(result, 2, true));
            Task<Boolean> t3 = createTask(waitThenAppend(result, 3, true));
            assertThat(result).isEmpty();

            assertThat(lock.tryAcquire()).isTrue();
            cond.signal(1);
            lock.release();
            assertThat(result).containsExactly(1);

            assertThat(lock.tryAcquire()).isTrue();
            cond.signal(1);
            cond.signal(2048);
            lock.release();
            assertThat(result).containsExactly(1, 2, 3);
            assertThat(List.of(t1.result(), t2.result(), t3.result())).containsOnly(true);
        }

        @Test // CPython: test_locks.py ConditionTests.test_notify_all
        void signalAllWakesEveryWaiter() {
            List<Integer> result = new ArrayList<>();
            Task<Boolean> t1 = createTask(waitThenAppend(result, 1, true));
            Task<Boolean> t2 = createTask(waitThenAppend(result, 2, true));
            assertThat(result).isEmpty();
            assertThat(lock.tryAcquire()).isTrue();
            cond.signalAll();
            lock.release();
            assertThat(result).containsExactly(1, 2);
            assertThat(List.of(t1.result(), t2.result())).containsOnly(true);
        }

        @Test // CPython: test_locks.py ConditionTests.test_notify_unacquired
        void signalWithoutTheLockFails() {
            assertThatThrownBy(cond::signal).isInstanceOf(IllegalStateException.class);
        }

        @Test // CPython: test_locks.py ConditionTests.test_notify_all_unacquired
        void signalAllWithoutTheLockFails() {
            assertThatThrownBy(cond::signalAll).isInstanceOf(IllegalStateException.class);
        }

        @Test // CPython: test_locks.py ConditionTests.test_repr
        void toStringShowsTheLockAndTheWaiters() {
            assertThat(cond.toString()).contains("unlocked");
            assertThat(lock.tryAcquire()).isTrue();
            assertThat(cond.toString()).contains("locked");
            createTask(cond.awaitSignal());
            assertThat(cond.toString()).contains("waiting=1");
            assertThat(lock.tryAcquire()).isTrue();
            createTask(cond.awaitSignal());
            assertThat(cond.toString()).contains("waiting=2");
        }

        @Test // CPython: test_locks.py ConditionTests.test_context_manager
        void withLockOnTheConditionsLockHoldsItOnlyInside() {
            assertThat(lock.isLocked()).isFalse();
            Task<Boolean> inside = createTask(cond.lock().withLock(() -> Mono.fromCallable(lock::isLocked)));
            assertThat(inside.result()).isTrue();
            assertThat(lock.isLocked()).isFalse();
        }

        @Test // CPython: test_locks.py ConditionTests.test_explicit_lock
        void aConditionOnAGivenLockSharesIt() {
            AsyncLock explicit = AsyncLock.create();
            AsyncCondition onIt = AsyncCondition.create(explicit);
            assertThat(onIt.lock()).isSameAs(explicit);
            Task<Boolean> inside = createTask(onIt.lock().withLock(() -> Mono.fromCallable(explicit::isLocked)));
            assertThat(inside.result()).isTrue();
            assertThat(explicit.isLocked()).isFalse();
            Task<Boolean> viaLock = createTask(explicit.withLock(() -> Mono.fromCallable(() -> onIt.lock().isLocked())));
            assertThat(viaLock.result()).isTrue();
        }

        @Test // CPython: test_locks.py ConditionTests.test_timeout_in_block
        void aWaitForTimeoutInsideTheLockFailsAndReleasesTheLock() {
            Task<Void> t = createTask(lock.withLock(() -> Tasks.waitFor(cond.awaitSignal(), seconds(0.5))));
            advance(0.499);
            assertThat(t.isDone()).isFalse();
            advance(0.001);
            assertThat(failureOf(t)).isInstanceOf(WaitTimeoutException.class);
            assertThat(lock.isLocked()).isFalse();
        }
    }

    @Nested
    class SemaphoreTests {

        @Test // CPython: test_locks.py SemaphoreTests.test_initial_value_zero
        void aSemaphoreWithNoPermitsIsLocked() {
            assertThat(AsyncSemaphore.of(0).isLocked()).isTrue();
        }

        @Test // CPython: test_locks.py SemaphoreTests.test_repr
        void toStringShowsThePermitsAndTheWaiters() {
            AsyncSemaphore sem = AsyncSemaphore.of(1);
            assertThat(sem.toString()).contains("available=1");
            createTask(sem.acquire());
            assertThat(sem.toString()).contains("available=0").contains("waiting=0");
            createTask(sem.acquire());
            assertThat(sem.toString()).contains("waiting=1");
            createTask(sem.acquire());
            assertThat(sem.toString()).contains("waiting=2");
        }

        @Test // CPython: test_locks.py SemaphoreTests.test_semaphore_value
        void aNegativeCountIsRefused() {
            assertThatThrownBy(() -> AsyncSemaphore.of(-1)).isInstanceOf(IllegalArgumentException.class);
        }

        @Test // CPython: test_locks.py SemaphoreTests.test_acquire
        void waitersShareThePermitsAsTheyAreReleased() {
            AsyncSemaphore sem = AsyncSemaphore.of(3);
            List<Integer> result = new ArrayList<>();
            assertThat(createTask(sem.acquire()).isDone()).isTrue();
            assertThat(createTask(sem.acquire()).isDone()).isTrue();
            assertThat(sem.isLocked()).isFalse();

            Task<Boolean> t1 = createTask(appendAfter(sem.acquire(), result, 1));
            Task<Boolean> t2 = createTask(appendAfter(sem.acquire(), result, 2));
            Task<Boolean> t3 = createTask(appendAfter(sem.acquire(), result, 3));
            assertThat(result).containsExactly(1);
            assertThat(sem.isLocked()).isTrue();
            assertThat(sem.waitingCount()).isEqualTo(2);
            assertThat(sem.availablePermits()).isZero();

            Task<Boolean> t4 = createTask(appendAfter(sem.acquire(), result, 4));
            sem.release();
            sem.release();
            assertThat(sem.availablePermits()).isZero();
            assertThat(result).hasSize(3);
            assertThat(sem.isLocked()).isTrue();
            assertThat(sem.waitingCount()).isEqualTo(1);

            assertThat(t1.result()).isTrue();
            assertThat(List.of(t2, t3, t4)).filteredOn(Task::isDone).hasSize(2);
            sem.release();
            assertThat(List.of(t2.result(), t3.result(), t4.result())).containsOnly(true);
        }

        @Test // CPython: test_locks.py SemaphoreTests.test_acquire_cancel
        void aCancelledAcquireLeavesNoWaiter() {
            AsyncSemaphore sem = AsyncSemaphore.of(1);
            createTask(sem.acquire());
            Task<Void> acquire = createTask(sem.acquire());
            acquire.cancel();
            assertThatThrownBy(acquire::result).isInstanceOf(CancellationException.class);
            assertThat(sem.waitingCount()).isZero();
        }

        @Test // CPython: test_locks.py SemaphoreTests.test_acquire_cancel_before_awoken
        void aReleaseAfterTwoCancellationsWakesTheThirdWaiterOnly() {
            AsyncSemaphore sem = AsyncSemaphore.of(0);
            Task<Void> t1 = createTask(sem.acquire());
            Task<Void> t2 = createTask(sem.acquire());
            Task<Void> t3 = createTask(sem.acquire());
            Task<Void> t4 = createTask(sem.acquire());
            sameIteration(t1::cancel, t2::cancel, sem::release);
            assertThat(t3.isDone()).isTrue();
            assertThat(t4.isDone()).isFalse();
            t3.cancel();
            t4.cancel();
        }

        @Test // CPython: test_locks.py SemaphoreTests.test_acquire_hang
        void aReleaseAfterACancellationWakesTheNextWaiter() {
            AsyncSemaphore sem = AsyncSemaphore.of(0);
            Task<Void> t1 = createTask(sem.acquire());
            Task<Void> t2 = createTask(sem.acquire());
            sameIteration(t1::cancel, sem::release);
            assertThat(sem.isLocked()).isTrue();
            assertThat(t2.isDone()).isTrue();
        }

        @Test // CPython: test_locks.py SemaphoreTests.test_acquire_no_hang
        void aPermitGrantedToAWaiterCancelledAtThatMomentIsNotLost() {
            AsyncSemaphore sem = AsyncSemaphore.of(1);
            AtomicReference<Task<Void>> t2 = new AtomicReference<>();
            AtomicBoolean c2Entered = new AtomicBoolean();
            Task<Void> t1 = createTask(sem.withPermit(() -> sleep(0.01))
                    .then(Mono.fromRunnable(() -> t2.get().cancel())));
            t2.set(createTask(sem.withPermit(() -> Mono.fromRunnable(() -> c2Entered.set(true)))));
            // the timer wakes t1, whose release hands the permit to t2, and t1 then cancels t2,
            // all before t2 runs: one iteration of asyncio's loop
            sameIteration(() -> advance(0.01));
            assertThat(t1.isDone()).isTrue();
            assertThat(t1.isCancelled()).isFalse();
            assertThat(t2.get().isCancelled()).isTrue();
            assertThat(c2Entered).isFalse();
            Task<Void> again = createTask(Tasks.waitFor(sem.acquire(), seconds(1.0)));
            assertThat(again.isDone()).as("the permit was given back").isTrue();
        }

        @Test // CPython: test_locks.py SemaphoreTests.test_release_not_acquired
        void releasingABoundedSemaphoreBeyondItsValueFails() {
            assertThatThrownBy(AsyncSemaphore.bounded(1)::release).isInstanceOf(IllegalStateException.class);
        }

        @Test // CPython: test_locks.py SemaphoreTests.test_release_no_waiters
        void releaseWithoutWaitersUnlocks() {
            AsyncSemaphore sem = AsyncSemaphore.of(1);
            createTask(sem.acquire());
            assertThat(sem.isLocked()).isTrue();
            sem.release();
            assertThat(sem.isLocked()).isFalse();
        }

        @Test // CPython: test_locks.py SemaphoreTests.test_acquire_fifo_order
        void waitersAreServedFirstComeFirstServed() {
            AsyncSemaphore sem = AsyncSemaphore.of(1);
            List<String> result = new CopyOnWriteArrayList<>();
            java.util.function.Function<String, Mono<Void>> coro = tag -> sem.acquire()
                    .then(Mono.fromRunnable(() -> result.add(tag + "_1")))
                    .then(sleep(0.01))
                    .then(Mono.fromRunnable(sem::release))
                    .then(sem.acquire())
                    .then(Mono.fromRunnable(() -> result.add(tag + "_2")))
                    .then(sleep(0.01))
                    .then(Mono.fromRunnable(sem::release));
            Task<Void> group = createTask(TaskGroup.run(tg -> {
                tg.spawn(coro.apply("c1"));
                tg.spawn(coro.apply("c2"));
                tg.spawn(coro.apply("c3"));
                return Mono.<Void>empty();
            }));
            advance(0.06);
            assertThat(group.isDone()).isTrue();
            assertThat(result).containsExactly("c1_1", "c2_1", "c3_1", "c1_2", "c2_2", "c3_2");
        }

        @Test // CPython: test_locks.py SemaphoreTests.test_acquire_fifo_order_2
        void aWaiterThatReleasesAndAcquiresAgainGoesToTheBackOfTheLine() {
            AsyncSemaphore sem = AsyncSemaphore.of(1);
            List<Integer> result = new ArrayList<>();
            Task<Boolean> t1 = createTask(appendAfter(sem.acquire(), result, 1));
            Task<Boolean> t2 = createTask(sem.acquire()
                    .then(Mono.fromRunnable(() -> {
                        result.add(2);
                        sem.release();
                    }))
                    .then(sem.acquire())
                    .then(Mono.fromRunnable(() -> result.add(4)))
                    .thenReturn(true));
            Task<Boolean> t3 = createTask(appendAfter(sem.acquire(), result, 3));
            sem.release();
            sem.release();
            assertThat(List.of(t1.result(), t2.result(), t3.result())).containsOnly(true);
            assertThat(result).containsExactly(1, 2, 3, 4);
        }

        @Test // CPython: test_locks.py SemaphoreTests.test_acquire_fifo_order_3
        void aCancelledWaiterIsSkippedByLaterReleases() {
            AsyncSemaphore sem = AsyncSemaphore.of(0);
            List<Integer> result = new ArrayList<>();
            Task<Boolean> t1 = createTask(appendAfter(sem.acquire(), result, 1));
            Task<Boolean> t2 = createTask(appendAfter(sem.acquire(), result, 2));
            Task<Boolean> t3 = createTask(appendAfter(sem.acquire(), result, 3));
            t1.cancel();
            sem.release();
            sem.release();
            assertThat(t2.isDone() && t3.isDone()).isTrue();
            assertThat(result).containsExactly(2, 3);
        }
    }

    @Nested
    class BarrierTests {

        static final int N = 5;

        /** {@code make_tasks(n, coro)} and {@code gather(*tasks)}: every task must be done. */
        List<Task<Object>> gatherTasks(int n, Supplier<Mono<?>> coro) {
            List<Task<Object>> tasks = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                @SuppressWarnings("unchecked")
                Mono<Object> m = (Mono<Object>) coro.get();
                tasks.add(createTask(m));
            }
            List<Mono<Object>> joins = new ArrayList<>();
            tasks.forEach(t -> joins.add(t.join()));
            Task<Void> all = createTask(Mono.when(joins));
            assertThat(all.isDone()).as("every party got through: " + tasks).isTrue();
            all.result();
            return tasks;
        }

        /** {@code barrier.n_waiting == 0 and not barrier.broken}. */
        void assertEmptyAndUnbroken(AsyncBarrier barrier) {
            assertThat(barrier.waitingCount()).isZero();
            assertThat(barrier.isBroken()).isFalse();
        }

        /** {@code try: await body except BrokenBarrierError: onBroken else: orElse}. */
        Mono<Void> tryBroken(Mono<?> body, Supplier<Mono<?>> onBroken, Supplier<Mono<?>> orElse) {
            return body.then(Mono.just(true))
                    .onErrorResume(BrokenBarrierException.class, e -> Mono.just(false))
                    .flatMap(ok -> (ok ? orElse.get() : onBroken.get()).then());
        }

        @Test // CPython: test_locks.py BarrierTests.test_barrier
        void aNewBarrierIsFilling() {
            assertThat(AsyncBarrier.of(N).toString()).contains("filling");
        }

        @Test // CPython: test_locks.py BarrierTests.test_repr
        @Tag(DIFFERS) // no "resetting" phase: reset() breaks the parties in the barrier at once
        void toStringShowsThePhaseAndTheWaitingParties() {
            AsyncBarrier barrier = AsyncBarrier.of(N);
            assertThat(barrier.toString()).contains("filling");
            List<Task<Integer>> waiters = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                waiters.add(createTask(barrier.arrive()));
            }
            assertThat(barrier.toString()).contains("waiting=2/" + N).contains("filling");
            List<String> seenWhileDraining = new ArrayList<>();
            for (int i = barrier.waitingCount(); i < barrier.parties(); i++) {
                waiters.add(createTask(barrier.arrive().doOnNext(index -> seenWhileDraining.add(barrier.toString()))));
            }
            assertThat(seenWhileDraining).first().asString().contains("draining");
            for (int i = 0; i < 2; i++) {
                waiters.add(createTask(barrier.arrive()));
            }
            barrier.reset();
            // CPython: "resetting" until the broken parties have left; here they are broken at once
            assertThat(barrier.toString()).contains("filling");
            for (int i = 0; i < 2; i++) {
                waiters.add(createTask(barrier.arrive()));
            }
            barrier.abort();
            assertThat(barrier.toString()).contains("broken");
            assertThat(barrier.isBroken()).isTrue();
            assertThat(waiters).allMatch(Task::isDone);
        }

        @Test // CPython: test_locks.py BarrierTests.test_barrier_parties
        void aBarrierNeedsAtLeastOneParty() {
            assertThatThrownBy(() -> AsyncBarrier.of(0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> AsyncBarrier.of(-4)).isInstanceOf(IllegalArgumentException.class);
            assertThat(AsyncBarrier.of(N)).isNotNull();
        }

        @Test // CPython: test_locks.py BarrierTests.test_context_manager
        void everyPartyGetsADistinctIndex() {
            AsyncBarrier barrier = AsyncBarrier.of(3);
            List<Integer> results = new CopyOnWriteArrayList<>();
            gatherTasks(3, () -> barrier.arrive().doOnNext(results::add));
            assertThat(results).containsExactlyInAnyOrder(0, 1, 2);
            assertEmptyAndUnbroken(barrier);
        }

        @Test // CPython: test_locks.py BarrierTests.test_filling_one_task
        void aBarrierForOnePartyLetsItThroughAtOnce() {
            AsyncBarrier barrier = AsyncBarrier.of(1);
            Task<Boolean> f = createTask(barrier.arrive().thenReturn(true));
            assertThat(f.result()).isTrue();
            assertEmptyAndUnbroken(barrier);
        }

        @Test // CPython: test_locks.py BarrierTests.test_filling_one_task_twice
        void aBarrierForOnePartyLetsEachThroughWithIndexZero() {
            AsyncBarrier barrier = AsyncBarrier.of(1);
            Task<Integer> t1 = createTask(barrier.arrive());
            assertThat(barrier.waitingCount()).isZero();
            Task<Integer> t2 = createTask(barrier.arrive());
            assertThat(t1.result()).isEqualTo(t2.result()).isZero();
            assertEmptyAndUnbroken(barrier);
        }

        @Test // CPython: test_locks.py BarrierTests.test_filling_task_by_task
        void partiesWaitInTheFillingPhaseUntilTheLastArrives() {
            AsyncBarrier barrier = AsyncBarrier.of(3);
            Task<Integer> t1 = createTask(barrier.arrive());
            assertThat(barrier.waitingCount()).isEqualTo(1);
            assertThat(barrier.toString()).contains("filling");
            Task<Integer> t2 = createTask(barrier.arrive());
            assertThat(barrier.waitingCount()).isEqualTo(2);
            assertThat(barrier.toString()).contains("filling");
            Task<Integer> t3 = createTask(barrier.arrive());
            assertThat(List.of(t1, t2, t3)).allMatch(Task::isDone);
            assertEmptyAndUnbroken(barrier);
        }

        @Test // CPython: test_locks.py BarrierTests.test_filling_tasks_wait_twice
        void partiesPassTheBarrierTwice() {
            AsyncBarrier barrier = AsyncBarrier.of(N);
            List<Boolean> results = new CopyOnWriteArrayList<>();
            gatherTasks(N, () -> barrier.arrive()
                    .then(Mono.fromRunnable(() -> results.add(true)))
                    .then(barrier.arrive())
                    .then(Mono.fromRunnable(() -> results.add(false))));
            assertThat(results).hasSize(2 * N);
            assertThat(results).filteredOn(b -> b).hasSize(N);
            assertEmptyAndUnbroken(barrier);
        }

        @Test // CPython: test_locks.py BarrierTests.test_filling_tasks_check_return_value
        void theSecondRoundHandsOutEveryIndexOnce() {
            AsyncBarrier barrier = AsyncBarrier.of(N);
            List<Boolean> results1 = new CopyOnWriteArrayList<>();
            List<Boolean> results2 = new CopyOnWriteArrayList<>();
            List<Task<Object>> tasks = gatherTasks(N, () -> barrier.arrive()
                    .then(Mono.fromRunnable(() -> results1.add(true)))
                    .then(barrier.arrive())
                    .doOnNext(i -> results2.add(true)));
            assertThat(results1).hasSize(N);
            assertThat(results2).hasSize(N);
            List<Object> res = new ArrayList<>();
            tasks.forEach(t -> res.add(t.result()));
            assertThat(res).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
            assertEmptyAndUnbroken(barrier);
        }

        @Test // CPython: test_locks.py BarrierTests.test_draining_state
        void thePartiesLeaveOneByOneAndTheLastToLeaveEndsTheDraining() {
            AsyncBarrier barrier = AsyncBarrier.of(N);
            List<Boolean> results = new CopyOnWriteArrayList<>();
            gatherTasks(N, () -> barrier.arrive()
                    .doOnNext(i -> results.add(barrier.toString().contains("draining"))));
            assertThat(results).hasSize(N);
            assertThat(results.subList(0, N - 1)).containsOnly(true);
            assertThat(results.get(N - 1)).isFalse();
            assertEmptyAndUnbroken(barrier);
        }

        @Test // CPython: test_locks.py BarrierTests.test_blocking_tasks_while_draining
        void partiesThatComeBackWhileTheBarrierDrainsWaitForTheNextRound() {
            int rewait = 2;
            AsyncBarrier barrier = AsyncBarrier.of(N);
            AsyncBarrier barrierNowaiting = AsyncBarrier.of(N - rewait);
            AtomicInteger rewaitN = new AtomicInteger(rewait);
            gatherTasks(N, () -> barrier.arrive().then(Mono.defer(() -> rewaitN.getAndDecrement() > 0
                    ? barrier.arrive()
                    : barrierNowaiting.arrive().then(barrier.arrive()))));
            assertThat(barrier.waitingCount()).isZero();
        }

        @Test // CPython: test_locks.py BarrierTests.test_filling_tasks_cancel_one
        void aCancelledPartyNoLongerCountsAsArrived() {
            AsyncBarrier barrier = AsyncBarrier.of(3);
            List<Boolean> results = new CopyOnWriteArrayList<>();
            Supplier<Mono<Void>> coro = () -> barrier.arrive().then(Mono.fromRunnable(() -> results.add(true)));
            Task<Void> t1 = createTask(coro.get());
            assertThat(barrier.waitingCount()).isEqualTo(1);
            Task<Void> t2 = createTask(coro.get());
            assertThat(barrier.waitingCount()).isEqualTo(2);
            t1.cancel();
            assertThat(barrier.waitingCount()).isEqualTo(1);
            assertThatThrownBy(t1::result).isInstanceOf(CancellationException.class);
            Task<Void> t3 = createTask(coro.get());
            assertThat(barrier.waitingCount()).isEqualTo(2);
            Task<Void> t4 = createTask(coro.get());
            assertThat(List.of(t2, t3, t4)).allMatch(Task::isDone);
            assertThat(results).hasSize(3);
            assertEmptyAndUnbroken(barrier);
        }

        @Test // CPython: test_locks.py BarrierTests.test_reset_barrier
        void resettingAnEmptyBarrierLeavesItUnbroken() {
            AsyncBarrier barrier = AsyncBarrier.of(1);
            barrier.reset();
            assertEmptyAndUnbroken(barrier);
        }

        @Test // CPython: test_locks.py BarrierTests.test_reset_barrier_while_tasks_waiting
        void resetBreaksEveryWaitingParty() {
            AsyncBarrier barrier = AsyncBarrier.of(N);
            List<Boolean> results = new CopyOnWriteArrayList<>();
            List<Task<Void>> tasks = new ArrayList<>();
            for (int i = 0; i < N - 1; i++) {
                tasks.add(createTask(tryBroken(barrier.arrive(), () -> Mono.fromRunnable(() -> results.add(true)), Mono::empty)));
            }
            barrier.reset();
            assertThat(tasks).allMatch(Task::isDone);
            assertThat(results).hasSize(N - 1);
            assertThat(barrier.waitingCount()).isZero();
            assertThat(barrier.toString()).doesNotContain("resetting");
            assertThat(barrier.isBroken()).isFalse();
        }

        @Test // CPython: test_locks.py BarrierTests.test_reset_barrier_when_tasks_half_draining
        void resetWhileDrainingBreaksThePartiesThatHaveNotLeft() {
            AsyncBarrier barrier = AsyncBarrier.of(N);
            List<Boolean> results1 = new CopyOnWriteArrayList<>();
            int restOfTasks = N / 2;
            AtomicInteger left = new AtomicInteger();
            gatherTasks(N, () -> tryBroken(barrier.arrive(),
                    () -> Mono.fromRunnable(() -> results1.add(true)),
                    // CPython: "if rest_of_tasks == barrier._count", the parties still in the barrier
                    () -> Mono.fromRunnable(() -> {
                        if (N - left.incrementAndGet() == restOfTasks) {
                            barrier.reset();
                        }
                    })));
            assertThat(results1).containsExactly(true, true);
            assertThat(barrier.waitingCount()).isZero();
            assertThat(barrier.toString()).doesNotContain("resetting");
            assertThat(barrier.isBroken()).isFalse();
        }

        @Test // CPython: test_locks.py BarrierTests.test_reset_barrier_when_tasks_half_draining_half_blocking
        void resetWhileHalfDrainingAndHalfBlockingBreaksOnlyThePartiesStillDraining() {
            AsyncBarrier barrier = AsyncBarrier.of(N);
            List<Boolean> results1 = new CopyOnWriteArrayList<>();
            List<Boolean> results2 = new CopyOnWriteArrayList<>();
            int blockingTasks = N / 2;
            AtomicInteger count = new AtomicInteger();
            gatherTasks(N, () -> tryBroken(barrier.arrive(),
                    () -> Mono.fromRunnable(() -> results1.add(true)).then(barrier.arrive()),
                    () -> Mono.defer(() -> {
                        if (count.incrementAndGet() > blockingTasks) {
                            barrier.reset();
                            return barrier.arrive();
                        }
                        return tryBroken(barrier.arrive(), () -> Mono.fromRunnable(() -> results2.add(true)), Mono::empty);
                    })));
            assertThat(results1).containsExactly(true, true);
            assertThat(results2).isEmpty();
            assertThat(barrier.waitingCount()).isZero();
            assertThat(barrier.toString()).doesNotContain("resetting");
            assertThat(barrier.isBroken()).isFalse();
        }

        @Test // CPython: test_locks.py BarrierTests.test_reset_barrier_while_tasks_waiting_and_waiting_again
        void partiesBrokenByResetCanWaitAgain() {
            AsyncBarrier barrier = AsyncBarrier.of(N);
            List<Boolean> results1 = new CopyOnWriteArrayList<>();
            List<Boolean> results2 = new CopyOnWriteArrayList<>();
            List<Task<Void>> tasks = new ArrayList<>();
            for (int i = 0; i < N - 1; i++) {
                tasks.add(createTask(barrier.arrive().then()
                        .onErrorResume(BrokenBarrierException.class, e -> Mono.fromRunnable(() -> results1.add(true)))
                        .then(barrier.arrive())
                        .then(Mono.fromRunnable(() -> results2.add(true)))));
            }
            barrier.reset();
            createTask(barrier.arrive().then(Mono.fromRunnable(() -> results2.add(true))));
            assertThat(tasks).allMatch(Task::isDone);
            assertThat(barrier.isBroken()).isFalse();
            assertThat(results1).hasSize(N - 1);
            assertThat(results2).hasSize(N);
            assertThat(barrier.waitingCount()).isZero();
        }

        @Test // CPython: test_locks.py BarrierTests.test_reset_barrier_while_tasks_draining
        void resetByTheLastPartyToLeaveBreaksNobody() {
            AsyncBarrier barrier = AsyncBarrier.of(N);
            List<Boolean> results1 = new CopyOnWriteArrayList<>();
            List<Boolean> results2 = new CopyOnWriteArrayList<>();
            List<Boolean> results3 = new CopyOnWriteArrayList<>();
            AtomicInteger count = new AtomicInteger();
            gatherTasks(N, () -> barrier.arrive()
                    .then(Mono.defer(() -> {
                        if (count.incrementAndGet() == N) {
                            barrier.reset();    // the last party out of the barrier
                            return barrier.arrive().then();
                        }
                        return barrier.arrive()
                                .then(Mono.fromRunnable(() -> results1.add(true)))
                                .onErrorResume(e -> Mono.fromRunnable(() -> results2.add(true)))
                                .then();
                    }))
                    .then(barrier.arrive())
                    .then(Mono.fromRunnable(() -> results3.add(true))));
            assertThat(barrier.isBroken()).isFalse();
            assertThat(results1).hasSize(N - 1);
            assertThat(results2).isEmpty();
            assertThat(results3).hasSize(N);
            assertThat(barrier.waitingCount()).isZero();
        }

        @Test // CPython: test_locks.py BarrierTests.test_abort_barrier
        void abortBreaksAnEmptyBarrier() {
            AsyncBarrier barrier = AsyncBarrier.of(1);
            barrier.abort();
            assertThat(barrier.waitingCount()).isZero();
            assertThat(barrier.isBroken()).isTrue();
        }

        @Test // CPython: test_locks.py BarrierTests.test_abort_barrier_when_tasks_half_draining_half_blocking
        void abortWhileHalfDrainingAndHalfBlockingBreaksBothHalves() {
            AsyncBarrier barrier = AsyncBarrier.of(N);
            List<Boolean> results1 = new CopyOnWriteArrayList<>();
            List<Boolean> results2 = new CopyOnWriteArrayList<>();
            int blockingTasks = N / 2;
            AtomicInteger count = new AtomicInteger();
            gatherTasks(N, () -> tryBroken(barrier.arrive(),
                    () -> Mono.fromRunnable(() -> results1.add(true)),
                    () -> Mono.defer(() -> {
                        if (count.incrementAndGet() > blockingTasks) {
                            barrier.abort();
                            return Mono.empty();
                        }
                        return tryBroken(barrier.arrive(), () -> Mono.fromRunnable(() -> results2.add(true)), Mono::empty);
                    })));
            assertThat(barrier.isBroken()).isTrue();
            assertThat(results1).hasSize(blockingTasks);
            assertThat(results2).hasSize(N - blockingTasks - 1);
            assertThat(barrier.waitingCount()).isZero();
            assertThat(barrier.toString()).doesNotContain("resetting");
        }

        @Test // CPython: test_locks.py BarrierTests.test_abort_barrier_when_exception
        void abortAfterAFailureBreaksEveryOtherParty() {
            AsyncBarrier barrier = AsyncBarrier.of(N);
            List<Boolean> results1 = new CopyOnWriteArrayList<>();
            List<Boolean> results2 = new CopyOnWriteArrayList<>();
            gatherTasks(N, () -> barrier.arrive()
                    .flatMap(i -> i == N / 2 ? Mono.error(new IllegalStateException("party " + i)) : Mono.just(i))
                    .then(barrier.arrive())
                    .then(Mono.fromRunnable(() -> results1.add(true)))
                    .onErrorResume(BrokenBarrierException.class, e -> Mono.fromRunnable(() -> results2.add(true)))
                    .onErrorResume(IllegalStateException.class, e -> Mono.fromRunnable(barrier::abort)));
            assertThat(barrier.isBroken()).isTrue();
            assertThat(results1).isEmpty();
            assertThat(results2).hasSize(N - 1);
            assertThat(barrier.waitingCount()).isZero();
        }

        @Test // CPython: test_locks.py BarrierTests.test_abort_barrier_when_exception_then_resetting
        void aBarrierAbortedAfterAFailureCanBeResetAndUsedAgain() {
            AsyncBarrier barrier1 = AsyncBarrier.of(N);
            AsyncBarrier barrier2 = AsyncBarrier.of(N);
            List<Boolean> results1 = new CopyOnWriteArrayList<>();
            List<Boolean> results2 = new CopyOnWriteArrayList<>();
            List<Boolean> results3 = new CopyOnWriteArrayList<>();
            gatherTasks(N, () -> barrier1.arrive()
                    .flatMap(i -> i == N / 2 ? Mono.error(new IllegalStateException("party " + i)) : Mono.just(i))
                    .then(barrier1.arrive())
                    .then(Mono.fromRunnable(() -> results1.add(true)))
                    .onErrorResume(BrokenBarrierException.class, e -> Mono.fromRunnable(() -> results2.add(true)))
                    .onErrorResume(IllegalStateException.class, e -> Mono.fromRunnable(barrier1::abort))
                    // synchronize and reset the barrier: first so that everyone has left it when it is
                    // reset, then so that no one enters it before the reset
                    .then(barrier2.arrive())
                    .flatMap(i -> i == N / 2 ? Mono.fromRunnable(barrier1::reset).thenReturn(i) : Mono.just(i))
                    .then(barrier2.arrive())
                    .then(barrier1.arrive())
                    .then(Mono.fromRunnable(() -> results3.add(true))));
            assertThat(barrier1.isBroken()).isFalse();
            assertThat(results1).isEmpty();
            assertThat(results2).hasSize(N - 1);
            assertThat(results3).hasSize(N);
            assertThat(barrier1.waitingCount()).isZero();
        }
    }
}
