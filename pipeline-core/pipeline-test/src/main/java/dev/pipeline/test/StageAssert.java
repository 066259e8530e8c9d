package dev.pipeline.test;

import java.util.Arrays;
import java.util.List;

import dev.pipeline.core.StageReport;
import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ assertions on one node of a run ({@link StageReport}): each count by the name the
 * report's table gives it, its kind, branch and upstreams. Chain {@link #stage} to move to the
 * next node and {@link #and()} to return to the whole report.
 *
 * <pre>{@code
 * assertThat(report).stage("parse").received(4).emitted(3).deadLettered(1).balances()
 *         .stage("by-size").outlet("big", 1).outlet("small", 2);
 * }</pre>
 */
public final class StageAssert extends AbstractAssert<StageAssert, StageReport> {

    private final ReportAssert report;

    StageAssert(StageReport actual, ReportAssert report) {
        super(actual, StageAssert.class);
        this.report = report;
    }

    private StageAssert count(String what, long expected, long was) {
        isNotNull();
        if (expected != was) {
            failWithMessage("expected %s '%s' to have %s %d but it was %d%s", actual.kind(), actual.name(), what, expected, was,
                    report == null ? "" : "\n" + report.report());
        }
        return this;
    }

    /**
     * Verifies the items that entered the node.
     *
     * @param n the expected count
     * @return this
     */
    public StageAssert received(long n) {
        return count("received", n, actual.received());
    }

    /**
     * Verifies the items that left the node successfully (for a sink: consumed).
     *
     * @param n the expected count
     * @return this
     */
    public StageAssert emitted(long n) {
        return count("emitted", n, actual.emitted());
    }

    /**
     * Verifies what the node produced: items, batches, flatMap results or copies to branches.
     *
     * @param n the expected count
     * @return this
     */
    public StageAssert outputs(long n) {
        return count("outputs", n, actual.outputs());
    }

    /**
     * Verifies the items a filter dropped.
     *
     * @param n the expected count
     * @return this
     */
    public StageAssert filtered(long n) {
        return count("filtered", n, actual.filtered());
    }

    /**
     * Verifies the items the skip policy dropped.
     *
     * @param n the expected count
     * @return this
     */
    public StageAssert skipped(long n) {
        return count("skipped", n, actual.skipped());
    }

    /**
     * Verifies the items sent to a dead-letter sink.
     *
     * @param n the expected count
     * @return this
     */
    public StageAssert deadLettered(long n) {
        return count("dead-lettered", n, actual.deadLettered());
    }

    /**
     * Verifies the items that failed the run.
     *
     * @param n the expected count
     * @return this
     */
    public StageAssert failed(long n) {
        return count("failed", n, actual.failed());
    }

    /**
     * Verifies the retry attempts made beyond each item's first.
     *
     * @param n the expected count
     * @return this
     */
    public StageAssert retried(long n) {
        return count("retried", n, actual.retried());
    }

    /**
     * Verifies the items in flight (after the run: those cut off).
     *
     * @param n the expected count
     * @return this
     */
    public StageAssert inFlight(long n) {
        return count("in flight", n, actual.inFlight());
    }

    /**
     * Verifies what a broadcast or route passed to one of its branches.
     *
     * @param branch the branch's name (without the fan-out's)
     * @param n the expected count
     * @return this
     */
    public StageAssert outlet(String branch, long n) {
        isNotNull();
        Long was = actual.outlets().get(branch);
        if (was == null) {
            failWithMessage("expected %s '%s' to have a branch '%s', but its branches are %s", actual.kind(), actual.name(), branch,
                    actual.outlets().keySet());
        }
        return count("passed to branch '" + branch + "'", n, was);
    }

    /**
     * Verifies a buffer's high-water mark stayed within {@code capacity}.
     *
     * @param capacity the most items it may have held
     * @return this
     */
    public StageAssert queueDepthAtMost(int capacity) {
        isNotNull();
        if (actual.maxQueueDepth() > capacity) {
            failWithMessage("expected %s '%s' to have held at most %d items but it held %d", actual.kind(), actual.name(), capacity,
                    actual.maxQueueDepth());
        }
        return this;
    }

    /**
     * Verifies the node's kind (source, map, mapAsync, buffer, broadcast, route, merge, sink, ...).
     *
     * @param kind the expected kind
     * @return this
     */
    public StageAssert isOfKind(String kind) {
        isNotNull();
        if (!actual.kind().equals(kind)) {
            failWithMessage("expected node '%s' to be a %s but it is a %s", actual.name(), kind, actual.kind());
        }
        return this;
    }

    /**
     * Verifies the branch the node sits on ({@code fanout/branch}, "" for the main line).
     *
     * @param branch the expected branch
     * @return this
     */
    public StageAssert onBranch(String branch) {
        isNotNull();
        if (!actual.branch().equals(branch)) {
            failWithMessage("expected node '%s' to be on branch '%s' but it is on '%s'", actual.name(), branch, actual.branch());
        }
        return this;
    }

    /**
     * Verifies where the node's items come from, as the report's "from" column shows them
     * ({@code node} or {@code fanout/branch}).
     *
     * @param upstreams the expected upstreams, in order
     * @return this
     */
    public StageAssert fedBy(String... upstreams) {
        isNotNull();
        List<String> from = actual.upstreams().stream().map(StageReport.Inlet::toString).toList();
        if (!from.equals(Arrays.asList(upstreams))) {
            failWithMessage("expected node '%s' to be fed by %s but it is fed by %s", actual.name(), Arrays.asList(upstreams), from);
        }
        return this;
    }

    /**
     * Verifies that the node's counts balance.
     *
     * @return this
     */
    public StageAssert balances() {
        isNotNull();
        if (!actual.balances()) {
            failWithMessage("expected node '%s' to balance but received %d != emitted %d + filtered %d + skipped %d + dead %d"
                    + " + failed %d + in-flight %d", actual.name(), actual.received(), actual.emitted(), actual.filtered(),
                    actual.skipped(), actual.deadLettered(), actual.failed(), actual.inFlight());
        }
        return this;
    }

    /**
     * Moves on to another node of the same report.
     *
     * @param name the node's name
     * @return that node's assertions
     * @throws IllegalStateException for a stage asserted outside a report
     */
    public StageAssert stage(String name) {
        return and().stage(name);
    }

    /**
     * Returns to the whole report's assertions.
     *
     * @return the report's assertions
     * @throws IllegalStateException for a stage asserted outside a report
     */
    public ReportAssert and() {
        if (report == null) {
            throw new IllegalStateException("this StageReport was asserted on its own: assert on the PipelineReport to chain");
        }
        return report;
    }
}
