package dev.pipeline.core.aio;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AsyncConditionTest {

    private final AsyncLock lock = AsyncLock.create();
    private final AsyncCondition cond = AsyncCondition.create(lock);

    private void locked(Runnable r) {
        StepVerifier.create(lock.withLock(() -> Mono.fromRunnable(r))).verifyComplete();
    }

    @Test
    void waitingGivesUpTheLockAndResumesHoldingIt() {
        List<String> log = new ArrayList<>();
        lock.withLock(() -> cond.awaitSignal().then(Mono.fromRunnable(() -> log.add("resumed, locked=" + lock.isLocked()))))
                .subscribe(null, null, () -> log.add("released"));
        assertThat(lock.isLocked()).as("given up while waiting").isFalse();
        assertThat(cond.waitingCount()).isEqualTo(1);
        locked(() -> cond.signal());
        assertThat(log).containsExactly("resumed, locked=true", "released");
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void signalWakesWaitersInArrivalOrderOneAtATime() {
        List<Integer> woken = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int n = i;
            lock.withLock(() -> cond.awaitSignal().then(Mono.fromRunnable(() -> woken.add(n)))).subscribe();
        }
        locked(() -> cond.signal(1));
        assertThat(woken).containsExactly(0);
        locked(() -> cond.signalAll());
        assertThat(woken).containsExactly(0, 1, 2);
    }

    @Test
    void awaitUntilLoopsUntilThePredicateHolds() {
        Deque<String> items = new ArrayDeque<>();
        List<String> consumed = new ArrayList<>();
        lock.withLock(() -> cond.awaitUntil(() -> items.size() >= 2)
                        .then(Mono.fromRunnable(() -> consumed.addAll(items))))
                .subscribe();
        locked(() -> {
            items.add("a");
            cond.signalAll();
        });
        assertThat(consumed).isEmpty();
        locked(() -> {
            items.add("b");
            cond.signalAll();
        });
        assertThat(consumed).containsExactly("a", "b");
    }

    @Test
    void waitingAndSignallingRequireTheLock() {
        StepVerifier.create(cond.awaitSignal())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("requires the condition's lock to be held"))
                .verify();
        assertThatThrownBy(() -> cond.signal(1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(cond::signalAll).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aWaiterCancelledWhileTheLockIsFreeTakesItBackSoWithLockStaysBalanced() {
        Disposable waiting = lock.withLock(cond::awaitSignal).subscribe();
        assertThat(lock.isLocked()).isFalse();
        waiting.dispose();
        assertThat(lock.isLocked()).as("taken back and released by withLock").isFalse();
        assertThat(cond.waitingCount()).isZero();
        assertThat(lock.tryAcquire()).isTrue();
        lock.release();
    }

    @Test
    void aWaiterCancelledWhileAnotherHoldsTheLockDoesNotReleaseTheirHold() {
        Disposable waiting = lock.withLock(cond::awaitSignal).subscribe();
        assertThat(lock.tryAcquire()).isTrue(); // someone else holds it now
        waiting.dispose(); // withLock's release must not free the other holder's lock
        assertThat(lock.isLocked()).as("the other holder still holds it").isTrue();
        lock.release();
        assertThat(lock.isLocked()).isFalse();
        StepVerifier.create(lock.withLock(() -> Mono.just(1))).expectNext(1).verifyComplete();
    }

    @Test
    void aSignalDeliveredToACancellingWaiterIsPassedOn() {
        List<String> woken = new ArrayList<>();
        Disposable first = lock.withLock(cond::awaitSignal).subscribe();
        lock.withLock(() -> cond.awaitSignal().then(Mono.fromRunnable(() -> woken.add("second")))).subscribe();
        // grant the signal to the first waiter while the lock is held, then cancel it before it resumes
        assertThat(lock.tryAcquire()).isTrue();
        cond.signal(1);
        first.dispose();
        lock.release();
        assertThat(woken).containsExactly("second");
    }

    @Test
    void aNonPositiveRequestIsAnErrorAndKeepsTheLockBalanced() {
        assertThat(lock.tryAcquire()).isTrue();
        List<Throwable> errors = new ArrayList<>();
        Subscription[] subscription = new Subscription[1];
        cond.awaitSignal().subscribe(new BaseSubscriber<Void>() {
            @Override
            protected void hookOnSubscribe(Subscription s) {
                subscription[0] = s;
            }

            @Override
            protected void hookOnError(Throwable e) {
                errors.add(e);
            }
        });
        assertThat(lock.isLocked()).as("given up while waiting").isFalse();
        subscription[0].request(-1); // StepVerifier refuses to send this
        assertThat(errors).singleElement().isInstanceOf(IllegalArgumentException.class);
        assertThat(lock.isLocked()).as("counts as held again, as on cancel").isTrue();
        lock.release();
        assertThat(cond.waitingCount()).isZero();
    }

    @Test
    void producerConsumerThroughAConditionDeliversEverything() {
        Deque<Integer> buffer = new ArrayDeque<>();
        List<Integer> received = new ArrayList<>();
        Mono<Void> consumer = Flux.range(0, 100)
                .concatMap(i -> lock.withLock(() -> cond.awaitUntil(() -> !buffer.isEmpty())
                        .then(Mono.fromRunnable(() -> received.add(buffer.poll())))))
                .then();
        Mono<Void> producer = Flux.range(0, 100)
                .concatMap(i -> lock.withLock(() -> Mono.fromRunnable(() -> {
                    buffer.add(i);
                    cond.signal();
                })))
                .then();
        StepVerifier.create(Mono.when(consumer, producer)).verifyComplete();
        assertThat(received).containsExactlyElementsOf(Flux.range(0, 100).collectList().block());
    }
}
