package dev.pipeline.test;

import java.time.Duration;
import java.util.List;

import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import dev.pipeline.core.Stage;
import dev.pipeline.core.aio.Tasks;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.scheduler.VirtualTimeScheduler;

import static dev.pipeline.test.PipelineAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VirtualTimeRunTest {

    @Test
    void anHourOfTimeoutsAndRetriesPassesInVirtualTime() {
        PipelineReport<List<Integer>> report = VirtualTimeRun.runToEnd(() -> Pipeline
                .from(Source.fromIterable("n", List.of(1, 2, 3)))
                .then(Stage.mapAsync("slow", (Integer n) -> Tasks.sleep(Duration.ofMinutes(20), n)))
                .to(Sink.collect("out")), Duration.ofHours(2));
        assertThat(report).completed().reconciles().hasResult(List.of(1, 2, 3));
        assertThat(report.duration()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void aRunThatDoesNotEndInTimeFailsWithItsLiveReport() {
        assertThatThrownBy(() -> VirtualTimeRun.runToEnd(() -> Pipeline
                .from(Source.fromIterable("n", List.of(1)))
                .then(Stage.mapAsync("forever", (Integer n) -> Mono.<Integer>never()))
                .to(Sink.collect("out")), Duration.ofMinutes(1)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("still running after PT1M of virtual time")
                .hasMessageContaining("forever");
        assertThat(VirtualTimeScheduler.isFactoryEnabled()).as("real schedulers are back").isFalse();
    }

    @Test
    void theRealSchedulersAreBackAfterClose() {
        try (VirtualTimeRun<List<Integer>> run = VirtualTimeRun.start(() -> Pipeline
                .from(Source.fromIterable("n", List.of(1)))
                .to(Sink.collect("out")))) {
            assertThat(VirtualTimeScheduler.isFactoryEnabled()).isTrue();
            assertThat(run.finalReport()).completed();
        }
        assertThat(VirtualTimeScheduler.isFactoryEnabled()).isFalse();
        assertThat(Schedulers.parallel().now(java.util.concurrent.TimeUnit.MILLISECONDS)).as("a real clock").isGreaterThan(1_000_000_000_000L);
    }

    @Test
    void closeCancelsARunStillGoing() {
        VirtualTimeRun<List<Integer>> run = VirtualTimeRun.start(() -> Pipeline
                .from(Source.fromIterable("n", List.of(1, 2)))
                .then(Stage.mapAsync("slow", (Integer n) -> Tasks.sleep(Duration.ofHours(1), n)))
                .to(Sink.collect("out")));
        run.advance(Duration.ofMinutes(1));
        assertThat(run.ended()).isFalse();
        run.close();
        assertThat(run.ended()).isTrue();
        assertThat(run.finalReport()).cancelled().cutOff(1);
    }

    @Test
    void aProbeSourceIsDrivenStepByStep() {
        ProbeSource<Integer> in = ProbeSource.create("in");
        try (VirtualTimeRun<List<Integer>> run = VirtualTimeRun.start(() -> Pipeline.from(in.source())
                .then(Stage.mapAsync("wait", (Integer n) -> Tasks.sleep(Duration.ofSeconds(n), n)).concurrency(4))
                .to(Sink.collect("out")))) {
            in.emit(5, 1);
            run.advance(Duration.ofSeconds(2));
            assertThat(run.report()).stage("wait").received(2).emitted(0).inFlight(2);  // in order: 5 holds 1 back
            run.advance(Duration.ofSeconds(3));
            assertThat(run.report()).stage("wait").emitted(2);
            in.complete();
            run.advance();
            assertThat(run.finalReport()).completed().hasResult(List.of(5, 1));
        }
    }
}
