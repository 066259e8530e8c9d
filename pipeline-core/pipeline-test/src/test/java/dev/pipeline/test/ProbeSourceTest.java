package dev.pipeline.test;

import java.time.Duration;
import java.util.List;

import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineException;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.RunningPipeline;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Stage;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static dev.pipeline.test.PipelineAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProbeSourceTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void emitsTheItemsTheTestGivesAndCompletesWhenTold() {
        ProbeSource<Integer> numbers = ProbeSource.create("numbers");
        RunningPipeline<List<Integer>> run = Pipeline.from(numbers.source())
                .then(Stage.map("inc", (Integer n) -> n + 1))
                .to(Sink.collect("out"))
                .start();
        numbers.awaitRequested(3, WAIT).emit(1, 2, 3);
        assertThat(run.status()).as("not complete before the probe completes").isEqualTo(dev.pipeline.core.PipelineStatus.RUNNING);
        numbers.complete();
        assertThat(run.await().block(WAIT)).completed().hasResult(List.of(2, 3, 4)).stage("numbers").emitted(3);
        assertThat(numbers.subscriptions()).isEqualTo(1);
        assertThat(numbers.isSubscribed()).isFalse();
    }

    @Test
    void refusesToEmitBeyondTheDemandAndSaysWhatToDo() {
        ProbeSource<Integer> numbers = ProbeSource.create("numbers");
        StepVerifier.create(Pipeline.from(numbers.source()).toFlux(), 0)
                .expectSubscription()
                .then(() -> assertThat(numbers.requested()).isZero())
                .then(() -> assertThatThrownBy(() -> numbers.emit(1))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("'numbers'")
                        .hasMessageContaining("outstanding demand of 0")
                        .hasMessageContaining("awaitRequested"))
                .thenCancel()
                .verify(WAIT);
    }

    @Test
    void refusesToEmitBeforeARunSubscribes() {
        ProbeSource<String> lines = ProbeSource.create("lines");
        assertThatThrownBy(() -> lines.emit("a"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has no subscriber: start the run first");
    }

    @Test
    void anErrorFailsTheRunWithIt() {
        ProbeSource<Integer> numbers = ProbeSource.create("numbers");
        RunningPipeline<List<Integer>> run = Pipeline.from(numbers.source()).to(Sink.collect("out")).start();
        numbers.awaitRequested(1, WAIT).emit(1).error(new IllegalStateException("disk gone"));
        assertThatThrownBy(() -> run.await().block(WAIT))
                .isInstanceOf(PipelineException.class)
                .hasStackTraceContaining("disk gone");
        assertThat(run.report()).failed();
    }

    @Test
    void seesTheRunCancelIt() {
        ProbeSource<Integer> numbers = ProbeSource.create("numbers");
        RunningPipeline<List<Integer>> run = Pipeline.from(numbers.source()).to(Sink.collect("out")).start();
        numbers.awaitRequested(1, WAIT).emit(7);
        PipelineReport<List<Integer>> report = run.cancel().block(WAIT);
        assertThat(report).cancelled();
        assertThat(numbers.wasCancelled()).isTrue();
        assertThatThrownBy(() -> numbers.emit(8)).hasMessageContaining("the run cancelled it");
    }

    @Test
    void awaitRequestedFailsWithTheDemandItSaw() {
        ProbeSource<Integer> numbers = ProbeSource.create("numbers");
        assertThatThrownBy(() -> numbers.awaitRequested(1, Duration.ofMillis(50)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("expected a demand of 1, had 0");
    }
}
