package dev.pipeline.test;

import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

import dev.pipeline.core.DeadLetter;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.PipelineStatus;
import dev.pipeline.core.StageReport;
import org.assertj.core.api.AbstractAssert;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.Assertions;
import org.assertj.core.api.ObjectAssert;

/**
 * AssertJ assertions on a {@link PipelineReport}, named after what the report says: how the
 * run ended, whether its accounts reconcile, each node's counts ({@link #stage}), the dead
 * letters a sink collected ({@link #deadLetters}), and the graph's branches. A failure message
 * names the pipeline and quotes the report's table.
 *
 * <pre>{@code
 * assertThat(report).completed().reconciles().nothingCutOff()
 *         .stage("parse").received(4).emitted(3).deadLettered(1)
 *         .stage("store").emitted(3)
 *         .and().deadLetters("rejected").hasSize(1).allFromStage("parse");
 * }</pre>
 *
 * Made by {@link PipelineAssertions#assertThat(PipelineReport)}.
 */
public final class ReportAssert extends AbstractAssert<ReportAssert, PipelineReport<?>> {

    ReportAssert(PipelineReport<?> actual) {
        super(actual, ReportAssert.class);
    }

    /** The report under assertion, for the nested assertions' messages. */
    PipelineReport<?> report() {
        return actual;
    }

    /**
     * Verifies that the run completed (the source ended and every item reached the end).
     *
     * @return this
     */
    public ReportAssert completed() {
        return hasStatus(PipelineStatus.COMPLETED);
    }

    /**
     * Verifies that the run failed.
     *
     * @return this
     */
    public ReportAssert failed() {
        return hasStatus(PipelineStatus.FAILED);
    }

    /**
     * Verifies that the run was stopped ({@code RunningPipeline.stop}).
     *
     * @return this
     */
    public ReportAssert stopped() {
        return hasStatus(PipelineStatus.STOPPED);
    }

    /**
     * Verifies that the run was cancelled.
     *
     * @return this
     */
    public ReportAssert cancelled() {
        return hasStatus(PipelineStatus.CANCELLED);
    }

    /**
     * Verifies the run's status.
     *
     * @param status the expected status
     * @return this
     */
    public ReportAssert hasStatus(PipelineStatus status) {
        isNotNull();
        if (actual.status() != status) {
            failWithMessage("expected pipeline '%s' to be %s but it was %s%s%n%s", actual.pipeline(), status, actual.status(),
                    actual.error().map(e -> " (" + e + ")").orElse(""), actual);
        }
        return this;
    }

    /**
     * Verifies that every node balances ({@code received == emitted + filtered + skipped +
     * deadLettered + failed + inFlight}) and that the graph reconciles
     * ({@link PipelineReport#reconciles()}): nothing lost, nothing invented.
     *
     * @return this
     */
    public ReportAssert reconciles() {
        isNotNull();
        for (StageReport s : actual.stages()) {
            if (!s.balances()) {
                failWithMessage("expected pipeline '%s' to reconcile, but node '%s' does not balance: received %d != emitted %d"
                        + " + filtered %d + skipped %d + dead %d + failed %d + in-flight %d%n%s", actual.pipeline(), s.name(),
                        s.received(), s.emitted(), s.filtered(), s.skipped(), s.deadLettered(), s.failed(), s.inFlight(), actual);
            }
        }
        if (!actual.reconciles()) {
            failWithMessage("expected pipeline '%s' to reconcile across its graph (every node receives what its upstreams"
                    + " passed; a completed run has nothing in flight and its fan-outs account for every item), but it does not%n%s",
                    actual.pipeline(), actual);
        }
        return this;
    }

    /**
     * Verifies that no item was cut off (nothing in flight anywhere).
     *
     * @return this
     */
    public ReportAssert nothingCutOff() {
        return cutOff(0);
    }

    /**
     * Verifies how many items were cut off (in flight when a stopped, cancelled or failed run ended).
     *
     * @param items the expected count
     * @return this
     */
    public ReportAssert cutOff(long items) {
        isNotNull();
        if (actual.cutOff() != items) {
            failWithMessage("expected pipeline '%s' to have cut off %d items but it cut off %d%n%s", actual.pipeline(), items,
                    actual.cutOff(), actual);
        }
        return this;
    }

    /**
     * Verifies the main sink's result.
     *
     * @param expected the expected result (compared with {@code equals})
     * @return this
     */
    public ReportAssert hasResult(Object expected) {
        isNotNull();
        Object result = actual.result().orElse(null);
        if (!Objects.equals(result, expected)) {
            failWithMessage("expected pipeline '%s' to have the result %s but it was %s%n%s", actual.pipeline(), expected, result, actual);
        }
        return this;
    }

    /**
     * AssertJ assertions on the main sink's result (null when there is none).
     *
     * @return an object assertion
     */
    public ObjectAssert<Object> result() {
        isNotNull();
        return Assertions.assertThat((Object) actual.result().orElse(null)).as("result of pipeline '%s'", actual.pipeline());
    }

    /**
     * AssertJ assertions on the error that failed the run.
     *
     * @return a throwable assertion
     */
    public AbstractThrowableAssert<?, ? extends Throwable> error() {
        isNotNull();
        if (actual.error().isEmpty()) {
            failWithMessage("expected pipeline '%s' to have failed with an error, but it has none (%s)%n%s", actual.pipeline(),
                    actual.status(), actual);
        }
        return Assertions.assertThat(actual.error().get()).as("error of pipeline '%s'", actual.pipeline());
    }

    /**
     * Verifies the nodes of the report, in pipeline order (sources, stages, buffers, fan-outs,
     * merges and sinks, dead-letter sinks included).
     *
     * @param names every node's name, in order
     * @return this
     */
    public ReportAssert hasNodes(String... names) {
        isNotNull();
        List<String> nodes = actual.stages().stream().map(StageReport::name).toList();
        if (!nodes.equals(Arrays.asList(names))) {
            failWithMessage("expected pipeline '%s' to have the nodes %s but it has %s", actual.pipeline(), Arrays.asList(names), nodes);
        }
        return this;
    }

    /**
     * Verifies which nodes sit on a branch of a broadcast or route, in order.
     *
     * @param branch the branch as the report names it, {@code fanout/branch}
     * @param nodes the names of the nodes on it
     * @return this
     */
    public ReportAssert branch(String branch, String... nodes) {
        isNotNull();
        List<String> on = actual.stages().stream().filter(s -> s.branch().equals(branch)).map(StageReport::name).toList();
        if (!on.equals(Arrays.asList(nodes))) {
            List<String> branches = actual.stages().stream().map(StageReport::branch).filter(b -> !b.isEmpty()).distinct().toList();
            failWithMessage("expected branch '%s' of pipeline '%s' to hold %s but it holds %s (branches: %s)", branch,
                    actual.pipeline(), Arrays.asList(nodes), on, branches);
        }
        return this;
    }

    /**
     * Assertions on one node's counts; chain further {@code stage(...)} calls to move on.
     *
     * @param name the node's name
     * @return the node's assertions
     */
    public StageAssert stage(String name) {
        isNotNull();
        try {
            return new StageAssert(actual.stage(name), this);
        } catch (NoSuchElementException e) {
            throw failure("%s", e.getMessage());
        }
    }

    /**
     * Assertions on the dead letters a sink collected: the sink's result must be a list of
     * {@link DeadLetter}s, as {@code Sink.collect(name)} given to {@code ErrorPolicy.deadLetter} makes.
     *
     * @param sink the dead-letter sink's name
     * @return the dead letters' assertions
     */
    @SuppressWarnings("unchecked")
    public DeadLettersAssert deadLetters(String sink) {
        isNotNull();
        Object result;
        try {
            result = actual.result(sink).orElse(null);
        } catch (NoSuchElementException e) {
            throw failure("%s", e.getMessage());
        }
        if (!(result instanceof List<?> list) || !list.stream().allMatch(DeadLetter.class::isInstance)) {
            throw failure("expected sink '%s' of pipeline '%s' to have collected dead letters (end the dead-letter policy"
                    + " in Sink.collect(\"%s\")), but its result is %s", sink, actual.pipeline(), sink, result);
        }
        return new DeadLettersAssert((List<DeadLetter<?>>) list, this);
    }
}
