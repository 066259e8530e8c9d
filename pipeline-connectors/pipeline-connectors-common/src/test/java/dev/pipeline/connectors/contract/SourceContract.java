package dev.pipeline.connectors.contract;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every source connector promises, after R2DBC's TestKit: a test class implements this
 * interface and inherits its tests.
 *
 * <ul>
 *   <li>cancelling releases the resource (file handle, connection, socket);</li>
 *   <li>errors propagate, and the resource is released after them too;</li>
 *   <li>a demand of 1 is honoured: one item per request, nothing ahead of demand;</li>
 *   <li>a second subscription runs again and sees the same items.</li>
 * </ul>
 *
 * @param <T> the item type
 */
public interface SourceContract<T> {

    /** A fresh, cold publisher of at least three items from the connector under test. */
    Flux<T> subject();

    /** A publisher of the connector that fails (a missing file, an unreachable server). */
    Flux<T> failingSubject();

    /**
     * Completes with true once every resource taken by earlier subscriptions is released;
     * implementations wait on real signals (pool metrics, open descriptors) with a bound.
     */
    Mono<Boolean> released();

    /** How long to wait for a signal that should come. */
    default Duration timeout() {
        return Duration.ofSeconds(10);
    }

    @Test
    default void cancelReleasesTheResource() {
        StepVerifier.create(subject(), 1).expectNextCount(1).thenCancel().verify(timeout());
        StepVerifier.create(released()).expectNext(true).expectComplete().verify(timeout());
    }

    @Test
    default void errorsPropagateAndReleaseTheResource() {
        StepVerifier.create(failingSubject()).expectError().verify(timeout());
        StepVerifier.create(released()).expectNext(true).expectComplete().verify(timeout());
    }

    @Test
    default void aDemandOfOneIsHonoured() {
        StepVerifier.create(subject(), 0)
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(50))
                .thenRequest(1)
                .expectNextCount(1)
                .expectNoEvent(Duration.ofMillis(50))
                .thenRequest(1)
                .expectNextCount(1)
                .thenCancel()
                .verify(timeout());
        StepVerifier.create(released()).expectNext(true).expectComplete().verify(timeout());
    }

    @Test
    default void aSecondSubscriptionRunsAgain() {
        Flux<T> once = subject();
        List<T> first = once.collectList().block(timeout());
        List<T> second = once.collectList().block(timeout());
        assertThat(first).hasSizeGreaterThanOrEqualTo(3);
        assertThat(second).isEqualTo(first);
        StepVerifier.create(released()).expectNext(true).expectComplete().verify(timeout());
    }
}
