package dev.pipeline.test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every sink promises, after R2DBC's {@code TestKit}: a test class of a sink (a connector
 * of this project, or one of your own) implements this interface and inherits its tests. The
 * sink is given as a function of its item stream, as {@link dev.pipeline.core.Sink#of} takes it.
 *
 * <pre>{@code
 * class MyWriterContractTest implements SinkContract<String> {
 *     public Function<Flux<String>, Mono<?>> sink() { return items -> MyWriter.write(dir.resolve(UUID.randomUUID() + ".txt"), items); }
 *     public String item(int i) { return "line " + i; }
 *     public Mono<Boolean> released() { return Mono.fromSupplier(() -> MyWriter.openFiles() == 0); }
 *     public long maxOutstandingDemand() { return 256; }
 * }
 * }</pre>
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

    /**
     * The sink under test as a function of its items (a fresh target each call).
     *
     * @return the sink function
     */
    Function<Flux<T>, Mono<?>> sink();

    /**
     * The i-th item to write.
     *
     * @param i the index, from 0
     * @return the item
     */
    T item(int i);

    /**
     * Completes with true once every resource taken by earlier runs is released.
     *
     * @return true once released
     */
    Mono<Boolean> released();

    /**
     * How many items the sink may request ahead at most (its batch or prefetch).
     *
     * @return the bound
     */
    long maxOutstandingDemand();

    /**
     * How long to wait for a signal that should come. Defaults to 10 seconds.
     *
     * @return the bound
     */
    default Duration timeout() {
        return Duration.ofSeconds(10);
    }

    private Flux<T> items(int n) {
        return Flux.range(0, n).map(this::item);
    }

    /** Cancelling while items are still coming releases the resource. */
    @Test
    default void cancelReleasesTheResource() {
        StepVerifier.create(sink().apply(items(3).concatWith(Flux.never())))
                .expectSubscription()
                .thenCancel()
                .verify(timeout());
        StepVerifier.create(released()).expectNext(true).expectComplete().verify(timeout());
    }

    /** An error of the item stream fails the sink's Mono with it, and the resource is released. */
    @Test
    default void anUpstreamErrorPropagatesAndReleasesTheResource() {
        StepVerifier.create(sink().apply(items(3).concatWith(Flux.error(new IllegalStateException("upstream broke")))))
                .expectErrorSatisfies(e -> assertThat(e).hasStackTraceContaining("upstream broke"))
                .verify(timeout());
        StepVerifier.create(released()).expectNext(true).expectComplete().verify(timeout());
    }

    /** The sink never requests unboundedly, nor more than {@link #maxOutstandingDemand()} ahead. */
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

    /** Two runs one after the other both complete. */
    @Test
    default void aSecondRunRunsAgain() {
        StepVerifier.create(sink().apply(items(5))).thenConsumeWhile(x -> true).verifyComplete();
        StepVerifier.create(sink().apply(items(5))).thenConsumeWhile(x -> true).verifyComplete();
        StepVerifier.create(released()).expectNext(true).expectComplete().verify(timeout());
    }
}
