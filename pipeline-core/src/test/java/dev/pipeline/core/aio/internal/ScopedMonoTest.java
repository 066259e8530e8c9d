package dev.pipeline.core.aio.internal;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.publisher.PublisherProbe;
import reactor.test.publisher.TestPublisher;

import static org.assertj.core.api.Assertions.assertThat;

class ScopedMonoTest {

    private final AtomicInteger releases = new AtomicInteger();
    private final AtomicInteger workStarts = new AtomicInteger();

    private <T> ScopedMono<T> scope(Mono<Void> acquire, Mono<T> work) {
        return new ScopedMono<>(acquire, releases::incrementAndGet, () -> {
            workStarts.incrementAndGet();
            return work;
        });
    }

    @Test
    void releasesAPermitDeliveredAfterTheScopeWasCancelled() {
        // the permit is already on its way (the waiter claimed it) when the cancel arrives:
        // modelled by an acquire that ignores cancellation and completes afterwards
        TestPublisher<Void> acquire = TestPublisher.createNoncompliant(TestPublisher.Violation.DEFER_CANCELLATION);
        StepVerifier.create(scope(acquire.mono(), Mono.just(1)))
                .expectSubscription()
                .then(acquire::assertWasSubscribed)
                .thenCancel()
                .verify();
        acquire.complete();
        assertThat(releases).as("the delivered permit is released").hasValue(1);
        assertThat(workStarts).as("no work runs after cancel").hasValue(0);
    }

    @Test
    void releasesOnceAfterTheWorkCompletes() {
        StepVerifier.create(scope(Mono.empty(), Mono.just("v")))
                .expectNext("v")
                .verifyComplete();
        assertThat(releases).hasValue(1);
        assertThat(workStarts).hasValue(1);
    }

    @Test
    void releasesBeforeSignallingTheWorksError() {
        StepVerifier.create(scope(Mono.empty(), Mono.error(new IllegalStateException("boom"))))
                .expectErrorSatisfies(e -> assertThat(releases).as("released before the error").hasValue(1))
                .verify();
        assertThat(releases).hasValue(1);
    }

    @Test
    void releasesOnceWhenCancelledDuringTheWork() {
        PublisherProbe<Integer> work = PublisherProbe.of(Mono.never());
        StepVerifier.create(scope(Mono.empty(), work.mono()))
                .expectSubscription()
                .then(() -> assertThat(releases).hasValue(0))
                .thenCancel()
                .verify();
        work.assertWasCancelled();
        assertThat(releases).hasValue(1);
    }

    @Test
    void doesNotReleaseWhenCancelledBeforeTheAcquireCompletes() {
        PublisherProbe<Void> acquire = PublisherProbe.of(Mono.never());
        StepVerifier.create(scope(acquire.mono(), Mono.just(1)))
                .expectSubscription()
                .then(acquire::assertWasSubscribed)
                .thenCancel()
                .verify();
        acquire.assertWasCancelled();
        assertThat(releases).hasValue(0);
        assertThat(workStarts).hasValue(0);
    }

    @Test
    void releasesAndFailsWhenTheWorkSupplierThrows() {
        ScopedMono<Integer> scoped = new ScopedMono<>(Mono.empty(), releases::incrementAndGet, () -> {
            throw new IllegalArgumentException("no work");
        });
        StepVerifier.create(scoped).expectErrorMessage("no work").verify();
        assertThat(releases).hasValue(1);
    }

    @Test
    void releasesAndFailsWhenTheWorkSupplierReturnsNull() {
        ScopedMono<Integer> scoped = new ScopedMono<>(Mono.empty(), releases::incrementAndGet, () -> null);
        StepVerifier.create(scoped).expectError(NullPointerException.class).verify();
        assertThat(releases).hasValue(1);
    }
}
