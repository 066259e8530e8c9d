package dev.pipeline.core.aio;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import dev.pipeline.core.testing.Races;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.util.context.Context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What every {@link Task} offers besides awaiting: names, exception(), done callbacks, current and all tasks. */
class TaskTest {

    @Nested
    class Names {

        @Test
        void aTaskIsCalledWhatItWasNamedOrTaskNByDefault() {
            Task<String> named = Tasks.createTask("fetch /index", Mono.never());
            Task<String> first = Tasks.createTask(Mono.never());
            Task<String> second = Tasks.createTask(Mono.never());
            assertThat(named.name()).isEqualTo("fetch /index");
            assertThat(first.name()).matches("Task-\\d+");
            long n1 = Long.parseLong(first.name().substring(5));
            assertThat(second.name()).isEqualTo("Task-" + (n1 + 1));
            assertThat(named).hasToString("Task[fetch /index, running, awaiters=0]");
            named.cancel();
            first.cancel();
            second.cancel();
            assertThat(named).hasToString("Task[fetch /index, cancelled]");
        }

        @Test
        void aTaskGroupNamesItsChildren() {
            List<String> names = new ArrayList<>();
            StepVerifier.create(TaskGroup.run(tg -> {
                        names.add(tg.spawn("child a", Mono.just(1)).name());
                        names.add(tg.spawn(Mono.just(2)).name());
                        return Mono.empty();
                    }))
                    .verifyComplete();
            assertThat(names.get(0)).isEqualTo("child a");
            assertThat(names.get(1)).matches("Task-\\d+");
        }

        @Test
        void nullNamesAreRefused() {
            assertThatThrownBy(() -> Tasks.createTask(null, Mono.just(1)))
                    .isInstanceOf(NullPointerException.class).hasMessage("name must not be null");
        }
    }

    @Nested
    class Exception {

        @Test
        void isEmptyForASuccessAndTheFailureItselfForAFailure() throws java.lang.Exception {
            assertThat(Tasks.createTask(Mono.just(1)).exception()).isEmpty();
            IOException checked = new IOException("disk full");
            Task<Integer> failed = Tasks.createTask(Mono.error(checked));
            assertThat(failed.exception()).containsSame(checked);   // not wrapped, unlike result()
        }

        @Test
        void throwsWhileRunningAndForACancelledTask() {
            Task<Integer> running = Tasks.createTask(Mono.never());
            assertThatThrownBy(running::exception)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("still running").hasMessageContaining(running.name());
            running.cancel();
            assertThatThrownBy(running::exception).isInstanceOf(CancellationException.class);
        }

        @Test
        void aFutureAnswersTheSameWay() {
            AsyncFuture<String> f = AsyncFuture.create();
            assertThatThrownBy(f::exception).isInstanceOf(IllegalStateException.class).hasMessageContaining("pending");
            assertThatThrownBy(f::result).isInstanceOf(IllegalStateException.class).hasMessageContaining("pending");
            f.setResult("ok");
            assertThat(f.result()).isEqualTo("ok");
            assertThat(f.exception()).isEmpty();
        }
    }

    @Nested
    class DoneCallbacks {

        @Test
        void runOnceWithTheTaskInTheOrderTheyWereAddedAfterTheTasksGroupHeard() {
            AsyncFuture<String> reply = AsyncFuture.create();
            List<String> log = new CopyOnWriteArrayList<>();
            Task<String> t = Tasks.createTask(reply.mono());
            t.addDoneCallback(x -> log.add("first " + x.result()));
            t.join().subscribe(v -> log.add("awaiter " + v));
            t.addDoneCallback(x -> log.add("second " + (x == t)));
            assertThat(log).isEmpty();
            reply.setResult("pong");
            assertThat(log).containsExactly("first pong", "awaiter pong", "second true");
        }

        @Test
        void runAtOnceOnTheCallingThreadWhenAddedAfterTheTaskIsDone() {
            Task<Integer> failed = Tasks.createTask(Mono.error(new IllegalStateException("boom")));
            List<Object> seen = new ArrayList<>();
            failed.addDoneCallback(t -> seen.add(t.exception().orElseThrow().getMessage()));
            assertThat(seen).containsExactly("boom");
            Task<Integer> cancelled = Tasks.createTask(Mono.never());
            cancelled.cancel();
            cancelled.addDoneCallback(t -> seen.add(t.isCancelled()));
            assertThat(seen).containsExactly("boom", true);
        }

        @Test
        void aRemovedCallbackNeverRunsAndRemovalCountsEveryRegistration() {
            AsyncFuture<Void> go = AsyncFuture.create();
            Task<Void> t = Tasks.createTask(go.mono());
            AtomicInteger runs = new AtomicInteger();
            Consumer<Task<Void>> cb = x -> runs.incrementAndGet();
            t.addDoneCallback(cb);
            t.addDoneCallback(cb);
            assertThat(t.removeDoneCallback(cb)).isEqualTo(2);
            assertThat(t.removeDoneCallback(cb)).isZero();
            go.setResult(null);
            assertThat(runs).hasValue(0);
            assertThat(t.removeDoneCallback(cb)).as("nothing to remove once done").isZero();
        }

        @Test
        void aCallbackThatThrowsDoesNotStopTheOthers() {
            AsyncFuture<Integer> go = AsyncFuture.create();
            Task<Integer> t = Tasks.createTask(go.mono());
            List<String> log = new ArrayList<>();
            t.addDoneCallback(x -> {
                throw new IllegalStateException("a broken callback");
            });
            t.addDoneCallback(x -> log.add("ran"));
            go.setResult(1);
            assertThat(log).containsExactly("ran");
        }

        @Test
        void aFutureRunsItsCallbacksTooWithItselfAsArgument() {
            AsyncFuture<String> f = AsyncFuture.create();
            List<String> log = new ArrayList<>();
            Consumer<AsyncFuture<String>> removed = x -> log.add("removed");
            f.addDoneCallback(x -> log.add("got " + x.result()));
            f.addDoneCallback(removed);
            assertThat(f.removeDoneCallback(removed)).isEqualTo(1);
            f.setResult("pong");
            f.addDoneCallback(x -> log.add("late"));
            assertThat(log).containsExactly("got pong", "late");
        }

        @Test
        void everyCallbackRunsExactlyOnceWhenAddedAndRemovedWhileTheTaskCompletesOnAnotherThread() throws java.lang.Exception {
            int threads = 4;
            int iterations = 3_000;
            for (int i = 0; i < iterations; i++) {
                AsyncFuture<Integer> go = AsyncFuture.create();
                Task<Integer> t = Tasks.createTask(go.mono());
                AtomicInteger added = new AtomicInteger();
                AtomicInteger removed = new AtomicInteger();
                AtomicInteger ran = new AtomicInteger();
                Races.run(threads, index -> {
                    if (index == 0) {
                        go.setResult(1);
                        return;
                    }
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    for (int k = 0; k < 20; k++) {
                        Consumer<Task<Integer>> cb = x -> ran.incrementAndGet();
                        t.addDoneCallback(cb);
                        added.incrementAndGet();
                        if (rnd.nextBoolean()) {
                            removed.addAndGet(t.removeDoneCallback(cb));
                        }
                    }
                });
                assertThat(ran.get()).as("iteration %d", i).isEqualTo(added.get() - removed.get());
            }
        }
    }

    @Nested
    class CurrentTask {

        @Test
        void aTasksCoroutineSeesItsTaskAndCodeOutsideAnyTaskSeesNone() {
            Task<String> t = Tasks.createTask("report", Tasks.currentTask().map(Task::name));
            assertThat(t.result()).isEqualTo("report");
            StepVerifier.create(Tasks.currentTask()).verifyComplete();
        }

        @Test
        void theTaskIsSeenAfterAnAwaitOnAnotherThreadAndAtAnyDepth() {
            AtomicReference<Task<?>> seen = new AtomicReference<>();
            Task<Void> t = Tasks.createTask(Tasks.sleep(Duration.ofMillis(1))
                    .then(Mono.defer(() -> Tasks.gather(Tasks.currentTask(), Mono.just(0))))
                    .doOnNext(list -> seen.set((Task<?>) list.get(0)))
                    .publishOn(Schedulers.parallel())
                    .then());
            StepVerifier.create(t.join()).verifyComplete();
            assertThat(seen.get()).isSameAs(t);
        }

        @Test
        void aGroupsChildrenSeeThemselvesAndTheBodySeesTheEnclosingTask() {
            List<String> seen = new CopyOnWriteArrayList<>();
            Task<Void> outer = Tasks.createTask("outer", TaskGroup.run(tg -> {
                tg.spawn("child", Tasks.currentTask().doOnNext(c -> seen.add("child sees " + c.name())));
                return Tasks.currentTask().doOnNext(c -> seen.add("body sees " + c.name())).then();
            }));
            assertThat(outer.isDone()).isTrue();
            assertThat(seen).containsExactlyInAnyOrder("child sees child", "body sees outer");
        }

        @Test
        void theContextOfTheGroupsSubscriberStillReachesTheChildren() {
            StepVerifier.create(TaskGroup.run(tg -> tg.spawn(Mono.deferContextual(ctx ->
                                    Tasks.currentTask().map(t -> ctx.<String>get("user") + " in " + t.name()))).join())
                            .contextWrite(Context.of("user", "ada")))
                    .expectNextMatches(s -> s.matches("ada in Task-\\d+"))
                    .verifyComplete();
        }
    }

    @Nested
    class AllTasks {

        @Test
        void listsTheTasksNotYetDone() {
            AsyncFuture<Void> go = AsyncFuture.create();
            Task<Void> waiting = Tasks.createTask("waiting", go.mono());
            Task<Integer> finished = Tasks.createTask(Mono.just(1));
            Task<Void> cancelled = Tasks.createTask(Mono.never());
            cancelled.cancel();
            assertThat(Tasks.allTasks()).contains(waiting).doesNotContain(finished, cancelled);
            go.setResult(null);
            assertThat(Tasks.allTasks()).doesNotContain(waiting);
        }

        @Test
        void aRunningTaskSeesItselfInAllTasks() {
            Task<Boolean> t = Tasks.createTask(Tasks.currentTask().map(me -> Tasks.allTasks().contains(me)));
            assertThat(t.result()).isTrue();
        }

        @Test
        void aPendingTaskNothingCanReachIsForgottenNotKeptAlive() {
            WeakReference<Task<Void>> ref = new WeakReference<>(Tasks.createTask(AsyncFuture.<Void>create().mono()));
            for (int i = 0; i < 50 && ref.get() != null; i++) {
                System.gc();
                Tasks.createTask(Mono.empty()); // a registration unlinks collected entries
            }
            assertThat(ref.get()).as("collected, although it never finished").isNull();
        }

        @Test
        void tasksStartedAndFinishedOnManyThreadsAreAllUnregistered() throws java.lang.Exception {
            int threads = 8;
            int perThread = 5_000;
            List<Task<Integer>> kept = new CopyOnWriteArrayList<>();
            AsyncEvent go = AsyncEvent.create();
            Races.run(threads, index -> {
                for (int i = 0; i < perThread; i++) {
                    Task<Integer> t = Tasks.createTask(i % 2 == 0 ? Mono.just(i) : go.awaitSet().thenReturn(i));
                    if (i % 100 == 1) {
                        kept.add(t); // odd: waits for go, unless cancelled below (i % 3 == 0)
                    }
                    if (i % 3 == 0) {
                        t.cancel();
                    }
                }
            });
            java.util.Set<Task<?>> running = Tasks.allTasks();
            assertThat(kept).filteredOn(t -> !t.isDone()).hasSizeGreaterThan(100)
                    .allSatisfy(t -> assertThat(running).contains(t));
            go.set();
            assertThat(Tasks.allTasks()).doesNotContainAnyElementsOf(kept);
            assertThat(kept).allSatisfy(t -> assertThat(t.isDone()).isTrue());
        }
    }
}
