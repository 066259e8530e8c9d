package dev.pipeline.test;

// tag::imports[]
import java.time.Duration;
import java.util.List;

import dev.pipeline.core.Branch;
import dev.pipeline.core.DeadLetter;
import dev.pipeline.core.ErrorPolicy;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.Route;
import dev.pipeline.core.RunningPipeline;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import dev.pipeline.core.Stage;
import dev.pipeline.core.aio.Tasks;
import dev.pipeline.test.ProbeSink;
import dev.pipeline.test.ProbeSource;
import dev.pipeline.test.VirtualTimeRun;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import static dev.pipeline.test.PipelineAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
// end::imports[]

/** The snippets of docs/testing.md, each a test. */
class TestingGuideTest {

    static Integer parse(String s) {
        return Integer.valueOf(s.trim());
    }

    @Test
    void reportAssertions() {
        // tag::report[]
        Pipeline<List<Integer>> pipeline = Pipeline.from(Source.fromIterable("lines", List.of("1", "2", "x", "4")))
                .then(Stage.map("parse", TestingGuideTest::parse)
                        .onError(ErrorPolicy.deadLetter(Sink.<DeadLetter<?>>collect("rejected"))))
                .then(Stage.filter("even", (Integer n) -> n % 2 == 0))
                .to(Sink.collect("out"));

        PipelineReport<List<Integer>> report = pipeline.run().block(Duration.ofSeconds(10));

        assertThat(report).completed().reconciles().hasResult(List.of(2, 4))
                .stage("parse").received(4).emitted(3).deadLettered(1)
                .stage("even").received(3).emitted(2).filtered(1)
                .and().deadLetters("rejected").hasSize(1).allFromStage("parse")
                .allCausedBy(NumberFormatException.class).allWithAttempts(1).containItems("x");
        // end::report[]
    }

    @Test
    void probes() {
        // tag::probes[]
        ProbeSource<String> lines = ProbeSource.create("lines");
        ProbeSink<Integer> out = ProbeSink.create("out");
        RunningPipeline<List<Integer>> run = Pipeline.from(lines.source())
                .then(Stage.map("length", String::length))
                .to(out.sink())
                .start();

        out.request(1);                                           // the sink asks for one item
        lines.awaitRequested(1, Duration.ofSeconds(10)).emit("abc");
        assertThat(out.awaitReceived(1, Duration.ofSeconds(10))).containsExactly(3);

        out.request(10);
        lines.awaitRequested(1, Duration.ofSeconds(10)).emit("de").complete();
        PipelineReport<List<Integer>> report = run.await().block(Duration.ofSeconds(10));
        assertThat(report).completed().hasResult(List.of(3, 2)).stage("length").emitted(2);
        // end::probes[]
        out.assertReceived(3, 2);
    }

    @Test
    void virtualTime() {
        // tag::virtualTime[]
        PipelineReport<List<Integer>> report = VirtualTimeRun.runToEnd(() -> Pipeline   // build it inside the lambda
                .from(Source.fromIterable("n", List.of(1, 2, 3)))
                .then(Stage.mapAsync("slow", (Integer n) -> Tasks.sleep(Duration.ofMinutes(n), n)).concurrency(3))
                .to(Sink.collect("out")), Duration.ofMinutes(5));

        assertThat(report).completed().hasResult(List.of(1, 2, 3)).stage("slow").emitted(3);
        assertThat(report.duration()).isEqualTo(Duration.ofMinutes(3));   // 3 virtual minutes, not 6
        // end::virtualTime[]
    }

    @Test
    void virtualTimeStepByStep() {
        // tag::virtualTimeSteps[]
        try (VirtualTimeRun<List<Integer>> run = VirtualTimeRun.start(() -> Pipeline
                .from(Source.fromIterable("n", List.of(1, 2)))
                .then(Stage.mapAsync("slow", (Integer n) -> Tasks.sleep(Duration.ofSeconds(10 * n), n)))
                .to(Sink.collect("out")))) {
            run.advance(Duration.ofSeconds(15));
            assertThat(run.report()).stage("slow").received(2).emitted(1).inFlight(1);
            run.advance(Duration.ofSeconds(20));
            assertThat(run.finalReport()).completed().hasResult(List.of(1, 2));
        }
        // end::virtualTimeSteps[]
    }

    @Test
    void retriesInVirtualTime() {
        // tag::retries[]
        PipelineReport<Void> report = VirtualTimeRun.runToEnd(() -> Pipeline
                .from(Source.fromIterable("ids", List.of(1, 2)))
                .then(Stage.mapAsync("flaky", (Integer id) -> Tasks.sleep(Duration.ofSeconds(1), id)
                                .then(Mono.<Integer>error(new IllegalStateException("503 for " + id))))
                        .retry(Retry.backoff(2, Duration.ofSeconds(30)))
                        .onError(ErrorPolicy.deadLetter(Sink.<DeadLetter<?>>collect("dead"))))
                .to(Sink.forEach("store", (Integer id) -> { })), Duration.ofMinutes(10));

        assertThat(report).completed().reconciles()
                .stage("flaky").retried(4).deadLettered(2)
                .and().deadLetters("dead").allWithAttempts(3).allWithMessageContaining("503");
        // end::retries[]
    }

    @Test
    void branches() {
        // tag::branches[]
        PipelineReport<Void> report = Pipeline.from(Source.fromIterable("n", List.of(1, 20, 3, 40)))
                .route(Route.by("by-size", (Integer n) -> n >= 10 ? "big" : "small"),
                        Branch.to("big", Sink.forEach("big-out", (Integer n) -> { })),
                        Branch.to("small", Sink.forEach("small-out", (Integer n) -> { })))
                .end()
                .run().block(Duration.ofSeconds(10));

        assertThat(report).completed().reconciles()
                .branch("by-size/big", "big-out")
                .stage("by-size").isOfKind("route").outlet("big", 2).outlet("small", 2)
                .stage("big-out").onBranch("by-size/big").fedBy("by-size/big").emitted(2);
        // end::branches[]
    }
}
