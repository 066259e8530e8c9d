package dev.pipeline.test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.pipeline.core.DeadLetter;
import dev.pipeline.core.ErrorPolicy;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.PipelineStatus;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import dev.pipeline.core.Stage;
import dev.pipeline.core.StageReport;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static dev.pipeline.test.PipelineAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReportAssertTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    static PipelineReport<List<Integer>> parsed() {
        return Pipeline.from(Source.fromIterable("lines", List.of("1", "x", "3")))
                .then(Stage.map("parse", (String s) -> Integer.valueOf(s))
                        .onError(ErrorPolicy.deadLetter(Sink.<DeadLetter<?>>collect("rejected"))))
                .to(Sink.collect("out"))
                .run().block(WAIT);
    }

    static StageReport node(String name, long received, long emitted, long inFlight) {
        return new StageReport(name, "map", true, received, emitted, emitted, 0, 0, 0, 0, 0, inFlight, -1, 1, Duration.ZERO,
                List.of(), "", Map.of());
    }

    @Nested
    class Stages {

        @Test
        void passesWhenTheCountsAreThoseOfTheReport() {
            assertThat(parsed()).completed().reconciles().nothingCutOff()
                    .hasNodes("lines", "parse", "out", "rejected")
                    .stage("parse").isOfKind("map").received(3).emitted(2).deadLettered(1).filtered(0).skipped(0).failed(0)
                    .retried(0).inFlight(0).balances()
                    .stage("out").emitted(2);
        }

        @Test
        void aWrongCountNamesTheStageBothNumbersAndQuotesTheReport() {
            assertThatThrownBy(() -> assertThat(parsed()).stage("parse").emitted(3))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("expected map 'parse' to have emitted 3 but it was 2")
                    .hasMessageContaining("Pipeline 'pipeline' COMPLETED");
        }

        @Test
        void anUnknownStageListsTheStagesThereAre() {
            assertThatThrownBy(() -> assertThat(parsed()).stage("pars"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("no stage 'pars'")
                    .hasMessageContaining("[lines, parse, out, rejected]");
        }

        @Test
        void aWrongStatusSaysWhatItWas() {
            assertThatThrownBy(() -> assertThat(parsed()).failed())
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("expected pipeline 'pipeline' to be FAILED but it was COMPLETED");
        }

        @Test
        void aStageAssertedAloneCannotChain() {
            assertThatThrownBy(() -> assertThat(node("a", 1, 1, 0)).emitted(1).and())
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Nested
    class Invariant {

        @Test
        void aNodeThatDoesNotBalanceIsNamedWithItsCounts() {
            PipelineReport<Void> broken = new PipelineReport<>("p", PipelineStatus.COMPLETED, Duration.ZERO, null, null,
                    List.of(node("a", 3, 2, 0)), List.of(), Map.of());
            assertThatThrownBy(() -> assertThat(broken).reconciles())
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("node 'a' does not balance: received 3 != emitted 2");
        }

        @Test
        void itemsInFlightAfterACompletedRunDoNotReconcile() {
            PipelineReport<Void> broken = new PipelineReport<>("p", PipelineStatus.COMPLETED, Duration.ZERO, null, null,
                    List.of(node("a", 3, 2, 1)), List.of(), Map.of());
            assertThatThrownBy(() -> assertThat(broken).reconciles()).hasMessageContaining("to reconcile across its graph");
            assertThatThrownBy(() -> assertThat(broken).nothingCutOff()).hasMessageContaining("but it cut off 1");
        }
    }

    @Nested
    class DeadLetters {

        @Test
        void readTheStageTheItemTheCauseAndTheAttempts() {
            assertThat(parsed()).deadLetters("rejected").hasSize(1).allFromStage("parse").containItems("x")
                    .allCausedBy(NumberFormatException.class).allWithMessageContaining("\"x\"").allWithAttempts(1)
                    .letterOf("x").fromStage("parse").hasItem("x").hasAttempts(1)
                    .error().isInstanceOf(NumberFormatException.class);
        }

        @Test
        void aWrongCauseNamesTheItemAndTheError() {
            assertThatThrownBy(() -> assertThat(parsed()).deadLetters("rejected").allCausedBy(IllegalStateException.class))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("java.lang.IllegalStateException")
                    .hasMessageContaining("the one of x is java.lang.NumberFormatException");
        }

        @Test
        void aSinkThatCollectedNoDeadLettersIsRefused() {
            assertThatThrownBy(() -> assertThat(parsed()).deadLetters("out"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("to have collected dead letters");
        }

        @Test
        void aDeadLetterOnItsOwn() {
            DeadLetter<String> letter = new DeadLetter<>("fetch", "u1", new IllegalStateException("503"), 3, Instant.EPOCH);
            assertThat(letter).fromStage("fetch").hasItem("u1").hasAttempts(3).error().hasMessage("503");
            assertThatThrownBy(() -> assertThat(letter).hasAttempts(1))
                    .hasMessageContaining("expected the dead letter of u1 to have 1 attempts but it has 3");
        }
    }
}
