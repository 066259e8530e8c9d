package dev.pipeline.core;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * The account of a pipeline run: its status, duration, error, result, and a
 * {@link StageReport} per source, stage, buffer and sink in order. A snapshot while the run is
 * going ({@link RunningPipeline#report()}), final once it has ended. {@link #toString()}
 * renders the table a person reads at the end of a run.
 *
 * @param <R> the sink's result type
 */
public final class PipelineReport<R> {

    private final String pipeline;
    private final PipelineStatus status;
    private final Duration duration;
    private final Throwable error;
    private final R result;
    private final List<StageReport> stages;
    private final List<CircuitBreakerReport> breakers;

    PipelineReport(String pipeline, PipelineStatus status, Duration duration, Throwable error, R result,
            List<StageReport> stages, List<CircuitBreakerReport> breakers) {
        this.pipeline = pipeline;
        this.status = status;
        this.duration = duration;
        this.error = error;
        this.result = result;
        this.stages = List.copyOf(stages);
        this.breakers = List.copyOf(breakers);
    }

    /** @return the pipeline's name */
    public String pipeline() {
        return pipeline;
    }

    /** @return how the run stands or ended */
    public PipelineStatus status() {
        return status;
    }

    /** @return time since the run started, or its whole length once ended */
    public Duration duration() {
        return duration;
    }

    /** @return the error that failed the run */
    public Optional<Throwable> error() {
        return Optional.ofNullable(error);
    }

    /** @return the sink's result, once the run completed or stopped after every item in flight finished (empty for a {@code Void} sink) */
    public Optional<R> result() {
        return Optional.ofNullable(result);
    }

    /** @return every source, stage, buffer and sink, in pipeline order */
    public List<StageReport> stages() {
        return stages;
    }

    /**
     * The circuit breakers the run's stages and sinks call through, each with its state, the
     * state changes this run saw and the calls it refused; empty when none has one.
     *
     * @return one report per breaker
     * @see Stage#circuitBreaker
     */
    public List<CircuitBreakerReport> breakers() {
        return breakers;
    }

    /**
     * The report of one stage.
     *
     * @param name the stage name
     * @return its report
     * @throws NoSuchElementException naming the stages there are, when there is none by that name
     */
    public StageReport stage(String name) {
        for (StageReport s : stages) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw new NoSuchElementException("no stage '" + name + "' in pipeline '" + pipeline + "'; stages are "
                + stages.stream().map(StageReport::name).toList());
    }

    /**
     * Items received somewhere and not accounted for: in flight while running; after a stop,
     * cancel or failure, the items that were cut off.
     *
     * @return the sum of the stages' in-flight counts
     */
    public long cutOff() {
        return stages.stream().filter(StageReport::itemized).mapToLong(StageReport::inFlight).sum();
    }

    /**
     * Whether every itemized stage's counts reconcile (see {@link StageReport#balances()}).
     *
     * @return true if all balance
     */
    public boolean balances() {
        return stages.stream().allMatch(StageReport::balances);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append("Pipeline '").append(pipeline).append("' ").append(status)
                .append(String.format(Locale.ROOT, " in %.3f s", duration.toNanos() / 1e9));
        if (error != null) {
            sb.append(" -- ").append(error.getMessage());
        }
        sb.append('\n');
        int w = Math.max(5, stages.stream().mapToInt(s -> s.name().length()).max().orElse(5));
        String head = String.format(Locale.ROOT, "%-" + w + "s  %-11s %10s %10s %9s %9s %8s %8s %7s %8s %9s %9s %9s%n",
                "stage", "kind", "received", "emitted", "outputs", "filtered", "skipped", "dead", "failed",
                "retried", "in-flight", "queue-max", "busy");
        sb.append(head);
        for (StageReport s : stages) {
            sb.append(String.format(Locale.ROOT, "%-" + w + "s  %-11s %10d %10d %9d %9d %8d %8d %7d %8d %9d %9s %8.2fs%n",
                    s.name(), s.kind() + (s.workers() > 1 ? "x" + s.workers() : ""), s.received(), s.emitted(),
                    s.outputs(), s.filtered(), s.skipped(), s.deadLettered(), s.failed(), s.retried(), s.inFlight(),
                    s.maxQueueDepth() >= 0 ? Integer.toString(s.maxQueueDepth()) : "-", s.busy().toNanos() / 1e9));
        }
        for (CircuitBreakerReport b : breakers) {
            sb.append(b).append('\n');
        }
        long cut = cutOff();
        if (status != PipelineStatus.RUNNING && cut > 0) {
            sb.append(cut).append(" item(s) were cut off in flight\n");
        }
        return sb.toString();
    }
}
