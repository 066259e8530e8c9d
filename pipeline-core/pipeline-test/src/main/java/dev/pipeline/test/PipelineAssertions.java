package dev.pipeline.test;

import dev.pipeline.core.DeadLetter;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.StageReport;

/**
 * Entry points of the kit's AssertJ assertions, to import statically beside AssertJ's
 * {@code Assertions.assertThat} (the overloads do not clash).
 *
 * <pre>{@code
 * assertThat(report).completed().reconciles()
 *         .stage("parse").received(4).emitted(3).deadLettered(1)
 *         .and().deadLetters("rejected").hasSize(1).allFromStage("parse");
 * }</pre>
 */
public final class PipelineAssertions {

    private PipelineAssertions() {
    }

    /**
     * Assertions on a run's report.
     *
     * @param report the report (final, or a live snapshot)
     * @return the assertions
     */
    public static ReportAssert assertThat(PipelineReport<?> report) {
        return new ReportAssert(report);
    }

    /**
     * Assertions on one node's report, outside a pipeline report.
     *
     * @param stage the node's report
     * @return the assertions
     */
    public static StageAssert assertThat(StageReport stage) {
        return new StageAssert(stage, null);
    }

    /**
     * Assertions on one dead letter.
     *
     * @param letter the dead letter
     * @return the assertions
     */
    public static DeadLetterAssert assertThat(DeadLetter<?> letter) {
        return new DeadLetterAssert(letter);
    }
}
