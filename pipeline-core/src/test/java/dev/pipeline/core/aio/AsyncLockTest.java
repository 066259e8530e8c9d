package dev.pipeline.core.aio;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.pipeline.core.testing.Races;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.publisher.PublisherProbe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AsyncLockTest {

    @Test
    void acquireCompletesAtOnceWhenFreeAndWaitsWhenHeld() {
        AsyncLock lock = AsyncLock.create();
        StepVerifier.create(lock.acquire()).verifyComplete();
        assertThat(lock.isLocked()).isTrue();
        List<String> events = new ArrayList<>();
        lock.acquire().subscribe(null, null, () -> events.add("second holder"));
        assertThat(events).isEmpty();
        lock.release();
        assertThat(events).containsExactly("second holder");
        assertThat(lock.isLocked()).as("handed over, still locked").isTrue();
        lock.release();
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void waitersGetTheLockInArrivalOrder() {
        AsyncLock lock = AsyncLock.create();
        lock.tryAcquire();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            lock.acquire().subscribe(null, null, () -> {
                order.add(n);
                lock.release();
            });
        }
        lock.release();
        assertThat(order).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void releasingAnUnlockedLockThrows() {
        assertThatThrownBy(() -> AsyncLock.create().release())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("release() called on an unlocked AsyncLock");
    }

    @Test
    void tryAcquireDoesNotJumpTheLine() {
        AsyncLock lock = AsyncLock.create();
        assertThat(lock.tryAcquire()).isTrue();
        assertThat(lock.tryAcquire()).isFalse();
        lock.acquire().subscribe();
        lock.release(); // handed to the waiter
        assertThat(lock.tryAcquire()).isFalse();
    }

    @Test
    void withLockReleasesOnCompleteErrorAndCancel() {
        AsyncLock lock = AsyncLock.create();
        StepVerifier.create(lock.withLock(() -> Mono.just(1))).expectNext(1).verifyComplete();
        assertThat(lock.isLocked()).isFalse();
        StepVerifier.create(lock.withLock(() -> Mono.error(new IllegalStateException("x")))).expectError().verify();
        assertThat(lock.isLocked()).isFalse();
        PublisherProbe<Integer> work = PublisherProbe.of(Mono.never());
        Disposable d = lock.withLock(work::mono).subscribe();
        assertThat(lock.isLocked()).isTrue();
        d.dispose();
        work.assertWasCancelled();
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void cancelledWaiterLeavesTheLine() {
        AsyncLock lock = AsyncLock.create();
        lock.tryAcquire();
        Disposable waiter = lock.acquire().subscribe();
        waiter.dispose();
        assertThat(lock.toString()).contains("waiting=0");
        lock.release();
        assertThat(lock.isLocked()).as("nobody was waiting anymore").isFalse();
    }

    @Test
    void guardsASharedCounterAcrossThreads() throws Exception {
        AsyncLock lock = AsyncLock.create();
        int[] counter = {0};
        int threads = 8;
        int perThread = 2_000;
        Races.run(threads, t -> {
            for (int i = 0; i < perThread; i++) {
                lock.withLock(() -> Mono.fromRunnable(() -> counter[0]++)).subscribe();
            }
        });
        assertThat(counter[0]).isEqualTo(threads * perThread);
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void neverHasTwoHoldersWhenWorkIsAsynchronous() {
        AsyncLock lock = AsyncLock.create();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        Flux<Integer> work = Flux.range(0, 200).flatMap(i -> lock.withLock(() -> Mono.fromCallable(() -> {
            max.accumulateAndGet(inside.incrementAndGet(), Math::max);
            return i;
        }).subscribeOn(Schedulers.parallel()).doOnTerminate(inside::decrementAndGet)), 64);
        StepVerifier.create(work).expectNextCount(200).expectComplete().verify(Duration.ofSeconds(30));
        assertThat(max).hasValue(1);
    }
}
