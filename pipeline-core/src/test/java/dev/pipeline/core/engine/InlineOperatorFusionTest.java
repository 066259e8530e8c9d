package dev.pipeline.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Iterator;
import java.util.List;

import dev.pipeline.core.PipelineException;
import org.junit.jupiter.api.Test;
import reactor.core.Fuseable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** The inline operator's synchronous fusion: polled through, steps applied, counted, errors attributed. */
class InlineOperatorFusionTest {

    private final RunContext ctx = new RunContext("test", Schedulers.parallel(), List.of(), false);
    private final Cell source = new Cell();
    private final Cell doubled = new Cell();
    private final Cell kept = new Cell();

    private InlineOperator operator(Flux<Object> upstream) {
        InlineOperator.Step[] steps = {
            InlineOperator.Step.of(new MapStage(StageOptions.named("double"), n -> {
                if ((Integer) n == 7) {
                    throw new IllegalStateException("seven");
                }
                return (Integer) n * 2;
            }), doubled, ctx),
            InlineOperator.Step.of(new FilterStage(StageOptions.named("small"), n -> (Integer) n < 10), kept, ctx),
        };
        return new InlineOperator(upstream, "numbers", source, steps);
    }

    @Test
    void aPolledSourceIsFusedThroughTheStepsWithTheirCounts() {
        StepVerifier.create(operator(Flux.range(0, 6).map(n -> (Object) n).hide()))   // not pollable: no fusion
                .expectFusion(Fuseable.SYNC, Fuseable.NONE)
                .expectNext(0, 2, 4, 6, 8)
                .verifyComplete();
        StepVerifier.create(operator(Flux.fromIterable(List.of(0, 1, 2, 3, 4, 5))))
                .expectFusion(Fuseable.SYNC)
                .expectNext(0, 2, 4, 6, 8)
                .verifyComplete();
        assertThat(source.readEmitted()).isEqualTo(12);
        assertThat(doubled.readEmitted()).isEqualTo(12);
        assertThat(kept.readEmitted()).isEqualTo(10);
        assertThat(kept.readFiltered()).isEqualTo(2);
    }

    /** A source that is neither conditional nor pollable, as a publish is to its subscribers. */
    private static Flux<Object> plain(int n, List<Long> requests) {
        return Flux.range(0, n).map(i -> (Object) i).hide().doOnRequest(requests::add);
    }

    @Test
    void aDroppedItemIsReplacedByARequestOnlyWhileTheDemandIsBounded() {
        // 0..6 doubled; 10 and 12 are not small and are dropped
        List<Long> bounded = new java.util.concurrent.CopyOnWriteArrayList<>();
        StepVerifier.create(operator(plain(7, bounded)), 0)
                .thenRequest(6)
                .expectNext(0, 2, 4, 6, 8)
                .verifyComplete(); // each drop was asked for again, or the source would not have completed
        assertThat(bounded).containsExactly(6L, 1L, 1L);
        // unbounded demand: the one request says it all; drops ask for nothing more
        List<Long> unbounded = new java.util.concurrent.CopyOnWriteArrayList<>();
        StepVerifier.create(operator(plain(7, unbounded)))
                .expectNext(0, 2, 4, 6, 8)
                .verifyComplete();
        assertThat(unbounded).containsExactly(Long.MAX_VALUE);
        assertThat(source.readEmitted()).isEqualTo(14);
        assertThat(kept.readEmitted()).isEqualTo(10);
        assertThat(kept.readFiltered()).isEqualTo(4);
    }

    @Test
    void aStepThatFailsUnderFailFastFailsThePollNamingTheStage() {
        StepVerifier.create(operator(Flux.fromIterable(List.of(5, 6, 7, 8))))
                .expectFusion(Fuseable.SYNC)
                .expectNext()
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(PipelineException.class)
                        .hasMessageContaining("stage 'double' failed on item 7"))
                .verify();
        assertThat(doubled.readFailed()).isEqualTo(1);
    }

    @Test
    void aSourceThatFailsWhilePolledIsNamed() {
        Iterable<Object> broken = () -> new Iterator<>() {
            int i;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Object next() {
                if (i == 2) {
                    throw new IllegalStateException("disk gone");
                }
                return i++;
            }
        };
        StepVerifier.create(operator(Flux.fromIterable(broken)))
                .expectFusion(Fuseable.SYNC)
                .expectNext(0, 2)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(PipelineException.class)
                        .hasMessageContaining("stage 'numbers': the source failed"))
                .verify();
    }
}
