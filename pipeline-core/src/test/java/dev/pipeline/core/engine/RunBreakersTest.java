package dev.pipeline.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import dev.pipeline.core.Breaker;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import dev.pipeline.core.Stage;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** A run's watch on its circuit breakers. */
class RunBreakersTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aRunStopsWatchingItsBreakersWhenItEnds() {
        Breaker api = Breaker.consecutiveFailures("api", 2, Duration.ofMinutes(1));
        Pipeline<Void> p = Pipeline.from(Source.fromIterable("n", List.of(1, 2)))
                .then(Stage.mapAsync("call", (Integer n) -> Mono.just(n)).circuitBreaker(api))
                .to(Sink.forEach("out", n -> { }));
        for (int i = 0; i < 3; i++) {
            p.run().block(WAIT);
            StepVerifier.create(Pipeline.from(Source.fromIterable("n", List.of(1)))
                            .then(Stage.mapAsync("call", (Integer n) -> Mono.just(n)).circuitBreaker(api)).toFlux())
                    .expectNext(1).verifyComplete();
        }
        assertThat(RunBreakers.Watch.of(api.resilience4j()).recorders).isEmpty();
    }
}
