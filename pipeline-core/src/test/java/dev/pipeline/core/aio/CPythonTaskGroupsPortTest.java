package dev.pipeline.core.aio;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * CPython's {@code Lib/test/test_asyncio/test_taskgroups.py} (3.13), ported case by case to
 * {@code TaskGroup}. {@code ZeroDivisionError} is an {@link ArithmeticException} here,
 * {@code ValueError} an {@link IllegalArgumentException}, {@code ExceptionGroup} a
 * {@link TaskGroupException}.
 *
 * <p>Not ported, for want of a counterpart: task names and {@code contextvars}
 * ({@code test_taskgroup_task_name}, {@code test_taskgroup_task_context}, {@code test_name}),
 * {@code KeyboardInterrupt} ({@code test_taskgroup_20}), entering a group by hand
 * ({@code test_taskgroup_already_entered}, {@code test_taskgroup_double_enter},
 * {@code test_taskgroup_not_entered}, {@code test_taskgroup_without_parent_task}: a group exists
 * only inside {@code TaskGroup.run}), {@code Task.cancelling()} ({@code test_cancelling_level_preserved})
 * and the reference-cycle tests ({@code test_exception_refcycles_*}).
 */
class CPythonTaskGroupsPortTest extends CPythonPort {

    /** {@code 1 / 0}. */
    static <T> Mono<T> divideByZero() {
        return Mono.error(new ArithmeticException("/ by zero"));
    }

    /** {@code try: await asyncio.sleep(10) finally: 1 / 0}: a clean-up that fails when cancelled. */
    static Mono<Void> sleepThenFailInFinally() {
        return sleepThenRaiseInFinally(new ArithmeticException("/ by zero"));
    }

    /** {@code try: await asyncio.sleep(10) finally: raise error}. */
    static Mono<Void> sleepThenRaiseInFinally(Throwable error) {
        return Mono.usingWhen(Mono.just("resource"), x -> sleep(10), x -> Mono.empty(),
                (x, e) -> Mono.empty(), x -> Mono.error(error));
    }

    /** {@code get_error_types(eg)}. */
    static Set<Class<?>> errorTypes(Throwable group) {
        assertThat(group).isInstanceOf(TaskGroupException.class);
        Set<Class<?>> types = new LinkedHashSet<>();
        ((TaskGroupException) group).getExceptions().forEach(e -> types.add(e.getClass()));
        return types;
    }

    @Test // CPython: test_taskgroups.py test_taskgroup_01
    void theGroupEndsWhenEveryChildHas() {
        List<Task<Integer>> t = new ArrayList<>();
        Task<Void> g = createTask(TaskGroup.run(tg -> {
            t.add(tg.spawn(sleep(0.1, 42)));
            t.add(tg.spawn(sleep(0.2, 11)));
            return Mono.<Void>empty();
        }));
        advance(0.199);
        assertThat(g.isDone()).isFalse();
        advance(0.001);
        assertThat(g.isDone()).isTrue();
        assertThat(t.get(0).result()).isEqualTo(42);
        assertThat(t.get(1).result()).isEqualTo(11);
    }

    @Test // CPython: test_taskgroups.py test_taskgroup_02
    void theBodyMaySpawnAfterWaiting() {
        List<Task<Integer>> t = new ArrayList<>();
        Task<Void> g = createTask(TaskGroup.run(tg -> Mono.fromRunnable(() -> t.add(tg.spawn(sleep(0.1, 42))))
                .then(sleep(0.15))
                .then(Mono.fromRunnable(() -> t.add(tg.spawn(sleep(0.2, 11)))))));
        advance(0.35);
        assertThat(g.isDone()).isTrue();
        assertThat(t.get(0).result()).isEqualTo(42);
        assertThat(t.get(1).result()).isEqualTo(11);
    }

    @Test // CPython: test_taskgroups.py test_taskgroup_03
    void aChildCancelledOnItsOwnLeavesTheOthersRunning() {
        List<Task<Integer>> t = new ArrayList<>();
        Task<Void> g = createTask(TaskGroup.run(tg -> Mono.fromRunnable(() -> t.add(tg.spawn(sleep(1, 42))))
                .then(sleep(0.15))
                .then(Mono.fromRunnable(() -> {
                    t.get(0).cancel();
                    t.add(tg.spawn(sleep(0.2, 11)));
                }))));
        advance(0.35);
        assertThat(g.isDone()).isTrue();
        g.result();
        assertThat(t.get(0).isCancelled()).isTrue();
        assertThat(t.get(1).result()).isEqualTo(11);
    }

    @Test // CPython: test_taskgroups.py test_taskgroup_04
    void aFailingChildCancelsItsSiblingAndFailsTheGroup() {
        AtomicInteger num = new AtomicInteger();
        AtomicBoolean t2Cancel = new AtomicBoolean();
        AtomicReference<Task<Void>> t2 = new AtomicReference<>();
        Task<Void> runner = createTask(TaskGroup.run(tg -> {
            tg.spawn(sleep(0.1).then(divideByZero()));
            t2.set(tg.spawn(sleep(1).doOnCancel(() -> t2Cancel.set(true)).then(Mono.fromRunnable(num::incrementAndGet))));
            return Mono.<Void>empty();
        }).then(Mono.fromRunnable(() -> num.addAndGet(10))));
        advance(0.1);
        assertThat(errorTypes(failureOf(runner))).containsExactly(ArithmeticException.class);
        assertThat(num).hasValue(0);
        assertThat(t2Cancel).isTrue();
        assertThat(t2.get().isCancelled()).isTrue();
    }

    @Test // CPython: test_taskgroups.py test_cancel_children_on_child_error
    void aFailingChildCancelsTheOtherChildrenAndTheBody() {
        AtomicInteger num = new AtomicInteger();
        AtomicBoolean t2Cancel = new AtomicBoolean();
        AtomicBoolean runnerCancel = new AtomicBoolean();
        Task<Void> runner = createTask(TaskGroup.run(tg -> {
            tg.spawn(sleep(0.1).then(divideByZero()));
            tg.spawn(sleep(0.1).then(divideByZero()));
            tg.spawn(sleep(0.1).then(divideByZero()));
            tg.spawn(sleep(5).doOnCancel(() -> t2Cancel.set(true)).then(Mono.fromRunnable(num::incrementAndGet)));
            return sleep(10).doOnCancel(() -> runnerCancel.set(true));
        }).then(Mono.fromRunnable(() -> num.addAndGet(10))));
        advance(0.1);
        assertThat(errorTypes(failureOf(runner))).containsExactly(ArithmeticException.class);
        assertThat(num).hasValue(0);
        assertThat(t2Cancel).isTrue();
        assertThat(runnerCancel).isTrue();
    }

    @Test // CPython: test_taskgroups.py test_cancellation
    void cancellingTheGroupCancelsEveryChild() {
        AtomicInteger num = new AtomicInteger();
        Task<Void> r = createTask(TaskGroup.run(tg -> {
            for (int i = 0; i < 5; i++) {
                tg.spawn(sleep(5).doOnCancel(num::incrementAndGet));
            }
            return Mono.<Void>empty();
        }));
        advance(0.1);
        assertThat(r.isDone()).isFalse();
        r.cancel();
        assertThatThrownBy(r::result).isInstanceOf(CancellationException.class);
        assertThat(num).hasValue(5);
    }

    @Test // CPython: test_taskgroups.py test_taskgroup_07
    void cancellingTheGroupCancelsTheChildrenAndTheBody() {
        AtomicInteger num = new AtomicInteger();
        Task<Void> r = createTask(TaskGroup.run(tg -> {
            for (int i = 0; i < 5; i++) {
                tg.spawn(sleep(5).doOnCancel(num::incrementAndGet));
            }
            return sleep(10).doOnCancel(() -> num.addAndGet(10));
        }));
        advance(0.1);
        assertThat(r.isDone()).isFalse();
        r.cancel();
        assertThatThrownBy(r::result).isInstanceOf(CancellationException.class);
        assertThat(num).hasValue(15);
    }

    @Test // CPython: test_taskgroups.py test_taskgroup_08
    @Tag(DIFFERS) // a cancelled child cannot fail (CPython's children raise in "finally")
    void childrenCannotFailWhileTheyAreCancelled() {
        Task<Void> r = createTask(TaskGroup.run(tg -> {
            for (int i = 0; i < 5; i++) {
                tg.spawn(sleepThenFailInFinally());
            }
            return sleep(10);
        }));
        advance(0.1);
        assertThat(r.isDone()).isFalse();
        r.cancel();
        // CPython: an ExceptionGroup of the ZeroDivisionErrors raised in the children's "finally"
        assertThatThrownBy(r::result).isInstanceOf(CancellationException.class);
    }

    @Test // CPython: test_taskgroups.py test_cancellation_in_body
    void cancellingTheGroupBeforeTheChildrenFailIsACancellation() {
        Task<Void> r = createTask(TaskGroup.run(tg -> {
            for (int i = 0; i < 5; i++) {
                tg.spawn(sleep(0.1).then(divideByZero()));
            }
            return sleep(10);
        }));
        advance(0.05);
        assertThat(r.isDone()).isFalse();
        r.cancel();
        assertThatThrownBy(r::result).isInstanceOf(CancellationException.class);
    }

    @Test // CPython: test_taskgroups.py test_taskgroup_09
    void aFailingBodyCancelsTheChildrenAfterWaiting() {
        List<Task<Integer>> t = new ArrayList<>();
        Task<Void> runner = createTask(TaskGroup.run(tg -> {
            t.add(tg.spawn(sleep(1, 42)));
            t.add(tg.spawn(sleep(2, 11)));
            return sleep(0.1).then(divideByZero());
        }));
        advance(0.1);
        assertThat(errorTypes(failureOf(runner))).containsExactly(ArithmeticException.class);
        assertThat(t.get(0).isCancelled()).isTrue();
        assertThat(t.get(1).isCancelled()).isTrue();
    }

    @Test // CPython: test_taskgroups.py test_taskgroup_10
    void aBodyFailingAtOnceCancelsTheChildren() {
        List<Task<Integer>> t = new ArrayList<>();
        Task<Void> runner = createTask(TaskGroup.run(tg -> {
            t.add(tg.spawn(sleep(1, 42)));
            t.add(tg.spawn(sleep(2, 11)));
            return divideByZero();
        }));
        assertThat(errorTypes(failureOf(runner))).containsExactly(ArithmeticException.class);
        assertThat(t.get(0).isCancelled()).isTrue();
        assertThat(t.get(1).isCancelled()).isTrue();
    }

    @Test // CPython: test_taskgroups.py test_taskgroup_11
    @Tag(DIFFERS) // a cancelled child cannot fail (CPython's children raise in "finally")
    void cancellingNestedGroupsIsACancellation() {
        Task<Void> r = createTask(TaskGroup.run(outer -> TaskGroup.run(g2 -> {
            for (int i = 0; i < 5; i++) {
                g2.spawn(sleepThenFailInFinally());
            }
            return sleep(10);
        })));
        advance(0.1);
        assertThat(r.isDone()).isFalse();
        r.cancel();
        // CPython: ExceptionGroup(ExceptionGroup(ZeroDivisionError)) from the children's "finally"
        assertThatThrownBy(r::result).isInstanceOf(CancellationException.class);
    }

    @Test // CPython: test_taskgroups.py test_taskgroup_12
    @Tag(DIFFERS) // a cancelled child cannot fail (CPython's children raise in "finally")
    void cancellingNestedGroupsWithASleepingOuterChildIsACancellation() {
        Task<Void> r = createTask(TaskGroup.run(g1 -> {
            g1.spawn(sleep(10));
            return TaskGroup.run(g2 -> {
                for (int i = 0; i < 5; i++) {
                    g2.spawn(sleepThenFailInFinally());
                }
                return sleep(10);
            });
        }));
        advance(0.1);
        assertThat(r.isDone()).isFalse();
        r.cancel();
        assertThatThrownBy(r::result).isInstanceOf(CancellationException.class);
    }

    static Mono<Void> crashAfter(double t) {
        return sleep(t).then(Mono.error(new IllegalArgumentException(String.valueOf(t))));
    }

    @Test // CPython: test_taskgroups.py test_taskgroup_13
    void anOuterChildFailingCancelsTheInnerGroup() {
        Task<Void> r = createTask(TaskGroup.run(g1 -> {
            g1.spawn(crashAfter(0.1));
            return TaskGroup.run(g2 -> {
                g2.spawn(crashAfter(10));
                return Mono.<Void>empty();
            });
        }));
        advance(0.1);
        assertThat(errorTypes(failureOf(r))).containsExactly(IllegalArgumentException.class);
    }

    @Test // CPython: test_taskgroups.py test_taskgroup_14
    void anInnerGroupFailingFailsTheOuterGroupWithTheInnerGroupsFailure() {
        Task<Void> r = createTask(TaskGroup.run(g1 -> {
            g1.spawn(crashAfter(10));
            return TaskGroup.run(g2 -> {
                g2.spawn(crashAfter(0.1));
                return Mono.<Void>empty();
            });
        }));
        advance(0.1);
        Throwable e = failureOf(r);
        assertThat(errorTypes(e)).containsExactly(TaskGroupException.class);
        assertThat(errorTypes(((TaskGroupException) e).getExceptions().get(0))).containsExactly(IllegalArgumentException.class);
    }

    @Test // CPython: test_taskgroups.py test_taskgroup_15
    @Tag(DIFFERS) // a cancelled body cannot keep running to wait for a child to fail
    void cancellingTheGroupEndsItAtOnce() {
        Task<Void> r = createTask(TaskGroup.run(g1 -> {
            g1.spawn(sleep(0.3).then(divideByZero()));
            return sleep(10);
        }));
        advance(0.1);
        assertThat(r.isDone()).isFalse();
        r.cancel();
        advance(1);
        // CPython: the body catches CancelledError and sleeps on, the child fails: an ExceptionGroup
        assertThatThrownBy(r::result).isInstanceOf(CancellationException.class);
    }

    @Test // CPython: test_taskgroups.py test_taskgroup_16
    @Tag(DIFFERS) // a cancelled body cannot keep running to wait for a child to fail
    void cancellingATaskAwaitingAGroupEndsTheGroupAtOnce() {
        Task<Void> nestedRunner = createTask(TaskGroup.run(g1 -> {
            g1.spawn(sleep(0.3).then(divideByZero()));
            return sleep(10);
        }));
        Task<Void> r = createTask(nestedRunner.join());
        advance(0.1);
        assertThat(r.isDone()).isFalse();
        r.cancel();
        advance(1);
        assertThatThrownBy(r::result).isInstanceOf(CancellationException.class);
        assertThat(nestedRunner.isCancelled()).as("awaiting a task owns it").isTrue();
    }

    @Test // CPython: test_taskgroups.py test_taskgroup_17
    void cancellingAGroupWithoutChildrenCancelsTheBody() {
        AtomicInteger num = new AtomicInteger();
        Task<Void> r = createTask(TaskGroup.run(tg -> sleep(10).doOnCancel(() -> num.addAndGet(10))));
        advance(0.1);
        assertThat(r.isDone()).isFalse();
        r.cancel();
        assertThatThrownBy(r::result).isInstanceOf(CancellationException.class);
        assertThat(num).hasValue(10);
    }

    @Test // CPython: test_taskgroups.py test_taskgroup_18
    @Tag(DIFFERS) // a cancelled body cannot turn the cancellation into a failure
    void aCancelledBodyCannotFailTheGroup() {
        AtomicInteger num = new AtomicInteger();
        Task<Void> r = createTask(TaskGroup.run(tg -> sleep(10).doOnCancel(() -> num.addAndGet(10))));
        advance(0.1);
        r.cancel();
        // CPython: the body raises MyExc from "except CancelledError": an ExceptionGroup of MyExc
        assertThatThrownBy(r::result).isInstanceOf(CancellationException.class);
        assertThat(num).hasValue(10);
    }

    static final class MyExc extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    /** {@code class MyBaseExc(BaseException)}: an {@link Error} that Reactor does not treat as fatal. */
    static final class MyBaseExc extends Error {
        private static final long serialVersionUID = 1L;
    }

    @Test // CPython: test_taskgroups.py test_taskgroup_19
    @Tag(DIFFERS) // the cancelled body's clean-up cannot add a failure
    void onlyTheChildsFailureIsReportedWhenTheCancelledBodyFailsInItsCleanUp() {
        Task<Void> r = createTask(TaskGroup.run(tg -> {
            tg.spawn(sleep(0.1).then(divideByZero()));
            return sleepThenRaiseInFinally(new MyExc());
        }));
        advance(0.1);
        // CPython: {MyExc, ZeroDivisionError}
        assertThat(errorTypes(failureOf(r))).containsExactly(ArithmeticException.class);
    }

    @Test // CPython: test_taskgroups.py test_taskgroup_20a
    @Tag(DIFFERS) // the cancelled body's clean-up cannot add a failure
    void anErrorInTheCancelledBodysCleanUpIsNotReported() {
        Task<Void> r = createTask(TaskGroup.run(tg -> {
            tg.spawn(sleep(0.1).then(divideByZero()));
            return sleepThenRaiseInFinally(new MyBaseExc());
        }));
        advance(0.1);
        // CPython: BaseExceptionGroup {MyBaseExc, ZeroDivisionError}
        assertThat(errorTypes(failureOf(r))).containsExactly(ArithmeticException.class);
    }

    @Test // CPython: test_taskgroups.py test_taskgroup_21a
    @Tag(DIFFERS) // the cancelled body's clean-up cannot add a failure
    void aChildsErrorIsReportedAndTheCancelledBodysCleanUpFailureIsNot() {
        Task<Void> r = createTask(TaskGroup.run(tg -> {
            tg.spawn(sleep(0.1).then(Mono.error(new MyBaseExc())));
            return sleepThenRaiseInFinally(new ClassCastException("TypeError"));
        }));
        advance(0.1);
        // CPython: BaseExceptionGroup {MyBaseExc, TypeError}
        assertThat(errorTypes(failureOf(r))).containsExactly(MyBaseExc.class);
    }

    @Test // CPython: test_taskgroups.py test_taskgroup_22
    void cancellingAGroupOfSleepingChildrenIsACancellation() {
        Task<Void> r = createTask(TaskGroup.run(tg -> {
            tg.spawn(sleep(1, 42));
            tg.spawn(sleep(2, 11));
            return Mono.<Void>empty();
        }));
        advance(0.05);
        r.cancel();
        assertThatThrownBy(r::result).isInstanceOf(CancellationException.class);
    }

    @Test // CPython: test_taskgroups.py test_taskgroup_23
    void finishedChildrenLeaveTheGroup() {
        List<Integer> activeAtCount5 = new ArrayList<>();
        List<Integer> activeAtEnd = new ArrayList<>();
        Task<Void> g = createTask(TaskGroup.run(tg -> Flux.range(0, 10)
                .concatMap(count -> sleep(0.1).then(Mono.fromRunnable(() -> {
                    tg.spawn(sleep(0.3));
                    if (count == 5) {
                        activeAtCount5.add(tg.activeCount());
                    }
                })))
                .then(sleep(1.35))
                .then(Mono.fromRunnable(() -> activeAtEnd.add(tg.activeCount())))));
        advance(2.35);
        assertThat(g.isDone()).isTrue();
        assertThat(activeAtCount5).singleElement().satisfies(n -> assertThat(n).isLessThan(5));
        assertThat(activeAtEnd).containsExactly(0);
    }

    @Test // CPython: test_taskgroups.py test_taskgroup_24
    void childrenMaySpawnChildrenInTheSameGroup() {
        Task<Void> g = createTask(TaskGroup.run(tg -> {
            tg.spawn(sleep(0.1).then(Mono.fromRunnable(() -> {
                tg.spawn(sleep(0.1));
                tg.spawn(sleep(0.2));
            })));
            return Mono.<Void>empty();
        }));
        advance(0.3);
        assertThat(g.isDone()).isTrue();
        g.result();
    }

    @Test // CPython: test_taskgroups.py test_taskgroup_25
    void aFailureEndsAGroupWhoseChildrenKeepSpawning() {
        AtomicInteger nhydras = new AtomicInteger();
        Task<Void> runner = createTask(TaskGroup.run(g -> {
            g.spawn(hydra(g, nhydras));
            g.spawn(hercules(nhydras));
            return Mono.<Void>empty();
        }));
        advance(1);
        assertThat(errorTypes(failureOf(runner))).containsExactly(ArithmeticException.class);
        assertThat(nhydras.get()).isGreaterThanOrEqualTo(10);
    }

    static Mono<Void> hydra(TaskGroup g, AtomicInteger nhydras) {
        return Mono.defer(() -> {
            nhydras.incrementAndGet();
            return sleep(0.01).then(Mono.fromRunnable(() -> {
                g.spawn(hydra(g, nhydras));
                g.spawn(hydra(g, nhydras));
            }));
        });
    }

    static Mono<Void> hercules(AtomicInteger nhydras) {
        return Mono.defer(() -> nhydras.get() < 10 ? sleep(0.015).then(hercules(nhydras)) : divideByZero());
    }

    @Test // CPython: test_taskgroups.py test_taskgroup_no_create_task_after_failure
    @Tag(DIFFERS) // spawning into a failing group returns a cancelled task instead of raising
    void aChildSpawnedWhileTheGroupFailsIsNotStarted() {
        AtomicReference<Task<Void>> late = new AtomicReference<>();
        AtomicBoolean lateStarted = new AtomicBoolean();
        Task<Void> r = createTask(TaskGroup.run(g -> {
            g.spawn(sleep(0.001).then(divideByZero()));
            g.spawn(sleep(1).doOnCancel(() ->
                    late.set(g.spawn(Mono.fromRunnable(() -> lateStarted.set(true))))));
            return Mono.<Void>empty();
        }));
        advance(0.001);
        assertThat(errorTypes(failureOf(r))).containsExactly(ArithmeticException.class);
        // CPython: create_task() raises RuntimeError
        assertThat(late.get().isCancelled()).isTrue();
        assertThat(lateStarted).isFalse();
    }

    @Test // CPython: test_taskgroups.py test_taskgroup_context_manager_exit_raises (gh-95289)
    @Tag(DIFFERS) // the cancelled body's clean-up cannot add a failure
    void aResourceWhoseReleaseFailsOnCancelAddsNoFailure() {
        Task<Void> main = createTask(TaskGroup.run(tg -> Mono.usingWhen(Mono.just("database"),
                db -> {
                    tg.spawn(Mono.error(new IllegalStateException("raise_exc")));
                    return sleep(1);
                },
                db -> Mono.empty(), (db, e) -> Mono.empty(),
                db -> Mono.error(new IllegalStateException("database")))));
        Throwable e = failureOf(main);
        // CPython: two CustomExceptions, the child's and the context manager's
        assertThat(((TaskGroupException) e).getExceptions()).hasSize(1);
    }

    /** A group that has run and finished. */
    static TaskGroup finishedGroup() {
        AtomicReference<TaskGroup> finished = new AtomicReference<>();
        assertThat(createTask(TaskGroup.run(tg -> {
            finished.set(tg);
            return Mono.empty();
        })).isDone()).isTrue();
        return finished.get();
    }

    @Test // CPython: test_taskgroups.py test_taskgroup_finished
    void spawningIntoAFinishedGroupFails() {
        TaskGroup finished = finishedGroup();
        assertThatThrownBy(() -> finished.spawn(sleep(0)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("has finished");
    }

    @Test // CPython: test_taskgroups.py test_coro_closed_when_tg_closed
    void aChildRefusedByAFinishedGroupNeverRuns() {
        TaskGroup finished = finishedGroup();
        AtomicBoolean ran = new AtomicBoolean();
        assertThatThrownBy(() -> finished.spawn(Mono.fromRunnable(() -> ran.set(true))))
                .isInstanceOf(IllegalStateException.class);
        assertThat(ran).isFalse();
    }

    @Test // CPython: test_taskgroups.py test_nested_groups_both_cancelled
    void anInnerGroupsFailureCaughtByTheBodyLeavesTheOuterGroupsOwn() {
        AtomicBoolean caughtInner = new AtomicBoolean();
        Task<Void> r = createTask(TaskGroup.run(outerTg -> TaskGroup.run(innerTg -> {
            innerTg.spawn(sleep(0).then(Mono.error(new IllegalStateException("RuntimeError"))));
            outerTg.spawn(sleep(0).then(Mono.error(new IllegalArgumentException("ValueError"))));
            return Mono.<Void>empty();
        }).onErrorResume(TaskGroupException.class, e -> {
            caughtInner.set(errorTypes(e).equals(Set.of(IllegalStateException.class)));
            return Mono.empty();
        })));
        assertThat(errorTypes(failureOf(r))).containsExactly(IllegalArgumentException.class);
        assertThat(caughtInner).as("except* RuntimeError").isTrue();
    }

    @Test // CPython: test_taskgroups.py test_error_and_cancel
    void aTaskCancelledAfterItsGroupFailedIsCancelled() {
        AsyncEvent event = AsyncEvent.create();
        AtomicBoolean caught = new AtomicBoolean();
        AtomicBoolean sleptInGroup = new AtomicBoolean();
        AtomicBoolean sleptAfterGroup = new AtomicBoolean();
        Task<Void> t = createTask(TaskGroup.run(tg -> {
            tg.spawn(Mono.fromRunnable(event::set).then(sleep(0)).then(Mono.error(new IllegalStateException("RuntimeError"))));
            return sleep(1).then(Mono.fromRunnable(() -> sleptInGroup.set(true)));
        }).onErrorResume(TaskGroupException.class, e -> Mono.fromRunnable(() -> caught.set(true)))
                .then(sleep(1))
                .then(Mono.fromRunnable(() -> sleptAfterGroup.set(true))));
        Task<Void> outer = createTask(event.awaitSet().then(Mono.fromRunnable(t::cancel)));
        assertThat(outer.isDone()).isTrue();
        advance(2);
        assertThat(t.isCancelled()).isTrue();
        assertThat(caught).isTrue();
        assertThat(sleptInGroup).as("the sleep in the group was cancelled").isFalse();
        assertThat(sleptAfterGroup).as("the sleep after the group was cancelled").isFalse();
    }

    @Test // CPython: test_taskgroups.py test_cancels_task_if_created_during_creation (gh-128550)
    void aChildWhoseOwnChildFailsIsCancelled() {
        AtomicBoolean ran = new AtomicBoolean();
        Task<Void> r = createTask(TaskGroup.run(tg -> {
            tg.spawn(Mono.defer(() -> {
                tg.spawn(Mono.error(new IllegalStateException("third task failed")));
                return sleep(0.001).doOnCancel(() -> ran.set(true));
            }));
            return Mono.<Void>empty();
        }));
        Throwable e = failureOf(r);
        assertThat(ran).as("the second task was cancelled").isTrue();
        assertThat(((TaskGroupException) e).getExceptions()).singleElement()
                .satisfies(x -> assertThat(x).hasMessage("third task failed"));
    }

    @Test // CPython: test_taskgroups.py test_cancellation_does_not_leak_out_of_tg
    void theGroupsFailureDoesNotCancelWhatComesAfterIt() {
        Task<String> after = createTask(TaskGroup.run(tg -> {
            tg.spawn(Mono.error(new IllegalStateException("MyError")));
            return Mono.<Void>empty();
        }).then(Mono.just("no failure")).onErrorResume(TaskGroupException.class, e -> Mono.just("MyError"))
                .flatMap(s -> sleep(0.01).thenReturn(s)));
        advance(0.01);
        assertThat(after.result()).isEqualTo("MyError");
    }
}
