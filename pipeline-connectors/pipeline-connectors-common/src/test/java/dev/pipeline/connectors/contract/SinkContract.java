package dev.pipeline.connectors.contract;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every sink connector promises, after R2DBC's TestKit: a test class implements this
 * interface and inherits its tests.
 *
 * <ul>
 *   <li>cancelling releases the resource and leaves no partial result behind where the sink
 *       promises atomicity;</li>
 *   <li>an upstream error propagates and releases the resource;</li>
 *   <li>demand is honoured: the sink requests items in bounded amounts, never unbounded;</li>
 *   <li>a second run runs again.</li>
 * </ul>
 *
 * @param <T> the item type
 */
public interface SinkContract<T> {

    /** The sink under test as a function of its items (a fresh target each call). */
    Function<Flux<T>, Mono<?>> sink();

    /** The i-th item to write. */
    T item(int i);

    /** Completes with true once every resource taken by earlier runs is released. */
    Mono<Boolean> released();

    /** How many items the sink may request ahead at most (its batch or prefetch). */
    long maxOutstandingDemand();

    /** How long to wait for a signal that should come. */
    default Duration timeout() {
        return Duration.ofSeconds(10);
    }

    private Flux<T> items(int n) {
        return Flux.range(0, n).map(this::item);
    }

    @Test
    default void cancelReleasesTheResource() {
        StepVerifier.create(sink().apply(items(3).concatWith(Flux.never())))
                .expectSubscription()
                .thenCancel()
                .verify(timeout());
        StepVerifier.create(released()).expectNext(true).expectComplete().verify(timeout());
    }

    @Test
    default void anUpstreamErrorPropagatesAndReleasesTheResource() {
        StepVerifier.create(sink().apply(items(3).concatWith(Flux.error(new IllegalStateException("upstream broke")))))
                .expectErrorSatisfies(e -> assertThat(e).hasStackTraceContaining("upstream broke"))
                .verify(timeout());
        StepVerifier.create(released()).expectNext(true).expectComplete().verify(timeout());
    }

    @Test
    default void demandIsBounded() {
        AtomicLong requested = new AtomicLong();
        AtomicLong emitted = new AtomicLong();
        AtomicLong maxOutstanding = new AtomicLong();
        Flux<T> counted = items(500)
                .doOnRequest(n -> requested.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b))
                .doOnNext(v -> maxOutstanding.accumulateAndGet(requested.get() - emitted.incrementAndGet(), Math::max));
        StepVerifier.create(sink().apply(counted)).expectNextCount(0).thenConsumeWhile(x -> true).verifyComplete();
        assertThat(requested.get()).as("never an unbounded request").isLessThan(Long.MAX_VALUE);
        assertThat(maxOutstanding.get()).isLessThanOrEqualTo(maxOutstandingDemand());
        StepVerifier.create(released()).expectNext(true).expectComplete().verify(timeout());
    }

    @Test
    default void aSecondRunRunsAgain() {
        StepVerifier.create(sink().apply(items(5))).thenConsumeWhile(x -> true).verifyComplete();
        StepVerifier.create(sink().apply(items(5))).thenConsumeWhile(x -> true).verifyComplete();
        StepVerifier.create(released()).expectNext(true).expectComplete().verify(timeout());
    }
}
