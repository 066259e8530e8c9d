package dev.pipeline.test;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every source promises, after R2DBC's {@code TestKit}: a test class of a source (a
 * connector of this project, or one of your own) implements this interface and inherits its
 * tests. For a {@link dev.pipeline.core.Source}, return {@code source.flux()} from
 * {@link #subject()}.
 *
 * <pre>{@code
 * class MyFeedContractTest implements SourceContract<String> {
 *     public Flux<String> subject() { return MyFeed.source(server.uri()).flux(); }
 *     public Flux<String> failingSubject() { return MyFeed.source(URI.create("http://127.0.0.1:1")).flux(); }
 *     public Mono<Boolean> released() { return Mono.fromSupplier(() -> server.openConnections() == 0); }
 * }
 * }</pre>
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

    /**
     * The source under test: a fresh, cold publisher of at least three items, the same items
     * on every subscription.
     *
     * @return the publisher
     */
    Flux<T> subject();

    /**
     * The source under test, set up to fail (a missing file, an unreachable server); it may
     * emit items before its error.
     *
     * @return a publisher that fails
     */
    Flux<T> failingSubject();

    /**
     * Completes with true once every resource taken by earlier subscriptions is released;
     * implementations wait on real signals (pool metrics, open descriptors) with a bound.
     *
     * @return true once released (false, or no value, fails the test)
     */
    Mono<Boolean> released();

    /**
     * How long to wait for a signal that should come. Defaults to 10 seconds.
     *
     * @return the bound
     */
    default Duration timeout() {
        return Duration.ofSeconds(10);
    }

    /** Cancelling after one item releases the resource. */
    @Test
    default void cancelReleasesTheResource() {
        StepVerifier.create(subject(), 1).expectNextCount(1).thenCancel().verify(timeout());
        StepVerifier.create(released()).expectNext(true).expectComplete().verify(timeout());
    }

    /** The failing subject signals its error, and releases the resource after it. */
    @Test
    default void errorsPropagateAndReleaseTheResource() {
        StepVerifier.create(failingSubject()).thenConsumeWhile(x -> true).expectError().verify(timeout());
        StepVerifier.create(released()).expectNext(true).expectComplete().verify(timeout());
    }

    /** Nothing comes before a request; a request of 1 brings exactly one item. */
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

    /** Subscribing twice to one publisher runs twice and sees the same items. */
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
