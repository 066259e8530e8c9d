package dev.pipeline.core.aio;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AsyncSemaphoreTest {

    @Test
    void letsAtMostThePermitCountInAtOnce() {
        AsyncSemaphore sem = AsyncSemaphore.of(2);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        List<String> log = new ArrayList<>();
        StepVerifier.withVirtualTime(() -> Flux.range(0, 5)
                        .flatMap(i -> sem.withPermit(() -> Mono.fromRunnable(() -> {
                                    max.accumulateAndGet(inside.incrementAndGet(), Math::max);
                                    log.add("in " + i);
                                })
                                .then(Tasks.sleep(Duration.ofSeconds(1)))
                                .then(Mono.fromRunnable(() -> {
                                    inside.decrementAndGet();
                                    log.add("out " + i);
                                }))
                                .thenReturn(i))))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(999))
                .thenAwait(Duration.ofMillis(1))
                .expectNextCount(2)
                .thenAwait(Duration.ofSeconds(1))
                .expectNextCount(2)
                .thenAwait(Duration.ofSeconds(1))
                .expectNextCount(1)
                .verifyComplete();
        assertThat(max).hasValue(2);
        // 0 and 1 finish at the same instant: both leave before 2 and 3 enter (one asyncio tick)
        assertThat(log).startsWith("in 0", "in 1", "out 0", "out 1", "in 2", "in 3");
        assertThat(sem.availablePermits()).isEqualTo(2);
    }

    @Test
    void boundedRejectsReleasesBeyondItsPermits() {
        AsyncSemaphore sem = AsyncSemaphore.bounded(2);
        assertThatThrownBy(sem::release)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("release() called on AsyncSemaphore.bounded(2) with all 2 permits already free; "
                        + "release only what you acquired");
    }

    @Test
    void plainSemaphoreMayBeReleasedAboveItsInitialCount() {
        AsyncSemaphore sem = AsyncSemaphore.of(1);
        sem.release();
        assertThat(sem.availablePermits()).isEqualTo(2);
        AsyncSemaphore gate = AsyncSemaphore.of(0);
        assertThat(gate.isLocked()).isTrue();
        List<String> passed = new ArrayList<>();
        gate.acquire().subscribe(null, null, () -> passed.add("through"));
        assertThat(passed).isEmpty();
        gate.release();
        assertThat(passed).containsExactly("through");
    }

    @Test
    void waitersAreServedInArrivalOrder() {
        AsyncSemaphore sem = AsyncSemaphore.of(1);
        sem.tryAcquire();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int n = i;
            sem.acquire().subscribe(null, null, () -> order.add(n));
        }
        assertThat(sem.waitingCount()).isEqualTo(4);
        for (int i = 0; i < 4; i++) {
            sem.release();
        }
        assertThat(order).containsExactly(0, 1, 2, 3);
    }

    @Test
    void withPermitReleasesOnError() {
        AsyncSemaphore sem = AsyncSemaphore.bounded(1);
        StepVerifier.create(sem.withPermit(() -> Mono.error(new IllegalStateException("x")))).expectError().verify();
        assertThat(sem.availablePermits()).isEqualTo(1);
    }

    @Test
    void rejectsANegativePermitCount() {
        assertThatThrownBy(() -> AsyncSemaphore.of(-1)).hasMessage("permits must be >= 0, was -1");
        assertThatThrownBy(() -> AsyncSemaphore.bounded(-2)).hasMessage("permits must be >= 0, was -2");
    }
}
