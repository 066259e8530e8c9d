package dev.pipeline.core.aio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The examples of {@code docs/concepts.md}. Each region between {@code // tag::name[]} and
 * {@code // end::name[]} is copied into the doc (checked by {@code DocSnippetsTest}), and each
 * test asserts what its snippet claims, so the doc cannot drift from the behaviour.
 *
 * <p>Flat on purpose (no {@code @Nested}): the default StepVerifier timeout set in
 * {@link #boundEveryVerify()} then applies to every test here.
 */
class ConceptsExamplesTest {

    private static final Duration VERIFY_TIMEOUT = Duration.ofSeconds(5);

    @BeforeAll
    static void boundEveryVerify() {
        StepVerifier.setDefaultTimeout(VERIFY_TIMEOUT);
    }

    @AfterAll
    static void resetVerifyTimeout() {
        StepVerifier.resetDefaultTimeout();
    }

    // tag::helpers[]
    /** Stands in for an I/O call (an HTTP GET, a query): a coroutine emitting the name in upper case. */
    static Mono<String> fetch(String name) {
        return Mono.fromCallable(() -> name.toUpperCase(Locale.ROOT));
    }
    // end::helpers[]

    // ------------------------------------------------------------------ coroutines, await, run

    @Test
    void aMonoIsLazyLikeACoroutineAndRunsAgainOnEachSubscription() {
        // tag::coroutine[]
        AtomicInteger calls = new AtomicInteger();
        Mono<String> page = Mono.fromCallable(() -> "page " + calls.incrementAndGet());
        assertThat(calls).hasValue(0);         // like calling an async def: nothing has run yet

        String first = Tasks.run(page);        // "page 1": awaiting it runs it
        String second = Tasks.run(page);       // "page 2": a Mono can be awaited again, and runs again
        // end::coroutine[]
        assertThat(first).isEqualTo("page 1");
        assertThat(second).isEqualTo("page 2");
        assertThat(calls).hasValue(2);
    }

    @Test
    void awaitIsComposition() {
        // tag::await[]
        Mono<String> both = fetch("a").flatMap(a ->            // a = await fetch("a")
                fetch("b").map(b -> a + " and " + b));          // b = await fetch("b"); return ...
        Mono<String> afterSetup = fetch("setup").then(both);   // await fetch("setup"), value unused
        // end::await[]
        StepVerifier.create(afterSetup).expectNext("A and B").verifyComplete();
    }

    @Test
    void runBlocksTheCallingThreadUntilTheMainCoroutineEnds() {
        // tag::run[]
        String index = Tasks.run(fetch("index"));                          // asyncio.run(main())
        List<String> pages = Tasks.run(Tasks.gather(fetch("a"), fetch("b")));   // like a Runner: run again
        // end::run[]
        assertThat(index).isEqualTo("INDEX");
        assertThat(pages).containsExactly("A", "B");
    }

    @Test
    void runRethrowsTheFailureOfMain() {
        assertThatThrownBy(() -> Tasks.run(Mono.error(new IllegalArgumentException("bad input"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bad input");
        assertThat(Tasks.run(Mono.<String>empty())).isNull();
    }

    @Test
    void timersRunOnReactorSchedulerThreadsNotOnOneLoop() {
        // tag::eventLoop[]
        Mono<String> thread = Tasks.sleep(Duration.ofMillis(5))     // loop.call_later(0.005, ...)
                .then(Mono.fromCallable(() -> Thread.currentThread().getName()));
        // end::eventLoop[]
        StepVerifier.create(thread)
                .assertNext(name -> assertThat(name).startsWith("parallel-"))
                .verifyComplete();
    }

    // ------------------------------------------------------------------ tasks

    @Test
    void createTaskStartsAtOnceAndCachesItsResult() {
        // tag::createTask[]
        AsyncFuture<String> reply = AsyncFuture.create();
        Task<String> task = Tasks.createTask(reply.mono().map(String::toUpperCase));   // running from now on
        boolean doneBefore = task.isDone();     // false: it waits for the reply
        reply.setResult("pong");
        String result = task.result();          // "PONG": the task is done, no waiting
        // end::createTask[]
        assertThat(doneBefore).isFalse();
        assertThat(task.isDone()).isTrue();
        assertThat(result).isEqualTo("PONG");
        StepVerifier.create(task.join()).expectNext("PONG").verifyComplete();
        StepVerifier.create(task.join()).expectNext("PONG").verifyComplete();
    }

    @Test
    void createTaskIsEagerAndJoiningDoesNotRunItAgain() {
        // tag::eagerTask[]
        AtomicInteger runs = new AtomicInteger();
        Mono<Integer> coroutine = Mono.fromCallable(runs::incrementAndGet);   // lazy: runs == 0
        Task<Integer> task = Tasks.createTask(coroutine);                      // eager: runs == 1 already
        Mono<Integer> awaitTask = task.join();                                 // await task: no new run
        // end::eagerTask[]
        assertThat(runs).hasValue(1);
        StepVerifier.create(awaitTask).expectNext(1).verifyComplete();
        StepVerifier.create(awaitTask).expectNext(1).verifyComplete();
        assertThat(runs).hasValue(1);
    }

    @Test
    void resultOfARunningTaskIsAnError() {
        Task<String> task = Tasks.createTask(Mono.never());
        assertThatThrownBy(task::result).isInstanceOf(IllegalStateException.class).hasMessageContaining("still running");
        assertThat(task.cancel()).isTrue();
        assertThat(task.cancel()).isFalse();
    }

    @Test
    void cancellingATaskIsASignalUpstreamThatUsingWhenCleansUpAfter() {
        // tag::cancelTask[]
        List<String> log = new CopyOnWriteArrayList<>();
        Mono<String> query = Mono.usingWhen(
                Mono.fromCallable(() -> log.add("open")),
                opened -> Mono.<String>never(),                           // a query that hangs
                opened -> Mono.fromRunnable(() -> log.add("close")));     // on complete, error and cancel
        Task<String> task = Tasks.createTask(query);
        task.cancel();        // no CancelledError inside: a cancel signal travels upstream
        // end::cancelTask[]
        assertThat(log).containsExactly("open", "close");
        assertThat(task.isCancelled()).isTrue();
        assertThat(task.isDone()).isTrue();
        StepVerifier.create(task.join()).expectError(CancellationException.class).verify();
        assertThatThrownBy(task::result).isInstanceOf(CancellationException.class);
    }

    @Test
    void awaitingATaskOwnsItAndShieldAwaitsItWithoutOwningIt() {
        // tag::awaitOwnsTask[]
        AsyncFuture<String> reply = AsyncFuture.create();
        Task<String> owned = Tasks.createTask(reply.mono());
        Task<String> kept = Tasks.createTask(reply.mono());
        Disposable impatient = owned.join().subscribe();     // await owned
        Disposable patient = Tasks.shield(kept).subscribe(); // await asyncio.shield(kept)
        impatient.dispose();    // cancels owned, as a cancelled "await task" does
        patient.dispose();      // only stops waiting: kept runs on
        // end::awaitOwnsTask[]
        assertThat(owned.isCancelled()).isTrue();
        assertThat(kept.isDone()).isFalse();
        reply.setResult("late");
        assertThat(kept.result()).isEqualTo("late");
    }

    // ------------------------------------------------------------------ gather

    @Test
    void gatherEmitsTheValuesInArgumentOrder() {
        // tag::gather[]
        Mono<List<String>> pages = Tasks.gather(fetch("a"), fetch("b"), fetch("c"));
        // end::gather[]
        StepVerifier.create(pages).expectNext(List.of("A", "B", "C")).verifyComplete();
    }

    @Test
    void gatherCancelsTheSiblingsOnTheFirstError() {
        // tag::gatherFailure[]
        AtomicBoolean siblingCancelled = new AtomicBoolean();
        Mono<List<String>> pages = Tasks.gather(
                Mono.<String>never().doOnCancel(() -> siblingCancelled.set(true)),
                Mono.error(new IOException("b: connection refused")));
        // fails with the IOException, and the first Mono is cancelled (asyncio leaves it running)
        // end::gatherFailure[]
        StepVerifier.create(pages)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IOException.class)
                        .hasMessage("b: connection refused"))
                .verify();
        assertThat(siblingCancelled).isTrue();
    }

    @Test
    void gatherTreatsAnEmptyMonoAsAnErrorNamingItsIndex() {
        // tag::gatherEmpty[]
        Mono<String> missing = Mono.empty();                                   // e.g. a cache miss
        Mono<List<String>> strict = Tasks.gather(fetch("a"), missing);         // fails: index 1 is empty
        Mono<List<Optional<String>>> lenient =                                 // [Optional[A], Optional.empty]
                Tasks.gather(fetch("a").singleOptional(), missing.singleOptional());
        // end::gatherEmpty[]
        StepVerifier.create(strict)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(NoSuchElementException.class)
                        .hasMessageContaining("index 1"))
                .verify();
        StepVerifier.create(lenient).expectNext(List.of(Optional.of("A"), Optional.empty())).verifyComplete();
    }

    @Test
    void gatherSettledReportsEveryOutcomeWithoutFailing() {
        // tag::gatherSettled[]
        Mono<List<Outcome<String>>> outcomes = Tasks.gatherSettled(
                fetch("a"),
                Mono.error(new IOException("b: connection refused")));
        Mono<List<String>> succeeded = outcomes.map(all -> all.stream()
                .filter(Outcome::isSuccess).map(Outcome::value).collect(Collectors.toList()));
        // end::gatherSettled[]
        StepVerifier.create(outcomes)
                .assertNext(all -> {
                    assertThat(all).hasSize(2);
                    assertThat(all.get(0)).isEqualTo(Outcome.success("A"));
                    assertThat(all.get(1).isSuccess()).isFalse();
                    assertThat(all.get(1).error()).isInstanceOf(IOException.class).hasMessage("b: connection refused");
                })
                .verifyComplete();
        StepVerifier.create(succeeded).expectNext(List.of("A")).verifyComplete();
    }

    // ------------------------------------------------------------------ TaskGroup

    @Test
    void taskGroupCompletesWithTheBodyOnceEveryChildIsDone() {
        // tag::taskGroup[]
        Mono<String> both = TaskGroup.run(tg -> {
            Task<String> a = tg.spawn(fetch("a"));
            Task<String> b = tg.spawn(fetch("b"));
            return a.join().zipWith(b.join(), (x, y) -> x + y);
        });
        // end::taskGroup[]
        StepVerifier.create(both).expectNext("AB").verifyComplete();
    }

    @Test
    void taskGroupCancelsTheOtherChildrenOnTheFirstFailure() {
        // tag::taskGroupFailure[]
        AtomicBoolean slowCancelled = new AtomicBoolean();
        Mono<String> group = TaskGroup.run(tg -> {
            tg.spawn(Mono.never().doOnCancel(() -> slowCancelled.set(true)));
            tg.spawn(Mono.error(new IOException("b: connection refused")));
            return Mono.just("body done");
        });
        // end::taskGroupFailure[]
        StepVerifier.create(group)
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(TaskGroupException.class);
                    assertThat(((TaskGroupException) e).getExceptions())
                            .singleElement()
                            .isInstanceOf(IOException.class);
                    assertThat(e.getCause()).hasMessage("b: connection refused");
                })
                .verify();
        assertThat(slowCancelled).isTrue();
    }

    @Test
    void taskGroupCollectsFailuresThatBecomeReadyAtTheSameMoment() {
        // tag::taskGroupSameMoment[]
        AsyncEvent go = AsyncEvent.create();
        Mono<Void> group = TaskGroup.run(tg -> {
            tg.spawn(go.awaitSet().then(Mono.error(new IOException("a failed"))));
            tg.spawn(go.awaitSet().then(Mono.error(new IOException("b failed"))));
            return Mono.fromRunnable(go::set);    // one set() wakes both: both failures are reported
        });
        // end::taskGroupSameMoment[]
        StepVerifier.create(group)
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(TaskGroupException.class);
                    assertThat(((TaskGroupException) e).getExceptions())
                            .extracting(Throwable::getMessage)
                            .containsExactly("a failed", "b failed");
                    assertThat(e.getSuppressed()).hasSize(1);
                })
                .verify();
    }

    @Test
    void taskGroupDoesNotAwaitTheAsynchronousCleanUpOfACancelledChild() {
        // tag::cleanupNotAwaited[]
        AsyncEvent serverAckedClose = AsyncEvent.create();
        Mono<String> child = Mono.usingWhen(
                Mono.just("connection"),
                conn -> Mono.<String>never(),
                conn -> serverAckedClose.awaitSet());    // async clean-up: waits for the server
        Mono<String> group = TaskGroup.run(tg -> {
            tg.spawn(child);
            tg.spawn(Mono.error(new IOException("b: connection refused")));
            return Mono.just("body done");
        });
        // the group fails at once: the child counts as finished when its cancel is signalled
        // end::cleanupNotAwaited[]
        StepVerifier.create(group).expectError(TaskGroupException.class).verify();
        assertThat(serverAckedClose.waitingCount()).as("clean-up still running after the group ended").isOne();
        serverAckedClose.set();
        assertThat(serverAckedClose.waitingCount()).isZero();
    }

    @Test
    void cancellingTheTaskGroupCancelsTheBodyAndEveryChild() {
        AtomicInteger cancelled = new AtomicInteger();
        Mono<String> group = TaskGroup.run(tg -> {
            tg.spawn(Mono.never().doOnCancel(cancelled::incrementAndGet));
            tg.spawn(Mono.never().doOnCancel(cancelled::incrementAndGet));
            return Mono.<String>never().doOnCancel(cancelled::incrementAndGet);
        });
        Disposable running = group.subscribe();
        assertThat(cancelled).hasValue(0);
        running.dispose();
        assertThat(cancelled).hasValue(3);
    }

    // ------------------------------------------------------------------ time

    @Test
    void sleepEndsExactlyOnTimeInVirtualTime() {
        // tag::sleep[]
        StepVerifier.withVirtualTime(() -> Tasks.sleep(Duration.ofSeconds(1), "tick"))   // sleep(1, "tick")
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(999))      // never early ...
                .thenAwait(Duration.ofMillis(1))
                .expectNext("tick")                         // ... and exact under virtual time
                .verifyComplete();
        // end::sleep[]
    }

    @Test
    void sleepNeverEndsEarlyOnTheSystemClock() {
        Duration delay = Duration.ofMillis(20);
        long start = System.nanoTime();
        StepVerifier.create(Tasks.sleep(delay)).expectComplete().verify(VERIFY_TIMEOUT);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(delay);
        StepVerifier.create(Tasks.sleep(Duration.ZERO, "now")).expectNext("now").verifyComplete();
    }

    @Test
    void waitForFallsBackOnTimeout() {
        StepVerifier.withVirtualTime(() -> {
            // tag::waitFor[]
            Mono<String> slow = Tasks.sleep(Duration.ofSeconds(5), "answer");
            Mono<String> answer = Tasks.waitFor(slow, Duration.ofSeconds(1))             // wait_for(slow, 1)
                    .onErrorResume(TimeoutException.class, e -> Mono.just("fallback"));   // except TimeoutError
            // end::waitFor[]
            return answer;
        })
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(999))
                .thenAwait(Duration.ofMillis(1))
                .expectNext("fallback")
                .verifyComplete();
    }

    @Test
    void waitForCancelsTheWorkAndNamesTheTimeout() {
        AtomicBoolean workCancelled = new AtomicBoolean();
        StepVerifier.withVirtualTime(() -> Tasks.waitFor(
                        Tasks.sleep(Duration.ofSeconds(5), "answer").doOnCancel(() -> workCancelled.set(true)),
                        Duration.ofSeconds(1)))
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(1))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(WaitTimeoutException.class).isInstanceOf(TimeoutException.class);
                    assertThat(((WaitTimeoutException) e).getTimeout()).isEqualTo(Duration.ofSeconds(1));
                })
                .verify();
        assertThat(workCancelled).isTrue();
        StepVerifier.withVirtualTime(() -> Tasks.waitFor(Tasks.sleep(Duration.ofSeconds(1), "in time"), Duration.ofSeconds(2)))
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(1))
                .expectNext("in time")
                .verifyComplete();
    }

    @Test
    void asCompletedEmitsInCompletionOrder() {
        StepVerifier.withVirtualTime(() -> {
            // tag::asCompleted[]
            Flux<String> byArrival = Tasks.asCompleted(List.of(
                    Tasks.sleep(Duration.ofSeconds(3), "slow"),
                    Tasks.sleep(Duration.ofSeconds(1), "fast")));
            // end::asCompleted[]
            return byArrival;
        })
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(1))
                .expectNext("fast")
                .expectNoEvent(Duration.ofMillis(1999))
                .thenAwait(Duration.ofMillis(1))
                .expectNext("slow")
                .verifyComplete();
    }

    @Test
    void waitForATaskCancelsTheTaskOnTimeout() {
        StepVerifier.withVirtualTime(() -> {
            // tag::waitForTask[]
            Task<String> build = Tasks.createTask(Tasks.sleep(Duration.ofSeconds(5), "report"));
            Mono<String> report = Tasks.waitFor(build.join(), Duration.ofSeconds(1))   // wait_for(build, 1)
                    .onErrorResume(TimeoutException.class, e ->                        // build is cancelled
                            Mono.just(build.isCancelled() ? "cancelled" : "still running"));
            // end::waitForTask[]
            return report;
        })
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(1))
                .expectNext("cancelled")
                .verifyComplete();
    }

    @Test
    void waitForWithZeroTakesAResultAlreadyThere() {
        // tag::waitForZero[]
        AsyncFuture<String> reply = AsyncFuture.create();
        reply.setResult("pong");
        Mono<String> ready = Tasks.waitFor(reply.mono(), Duration.ZERO);    // wait_for(fut, 0): "pong"
        Mono<String> notYet = Tasks.waitFor(Mono.never(), Duration.ZERO);   // TimeoutError at once
        // end::waitForZero[]
        StepVerifier.create(ready).expectNext("pong").verifyComplete();
        StepVerifier.create(notYet).expectError(WaitTimeoutException.class).verify(VERIFY_TIMEOUT);
    }

    @Test
    void shieldKeepsTheWorkRunningWhenTheWaiterGivesUp() {
        StepVerifier.withVirtualTime(() -> {
            // tag::shield[]
            Task<String> save = Tasks.createTask(Tasks.sleep(Duration.ofSeconds(2), "saved"));
            Mono<String> result = Tasks.waitFor(Tasks.shield(save), Duration.ofSeconds(1))   // gives up after 1 s ...
                    .onErrorResume(TimeoutException.class, e -> save.join());                 // ... the save went on
            // end::shield[]
            return result;
        })
                .expectSubscription()
                .expectNoEvent(Duration.ofSeconds(1))
                .thenAwait(Duration.ofSeconds(1))   // at 2 s, not 3 s: the same run, not a new one
                .expectNext("saved")
                .verifyComplete();
    }

    // ------------------------------------------------------------------ threads

    @Test
    void toThreadRunsBlockingCallsOnBoundedElastic(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("notes.txt"), "hello");
        // tag::toThread[]
        Mono<String> text = Tasks.toThread(() -> Files.readString(file));   // blocking I/O, on boundedElastic
        // end::toThread[]
        StepVerifier.create(text).expectNext("hello").verifyComplete();
        StepVerifier.create(Tasks.toThread(() -> Thread.currentThread().getName()))
                .assertNext(name -> assertThat(name).startsWith("boundedElastic-"))
                .verifyComplete();
    }

    @Test
    void runRefusesToBlockANonBlockingThread() {
        // tag::runRefusesNonBlocking[]
        Mono<String> nested = Mono.fromCallable(() -> Tasks.run(fetch("a")))   // blocking inside a chain ...
                .subscribeOn(Schedulers.parallel());                           // ... on a non-blocking thread
        // end::runRefusesNonBlocking[]
        StepVerifier.create(nested)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("non-blocking"))
                .verify();
    }

    // ------------------------------------------------------------------ Lock, Semaphore

    @Test
    void lockGuardsSharedStateAcrossAwaitsAndThreads() {
        // tag::lock[]
        AsyncLock lock = AsyncLock.create();
        long[] balance = {0};                                             // shared state, guarded by the lock
        Mono<Void> deposit = lock.withLock(() -> Mono.fromCallable(() -> balance[0])   // read ...
                .publishOn(Schedulers.parallel())                         // ... await: another thread runs here
                .doOnNext(read -> balance[0] = read + 1)                  // ... then write
                .then());
        Flux<Void> deposits = Flux.range(1, 1000).flatMap(i -> deposit.subscribeOn(Schedulers.parallel()));
        // end::lock[]
        StepVerifier.create(deposits).verifyComplete();
        assertThat(balance[0]).as("no deposit lost").isEqualTo(1000L);
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void bareAcquireMustBeReleased() {
        AsyncLock lock = AsyncLock.create();
        Tasks.run(lock.acquire());
        assertThat(lock.isLocked()).isTrue();
        assertThat(lock.tryAcquire()).isFalse();
        lock.release();
        assertThat(lock.isLocked()).isFalse();
        assertThatThrownBy(lock::release).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void semaphoreLimitsConcurrency() {
        StepVerifier.withVirtualTime(() -> {
            // tag::semaphore[]
            AsyncSemaphore limit = AsyncSemaphore.of(2);
            Flux<Integer> downloads = Flux.range(1, 6)                  // 3 s in all: two at a time
                    .flatMap(i -> limit.withPermit(() -> Tasks.sleep(Duration.ofSeconds(1), i)));
            // end::semaphore[]
            return downloads;
        })
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(999))
                .thenAwait(Duration.ofMillis(1))
                .expectNext(1, 2)
                .expectNoEvent(Duration.ofMillis(999))
                .thenAwait(Duration.ofMillis(1))
                .expectNext(3, 4)
                .expectNoEvent(Duration.ofMillis(999))
                .thenAwait(Duration.ofMillis(1))
                .expectNext(5, 6)
                .verifyComplete();
    }

    @Test
    void boundedSemaphoreRefusesAnExtraRelease() {
        // tag::boundedSemaphore[]
        AsyncSemaphore connections = AsyncSemaphore.bounded(2);
        Tasks.run(connections.acquire());       // await sem.acquire(): you must release it ...
        connections.release();                  // ... exactly once
        Throwable tooMany = catchThrowable(connections::release);   // IllegalStateException (ValueError)
        // end::boundedSemaphore[]
        assertThat(tooMany).isInstanceOf(IllegalStateException.class).hasMessageContaining("bounded(2)");
        assertThat(connections.availablePermits()).isEqualTo(2);
        AsyncSemaphore plain = AsyncSemaphore.of(2);
        plain.release();
        assertThat(plain.availablePermits()).isEqualTo(3);
    }

    // ------------------------------------------------------------------ Event, Condition, Barrier

    @Test
    void eventWakesEveryWaiter() {
        // tag::event[]
        AsyncEvent ready = AsyncEvent.create();
        Flux<String> workers = Flux.range(1, 3)
                .flatMap(i -> ready.awaitSet().then(fetch("job" + i)));   // each: await ready.wait()
        Task<List<String>> started = Tasks.createTask(workers.collectList());
        ready.set();                                                    // wakes all three
        // end::event[]
        assertThat(started.result()).containsExactly("JOB1", "JOB2", "JOB3");
        assertThat(ready.isSet()).isTrue();
        StepVerifier.create(ready.awaitSet()).verifyComplete();
        ready.clear();
        StepVerifier.create(ready.awaitSet()).expectSubscription().expectNoEvent(Duration.ofMillis(10)).thenCancel().verify();
        assertThat(ready.waitingCount()).isZero();
    }

    @Test
    void conditionLetsAConsumerWaitForAProducer() {
        // tag::condition[]
        AsyncLock lock = AsyncLock.create();
        AsyncCondition notEmpty = AsyncCondition.create(lock);
        Deque<String> jobs = new ArrayDeque<>();                  // guarded by the lock
        Mono<String> consumer = lock.withLock(() ->
                notEmpty.awaitUntil(() -> !jobs.isEmpty()).then(Mono.fromCallable(jobs::poll)));
        Mono<Void> producer = lock.withLock(() -> Mono.fromRunnable(() -> {
            jobs.add("job-1");
            notEmpty.signal();
        }));
        Mono<List<String>> both = Tasks.gather(consumer, producer.thenReturn("produced"));
        // end::condition[]
        StepVerifier.create(both).expectNext(List.of("job-1", "produced")).verifyComplete();
        assertThat(lock.isLocked()).isFalse();
        assertThat(notEmpty.waitingCount()).isZero();
    }

    @Test
    void conditionWaiterCancelledWhileTheLockIsGivenUpKeepsWithLockBalanced() {
        // tag::conditionCancel[]
        AsyncCondition changed = AsyncCondition.create();
        AsyncLock lock = changed.lock();
        Disposable waiter = lock.withLock(changed::awaitSignal).subscribe();
        boolean lockedWhileWaiting = lock.isLocked();   // false: the waiter gave the lock up
        waiter.dispose();   // counts as holding the lock again, then withLock releases it once
        // end::conditionCancel[]
        assertThat(lockedWhileWaiting).isFalse();
        assertThat(lock.isLocked()).isFalse();
        assertThat(changed.waitingCount()).isZero();
        assertThat(lock.tryAcquire()).isTrue();
        lock.release();
    }

    @Test
    void conditionWaiterCancelledWhileAnotherHoldsTheLockAbsorbsItsOwnRelease() {
        AsyncCondition changed = AsyncCondition.create();
        AsyncLock lock = changed.lock();
        Disposable waiter = lock.withLock(changed::awaitSignal).subscribe();
        assertThat(lock.tryAcquire()).isTrue();   // someone else holds the lock now
        waiter.dispose();                         // withLock's release is absorbed: the other still holds it
        assertThat(lock.isLocked()).isTrue();
        lock.release();                           // the other party's release frees it
        assertThat(lock.isLocked()).isFalse();
        assertThatThrownBy(lock::release).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void conditionOperationsRequireTheLock() {
        AsyncCondition cond = AsyncCondition.create();
        assertThatThrownBy(cond::signal).isInstanceOf(IllegalStateException.class).hasMessageContaining("withLock");
        StepVerifier.create(cond.awaitSignal()).expectError(IllegalStateException.class).verify();
    }

    @Test
    void barrierReleasesEveryPartyWhenTheLastArrives() {
        // tag::barrier[]
        AsyncBarrier start = AsyncBarrier.of(3);
        Mono<List<Integer>> arrivals = Tasks.gather(start.arrive(), start.arrive(), start.arrive());
        // end::barrier[]
        StepVerifier.create(arrivals).expectNext(List.of(0, 1, 2)).verifyComplete();
        assertThat(start.waitingCount()).isZero();
    }

    @Test
    void barrierPartiesLeaveOneAtATimeAndResetBreaksThoseNotLeft() {
        // tag::barrierDraining[]
        AsyncBarrier barrier = AsyncBarrier.of(3);
        Mono<String> party = barrier.arrive()
                .flatMap(i -> i == 2                                         // the last to arrive leaves first ...
                        ? Mono.fromRunnable(barrier::reset).thenReturn("left first, reset")   // ... and resets
                        : Mono.just("left"))
                .onErrorResume(BrokenBarrierException.class, e -> Mono.just("broken before it left"));
        Mono<List<String>> outcomes = Tasks.gather(party, party, party);
        // end::barrierDraining[]
        StepVerifier.create(outcomes)
                .expectNext(List.of("broken before it left", "broken before it left", "left first, reset"))
                .verifyComplete();
        assertThat(barrier.isBroken()).isFalse();
    }

    @Test
    void barrierWaitsForEveryPartyAndAbortBreaksIt() {
        AsyncBarrier barrier = AsyncBarrier.of(2);
        StepVerifier.create(barrier.arrive())
                .expectSubscription()
                .then(() -> assertThat(barrier.waitingCount()).isOne())
                .then(barrier::abort)
                .expectError(BrokenBarrierException.class)
                .verify();
        StepVerifier.create(barrier.arrive()).expectError(BrokenBarrierException.class).verify();
        barrier.reset();
        StepVerifier.create(Tasks.gather(barrier.arrive(), barrier.arrive())).expectNext(List.of(0, 1)).verifyComplete();
    }

    // ------------------------------------------------------------------ Queue

    @Test
    void queueConnectsAProducerAndAConsumer() {
        // tag::queue[]
        AsyncQueue<Integer> queue = AsyncQueue.bounded(2);                  // asyncio.Queue(maxsize=2)
        Mono<Void> producer = queue.putAll(Flux.range(1, 5))               // await queue.put(i) for each
                .then(Mono.fromRunnable(queue::shutdown));                  // queue.shutdown(): no more items
        Mono<List<Integer>> consumer = queue.asFlux()                      // await queue.get() until QueueShutDown
                .doOnNext(item -> queue.taskDone())
                .collectList();
        Mono<List<Integer>> handled = TaskGroup.run(tg -> {
            tg.spawn(producer);
            return consumer;
        });
        // end::queue[]
        StepVerifier.create(handled).expectNext(List.of(1, 2, 3, 4, 5)).verifyComplete();
        assertThat(queue.maxSize()).isLessThanOrEqualTo(2);
        assertThat(queue.unfinishedCount()).isZero();
        assertThat(queue.isShutdown()).isTrue();
    }

    @Test
    void queueNowaitOperationsNeverWait() {
        // tag::queueNowait[]
        AsyncQueue<String> queue = AsyncQueue.bounded(1);
        boolean first = queue.offer("a");      // put_nowait("a"): true
        boolean second = queue.offer("b");     // false: full (Python raises QueueFull)
        String item = queue.poll();            // get_nowait(): "a"
        String none = queue.poll();            // null: empty (Python raises QueueEmpty)
        // end::queueNowait[]
        assertThat(first).isTrue();
        assertThat(second).isFalse();
        assertThat(item).isEqualTo("a");
        assertThat(none).isNull();
    }

    @Test
    void queueOfferWithATimeoutSaysWhetherTheItemGotIn() {
        StepVerifier.withVirtualTime(() -> {
            // tag::queueTimedOffer[]
            AsyncQueue<String> queue = AsyncQueue.bounded(1);
            queue.offer("a");                                                // full now
            Mono<Boolean> added = queue.offer("b", Duration.ofMillis(500));  // wait_for(queue.put("b"), 0.5)
            // end::queueTimedOffer[]
            return added;
        })
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(499))
                .thenAwait(Duration.ofMillis(1))
                .expectNext(false)
                .verifyComplete();
    }

    @Test
    void queueJoinWaitsUntilEveryItemIsMarkedDone() {
        // tag::queueJoin[]
        AsyncQueue<String> queue = AsyncQueue.bounded(10);
        List<String> handled = new CopyOnWriteArrayList<>();
        Mono<Void> worker = queue.take()                               // while True: item = await queue.get()
                .doOnNext(handled::add)
                .then(Mono.fromRunnable(queue::taskDone))              //   queue.task_done()
                .repeat().then();
        Task<Void> running = Tasks.createTask(worker);
        Mono<Void> allHandled = Flux.just("a", "b", "c").concatMap(queue::put)   // await queue.put(item)
                .then(queue.join());                                   // await queue.join()
        // end::queueJoin[]
        StepVerifier.create(allHandled).verifyComplete();
        assertThat(handled).containsExactly("a", "b", "c");
        assertThat(queue.unfinishedCount()).isZero();
        assertThat(running.cancel()).isTrue();
        assertThatThrownBy(queue::taskDone).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void queueShutdownDrainsThenFails() {
        // tag::queueShutdown[]
        AsyncQueue<String> queue = AsyncQueue.bounded(10);
        queue.offer("last order");
        queue.shutdown();                           // puts fail at once; gets drain what is left ...
        String last = Tasks.run(queue.take());      // "last order"
        Mono<String> next = queue.take();           // ... then fail: QueueShutDownException
        // end::queueShutdown[]
        assertThat(last).isEqualTo("last order");
        StepVerifier.create(next).expectError(QueueShutDownException.class).verify();
        assertThatThrownBy(() -> queue.offer("late")).isInstanceOf(QueueShutDownException.class);
        StepVerifier.create(queue.put("late")).expectError(QueueShutDownException.class).verify();
        assertThat(queue.size()).isZero();
    }

    @Test
    void queueShutdownFailsWaitingTakers() {
        AsyncQueue<String> queue = AsyncQueue.bounded(1);
        StepVerifier.create(queue.take())
                .expectSubscription()
                .then(queue::shutdown)
                .expectError(QueueShutDownException.class)
                .verify();
    }

    @Test
    void immediateShutdownDropsTheItemsAndReleasesJoin() {
        AsyncQueue<String> queue = AsyncQueue.bounded(10);
        queue.offer("a");
        queue.offer("b");
        StepVerifier.create(queue.join())
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(10))
                .then(() -> queue.shutdown(true))
                .verifyComplete();
        assertThat(queue.isEmpty()).isTrue();
        assertThatThrownBy(queue::poll).isInstanceOf(QueueShutDownException.class);
    }

    @Test
    void cancelledWaitingPutLeavesNothingBehind() {
        AsyncQueue<String> queue = AsyncQueue.bounded(1);
        queue.offer("a");
        StepVerifier.create(queue.put("b")).expectSubscription().thenCancel().verify();
        assertThat(queue.poll()).isEqualTo("a");
        assertThat(queue.poll()).isNull();
        assertThat(queue.unfinishedCount()).isEqualTo(1);
    }

    @Test
    void lifoAndPriorityQueuesChangeTheOrder() {
        // tag::queueKinds[]
        record Job(int priority, String name) { }
        AsyncQueue<String> stack = AsyncQueue.lifo(10);                        // LifoQueue
        AsyncQueue<Job> urgentFirst =                                           // PriorityQueue
                AsyncQueue.priority(10, Comparator.comparingInt(Job::priority));
        stack.offer("first");
        stack.offer("second");                      // poll() returns "second", then "first"
        urgentFirst.offer(new Job(5, "weekly report"));
        urgentFirst.offer(new Job(1, "page the on-call"));   // poll() returns this one first
        // end::queueKinds[]
        assertThat(List.of(stack.poll(), stack.poll())).containsExactly("second", "first");
        assertThat(urgentFirst.poll().name()).isEqualTo("page the on-call");
        assertThat(urgentFirst.poll().name()).isEqualTo("weekly report");
    }

    // ------------------------------------------------------------------ Future

    @Test
    void futureIsSetOnceAndWakesEveryAwaiter() {
        // tag::future[]
        AsyncFuture<String> reply = AsyncFuture.create();                       // loop.create_future()
        Task<String> waiting = Tasks.createTask(reply.mono().map(String::toUpperCase));   // await fut
        reply.setResult("pong");                                                // fut.set_result("pong")
        Throwable again = catchThrowable(() -> reply.setResult("ping"));        // InvalidStateError
        // end::future[]
        assertThat(waiting.result()).isEqualTo("PONG");
        assertThat(again).isInstanceOf(IllegalStateException.class).hasMessageContaining("already done");
        StepVerifier.create(reply.mono()).expectNext("pong").verifyComplete();
    }

    @Test
    void futureFailsOrIsCancelled() {
        AsyncFuture<String> failed = AsyncFuture.create();
        failed.setException(new IOException("no reply"));
        StepVerifier.create(failed.mono()).expectErrorMessage("no reply").verify();
        AsyncFuture<String> cancelled = AsyncFuture.create();
        StepVerifier.create(cancelled.mono())
                .expectSubscription()
                .then(cancelled::cancel)
                .expectError(CancellationException.class)
                .verify();
        assertThat(cancelled.isCancelled()).isTrue();
        assertThat(cancelled.cancel()).isFalse();
    }

    @Test
    void errorsAreOrdinaryJavaExceptions() {
        // tag::exceptions[]
        Task<String> task = Tasks.createTask(Mono.never());
        task.cancel();
        Mono<String> afterCancel = task.join()                                  // except CancelledError
                .onErrorResume(CancellationException.class, e -> Mono.just("cancelled"));
        AsyncQueue<String> queue = AsyncQueue.bounded(1);
        queue.shutdown();
        Mono<String> afterShutdown = queue.take()                               // except QueueShutDown
                .onErrorResume(QueueShutDownException.class, e -> Mono.just("no more items"));
        // end::exceptions[]
        StepVerifier.create(afterCancel).expectNext("cancelled").verifyComplete();
        StepVerifier.create(afterShutdown).expectNext("no more items").verifyComplete();
    }

    // ------------------------------------------------------------------ testing

    @Test
    void gatherRunsItsMonosConcurrentlyInVirtualTime() {
        // tag::virtualTime[]
        StepVerifier.withVirtualTime(() -> Tasks.gather(         // build the Mono inside the supplier
                        Tasks.sleep(Duration.ofSeconds(3), "slow"),
                        Tasks.sleep(Duration.ofSeconds(1), "fast")))
                .expectSubscription()
                .expectNoEvent(Duration.ofSeconds(2))            // nothing yet after 2 s ...
                .thenAwait(Duration.ofSeconds(1))                // ... both done at 3 s, not 4 s
                .expectNext(List.of("slow", "fast"))
                .verifyComplete();
        // end::virtualTime[]
    }
}
