package dev.pipeline.core.aio;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.publisher.PublisherProbe;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskGroupTest {

    private static <T> Mono<T> failAfter(Duration d, String message) {
        return Tasks.sleep(d).then(Mono.error(new IllegalStateException(message)));
    }

    @Test
    void completesWithTheBodysValueOnceEveryChildIsDone() {
        AtomicInteger childrenDone = new AtomicInteger();
        StepVerifier.withVirtualTime(() -> TaskGroup.run(tg -> {
                    tg.spawn(Tasks.sleep(Duration.ofSeconds(1)).doOnSuccess(v -> childrenDone.incrementAndGet()));
                    tg.spawn(Tasks.sleep(Duration.ofSeconds(3)).doOnSuccess(v -> childrenDone.incrementAndGet()));
                    return Mono.just("body");
                }))
                .expectSubscription()
                .expectNoEvent(Duration.ofSeconds(3))
                .expectNext("body")
                .verifyComplete();
        assertThat(childrenDone).hasValue(2);
    }

    @Test
    void theBodyCanAwaitItsChildren() {
        StepVerifier.withVirtualTime(() -> TaskGroup.run(tg -> {
                    Task<String> a = tg.spawn(Tasks.sleep(Duration.ofSeconds(2), "a"));
                    Task<String> b = tg.spawn(Tasks.sleep(Duration.ofSeconds(1), "b"));
                    return a.join().zipWith(b.join(), String::concat);
                }))
                .thenAwait(Duration.ofSeconds(2))
                .expectNext("ab")
                .verifyComplete();
    }

    @Test
    void aChildFailureCancelsTheOtherChildrenAndTheBody() {
        PublisherProbe<Void> sibling = PublisherProbe.of(Mono.never());
        PublisherProbe<String> body = PublisherProbe.of(Mono.never());
        StepVerifier.withVirtualTime(() -> TaskGroup.run(tg -> {
                    tg.spawn(sibling.mono());
                    tg.spawn(failAfter(Duration.ofSeconds(1), "child failed"));
                    return body.mono();
                }))
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(1))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(TaskGroupException.class).hasMessageContaining("child failed");
                    assertThat(((TaskGroupException) e).getExceptions()).singleElement()
                            .satisfies(x -> assertThat(x).hasMessage("child failed"));
                })
                .verify();
        sibling.assertWasCancelled();
        body.assertWasCancelled();
    }

    @Test
    void aBodyFailureCancelsTheChildrenAndIsReported() {
        PublisherProbe<Void> child = PublisherProbe.of(Mono.never());
        StepVerifier.create(TaskGroup.run(tg -> {
                    tg.spawn(child.mono());
                    return Mono.error(new IllegalArgumentException("body failed"));
                }))
                .expectErrorSatisfies(e -> assertThat(((TaskGroupException) e).getExceptions())
                        .singleElement().satisfies(x -> assertThat(x).hasMessage("body failed")))
                .verify();
        child.assertWasCancelled();
    }

    @Test
    void aBodyThatThrowsIsAFailureToo() {
        StepVerifier.create(TaskGroup.run(tg -> {
                    throw new IllegalStateException("no body");
                }))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(TaskGroupException.class).hasMessageContaining("no body"))
                .verify();
    }

    @Test
    void failuresWokenByTheSameEventAreAllReported() {
        AsyncEvent go = AsyncEvent.create();
        StepVerifier.create(TaskGroup.run(tg -> {
                    tg.spawn(go.awaitSet().then(Mono.error(new IllegalStateException("first"))));
                    tg.spawn(go.awaitSet().then(Mono.error(new IllegalArgumentException("second"))));
                    tg.spawn(go.awaitSet().then(Mono.never()));
                    return Mono.empty();
                }))
                .expectSubscription()
                .then(go::set)
                .expectErrorSatisfies(e -> assertThat(((TaskGroupException) e).getExceptions())
                        .extracting(Throwable::getMessage)
                        .containsExactly("first", "second"))
                .verify();
    }

    @Test
    void childrenThatFailAsTheyAreSpawnedAreAllReported() {
        // asyncio starts tasks only when the body yields: both fail in the same loop iteration
        PublisherProbe<Void> sibling = PublisherProbe.of(Mono.never());
        StepVerifier.create(TaskGroup.run(tg -> {
                    tg.spawn(Mono.error(new IllegalStateException("first")));
                    tg.spawn(Mono.error(new IllegalArgumentException("second")));
                    tg.spawn(sibling.mono());
                    return Mono.fromRunnable(() -> tg.spawn(Mono.error(new ArithmeticException("third"))));
                }))
                .expectErrorSatisfies(e -> assertThat(((TaskGroupException) e).getExceptions())
                        .extracting(Throwable::getMessage)
                        .containsExactly("first", "second", "third"))
                .verify(Duration.ofSeconds(5));
        sibling.assertWasCancelled();
    }

    @Test
    void failuresAtTheSameVirtualInstantAreAllReported() {
        StepVerifier.withVirtualTime(() -> TaskGroup.run(tg -> {
                    tg.spawn(failAfter(Duration.ofSeconds(1), "a"));
                    tg.spawn(failAfter(Duration.ofSeconds(1), "b"));
                    tg.spawn(failAfter(Duration.ofSeconds(2), "too late"));
                    return Mono.empty();
                }))
                .thenAwait(Duration.ofSeconds(1))
                .expectErrorSatisfies(e -> assertThat(((TaskGroupException) e).getExceptions())
                        .extracting(Throwable::getMessage)
                        .containsExactly("a", "b"))
                .verify();
    }

    @Test
    void nestedGroupsPropagateFailuresOutward() {
        StepVerifier.withVirtualTime(() -> TaskGroup.run(outer -> {
                    outer.spawn(TaskGroup.run(inner -> {
                        inner.spawn(failAfter(Duration.ofSeconds(1), "deep"));
                        return Mono.just(1);
                    }));
                    return Mono.just("outer");
                }))
                .thenAwait(Duration.ofSeconds(1))
                .expectErrorSatisfies(e -> {
                    Throwable innerGroup = ((TaskGroupException) e).getExceptions().get(0);
                    assertThat(innerGroup).isInstanceOf(TaskGroupException.class);
                    assertThat(((TaskGroupException) innerGroup).getExceptions().get(0)).hasMessage("deep");
                })
                .verify();
    }

    @Test
    void nestedGroupsComplete() {
        StepVerifier.withVirtualTime(() -> TaskGroup.run(outer -> {
                    Task<Integer> inner = outer.spawn(TaskGroup.run(g -> g.spawn(Tasks.sleep(Duration.ofSeconds(1), 41)).join()));
                    return inner.join().map(v -> v + 1);
                }))
                .thenAwait(Duration.ofSeconds(1))
                .expectNext(42)
                .verifyComplete();
    }

    @Test
    void cancellingTheGroupCancelsTheBodyAndEveryChild() {
        PublisherProbe<Void> child = PublisherProbe.of(Mono.never());
        PublisherProbe<Void> grandchild = PublisherProbe.of(Mono.never());
        PublisherProbe<String> body = PublisherProbe.of(Mono.never());
        StepVerifier.create(TaskGroup.run(tg -> {
                    tg.spawn(child.mono());
                    tg.spawn(Mono.fromRunnable(() -> tg.spawn(grandchild.mono())));
                    return body.mono();
                }))
                .expectSubscription()
                .then(grandchild::assertWasSubscribed)
                .thenCancel()
                .verify();
        child.assertWasCancelled();
        grandchild.assertWasCancelled();
        body.assertWasCancelled();
    }

    @Test
    void aGroupCancelledAsSoonAsItIsSubscribedNeverRunsItsBody() {
        AtomicInteger bodies = new AtomicInteger();
        StepVerifier.create(TaskGroup.run(tg -> {
                    bodies.incrementAndGet();
                    return tg.spawn(Mono.just(1)).join();
                }))
                .thenCancel() // runs inside onSubscribe
                .verify();
        assertThat(bodies).hasValue(0);
    }

    @Test
    void childrenSeeTheSubscribersContext() {
        StepVerifier.create(TaskGroup.run(tg -> tg.spawn(Mono.deferContextual(ctx -> Mono.just(ctx.<String>get("user")))).join())
                        .contextWrite(reactor.util.context.Context.of("user", "ada")))
                .expectNext("ada")
                .verifyComplete();
    }

    @Test
    void aBodyCancelledThroughAnAwaitedTaskCancelsTheGroup() {
        StepVerifier.create(TaskGroup.run(tg -> {
                    Task<Integer> t = tg.spawn(Mono.never());
                    t.cancel();
                    return t.join();
                }))
                .expectError(CancellationException.class)
                .verify();
    }

    @Test
    void childrenSpawnedByChildrenAreAwaited() {
        List<String> done = new ArrayList<>();
        StepVerifier.withVirtualTime(() -> TaskGroup.run(tg -> {
                    tg.spawn(Tasks.sleep(Duration.ofSeconds(1))
                            .then(Mono.fromRunnable(() -> tg.spawn(Tasks.sleep(Duration.ofSeconds(2))
                                    .doOnSuccess(v -> done.add("grandchild"))))));
                    return Mono.just("body");
                }))
                .expectSubscription()
                .expectNoEvent(Duration.ofSeconds(3))
                .expectNext("body")
                .verifyComplete();
        assertThat(done).containsExactly("grandchild");
    }

    @Test
    void aChildCancelledOnItsOwnDoesNotFailTheGroup() {
        StepVerifier.create(TaskGroup.run(tg -> {
                    Task<Void> t = tg.spawn(Mono.never());
                    t.cancel();
                    return t.join().onErrorResume(CancellationException.class, e -> Mono.empty()).thenReturn("fine");
                }))
                .expectNext("fine")
                .verifyComplete();
    }

    @Test
    void spawnAfterTheGroupFinishedThrows() {
        AtomicReference<TaskGroup> escaped = new AtomicReference<>();
        StepVerifier.create(TaskGroup.run(tg -> {
            escaped.set(tg);
            return Mono.just(1);
        })).expectNext(1).verifyComplete();
        assertThatThrownBy(() -> escaped.get().spawn(Mono.just(2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("finished");
    }

    @Test
    void spawnWhileShuttingDownReturnsACancelledTaskThatNeverStarts() {
        PublisherProbe<Integer> late = PublisherProbe.of(Mono.just(1));
        List<Task<Integer>> spawned = new ArrayList<>();
        StepVerifier.create(TaskGroup.run(tg -> {
                    // spawned by a child being cancelled: the group is shutting down
                    tg.spawn(Mono.never().doOnCancel(() -> spawned.add(tg.spawn(late.mono()))));
                    tg.spawn(Mono.error(new IllegalStateException("early")));
                    return Mono.empty();
                }))
                .expectError(TaskGroupException.class)
                .verify(Duration.ofSeconds(5));
        late.assertWasNotSubscribed();
        assertThat(spawned).singleElement().satisfies(t -> assertThat(t.isCancelled()).isTrue());
    }

    @Test
    void aChildSpawnedInTheSameStepAsAFailureStartsAndIsThenCancelled() {
        // asyncio: create_task before the failure's callback has run succeeds; the abort cancels it
        PublisherProbe<Integer> sameStep = PublisherProbe.of(Mono.never());
        List<Task<Integer>> spawned = new ArrayList<>();
        StepVerifier.create(TaskGroup.run(tg -> {
                    tg.spawn(Mono.error(new IllegalStateException("early")));
                    return Mono.fromRunnable(() -> spawned.add(tg.spawn(sameStep.mono())));
                }))
                .expectError(TaskGroupException.class)
                .verify(Duration.ofSeconds(5));
        sameStep.assertWasSubscribed();
        sameStep.assertWasCancelled();
        assertThat(spawned).singleElement().satisfies(t -> assertThat(t.isCancelled()).isTrue());
    }

    @Test
    void isColdAndRunsTheBodyOncePerSubscription() {
        AtomicInteger bodies = new AtomicInteger();
        Mono<Integer> group = TaskGroup.run(tg -> Mono.just(bodies.incrementAndGet()));
        assertThat(bodies).hasValue(0);
        StepVerifier.create(group).expectNext(1).verifyComplete();
        StepVerifier.create(group).expectNext(2).verifyComplete();
    }

    @Test
    void hundredThousandChildrenSleepingOneSecondFinishAtOneSecond() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        AtomicInteger finished = new AtomicInteger();
        StepVerifier.withVirtualTime(() -> TaskGroup.run(tg -> {
                    for (int i = 0; i < 100_000; i++) {
                        tg.spawn(Tasks.sleep(Duration.ofSeconds(1), vts).doOnSuccess(v -> finished.incrementAndGet()));
                    }
                    return Mono.just(tg.activeCount());
                }), () -> vts, Long.MAX_VALUE)
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(999))
                .thenAwait(Duration.ofMillis(1))
                .expectNext(100_000)
                .verifyComplete();
        assertThat(finished).hasValue(100_000);
    }
}
