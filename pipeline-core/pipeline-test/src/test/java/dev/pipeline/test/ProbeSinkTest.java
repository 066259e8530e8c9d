package dev.pipeline.test;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.RunningPipeline;
import dev.pipeline.core.Source;
import dev.pipeline.core.Stage;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static dev.pipeline.test.PipelineAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProbeSinkTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void receivesOnlyWhatTheTestRequests() {
        ProbeSource<Integer> in = ProbeSource.create("in");
        ProbeSink<Integer> out = ProbeSink.create("out");
        RunningPipeline<List<Integer>> run = Pipeline.from(in.source()).to(out.sink()).start();
        assertThat(in.requested()).as("no demand before the sink requests").isZero();
        out.request(2);
        in.awaitRequested(2, WAIT).emit(1, 2);
        assertThat(out.awaitReceived(2, WAIT)).containsExactly(1, 2);
        assertThat(out.isTerminated()).isFalse();
        out.request(3);
        in.awaitRequested(3, WAIT).emit(3, 4, 5).complete();
        out.awaitTerminated(WAIT).assertReceived(1, 2, 3, 4, 5);
        assertThat(run.await().block(WAIT)).completed().hasResult(List.of(1, 2, 3, 4, 5));
    }

    @Test
    void anInitialDemandRequestsAsTheRunSubscribes() {
        ProbeSink<Integer> all = ProbeSink.create("all", Long.MAX_VALUE);
        PipelineReport<List<Integer>> report = Pipeline.from(Source.fromIterable("n", List.of(1, 2, 3)))
                .to(all.sink()).run().block(WAIT);
        assertThat(report).completed().hasResult(List.of(1, 2, 3)).stage("all").received(3).emitted(3);
        assertThat(all.isCompleted()).isTrue();
    }

    @Test
    void recordsEveryItemExactlyOnceWhenTheyArriveFromManyThreads() {
        ProbeSink<Integer> out = ProbeSink.create("out", Long.MAX_VALUE);
        PipelineReport<List<Integer>> report = Pipeline.from(Source.fromIterable("n", IntStream.range(0, 5000).boxed().toList()))
                .then(Stage.mapAsync("hop", (Integer n) -> Mono.just(n).publishOn(reactor.core.scheduler.Schedulers.parallel()))
                        .concurrency(16).ordered(false))
                .to(out.sink()).run().block(WAIT);
        assertThat(report).completed().reconciles();
        assertThat(out.received()).hasSize(5000).doesNotHaveDuplicates();
    }

    @Test
    void anUpstreamErrorIsRecordedAndFailsTheRun() {
        ProbeSink<Integer> out = ProbeSink.create("out", 10);
        Pipeline<List<Integer>> p = Pipeline.from(Source.of("n", Flux.just(1).concatWith(Flux.error(new IllegalStateException("boom")))))
                .to(out.sink());
        assertThatThrownBy(() -> p.run().block(WAIT)).hasStackTraceContaining("boom");
        out.awaitTerminated(WAIT);
        assertThat(out.error()).get().satisfies(e -> assertThat(e).hasStackTraceContaining("boom"));
        assertThat(out.received()).containsExactly(1);
    }

    @Test
    void awaitReceivedSaysWhatArrivedWhenTheRunEndsShort() {
        ProbeSink<Integer> out = ProbeSink.create("out", 10);
        Pipeline.from(Source.fromIterable("n", List.of(1))).to(out.sink()).run().block(WAIT);
        assertThatThrownBy(() -> out.awaitReceived(2, WAIT))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("expected 2 items, but the run ended after [1]");
        assertThatThrownBy(() -> out.assertReceived(1, 2)).hasMessageContaining("expected [1, 2] but received [1]");
    }

    @Test
    void cancellingEndsTheRun() {
        ProbeSource<Integer> in = ProbeSource.create("in");
        ProbeSink<Integer> out = ProbeSink.create("out", 1);
        RunningPipeline<List<Integer>> run = Pipeline.from(in.source()).to(out.sink()).start();
        in.awaitRequested(1, WAIT).emit(1);
        out.awaitReceived(1, WAIT);
        out.cancel();
        assertThat(out.isTerminated()).isTrue();
        in.awaitCancelled(WAIT);
        assertThat(run.await().onErrorResume(e -> Mono.empty()).then(Mono.just(true)).block(WAIT)).as("the run ends").isTrue();
    }
}
