package dev.pipeline.core;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Optional;

import dev.pipeline.core.internal.Require;

/**
 * The account of a pipeline run: its status, duration, error, result, and a
 * {@link StageReport} per node (source, stage, buffer, fan-out, merge and sink) in the order
 * items reach them, branch by branch, each naming its upstreams. A snapshot while the run is
 * going ({@link RunningPipeline#report()}), final once it has ended. {@link #toString()}
 * renders the table a person reads at the end of a run.
 *
 * @param <R> the main sink's result type
 */
public final class PipelineReport<R> {

    private final String pipeline;
    private final PipelineStatus status;
    private final Duration duration;
    private final Throwable error;
    private final R result;
    private final List<StageReport> stages;
    private final List<CircuitBreakerReport> breakers;
    private final Map<String, Object> results;
    private final List<AckReport> acks;

    /**
     * A report; runs make them, and tests of listeners or assertions may too.
     *
     * @param pipeline the pipeline's name
     * @param status how the run stands or ended
     * @param duration time since the run started, or its whole length
     * @param error the error that failed the run, or null
     * @param result the main sink's result, or null
     * @param stages every node's report, upstream before downstream
     * @param breakers every circuit breaker's report
     * @param results every sink's result by name, once the run completed or stopped (a Void sink's is null)
     */
    public PipelineReport(String pipeline, PipelineStatus status, Duration duration, Throwable error, R result,
            List<StageReport> stages, List<CircuitBreakerReport> breakers, Map<String, Object> results) {
        this(pipeline, status, duration, error, result, stages, breakers, results, List.of());
    }

    /**
     * A report with the acknowledgements of its acknowledged sources.
     *
     * @param pipeline the pipeline's name
     * @param status how the run stands or ended
     * @param duration time since the run started, or its whole length
     * @param error the error that failed the run, or null
     * @param result the main sink's result, or null
     * @param stages every node's report, upstream before downstream
     * @param breakers every circuit breaker's report
     * @param results every sink's result by name, once the run completed or stopped (a Void sink's is null)
     * @param acks one report per {@link Source#acknowledged acknowledged source}
     */
    public PipelineReport(String pipeline, PipelineStatus status, Duration duration, Throwable error, R result,
            List<StageReport> stages, List<CircuitBreakerReport> breakers, Map<String, Object> results,
            List<AckReport> acks) {
        this.acks = List.copyOf(acks);
        this.pipeline = pipeline;
        this.status = status;
        this.duration = duration;
        this.error = error;
        this.result = result;
        this.stages = List.copyOf(stages);
        this.breakers = List.copyOf(breakers);
        this.results = Collections.unmodifiableMap(new LinkedHashMap<>(results));
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

    /** @return the main sink's result, once the run completed or stopped after every item in flight finished (empty for a {@code Void} sink and for a pipeline finished with {@code end()}) */
    public Optional<R> result() {
        return Optional.ofNullable(result);
    }

    /** @return every source, stage, buffer and sink, in pipeline order */
    public List<StageReport> stages() {
        return stages;
    }

    /**
     * The result of any sink of the pipeline: the main one, or one that ends a branch.
     *
     * @param sink the sink's name
     * @return its result, once the run completed or stopped after every item in flight finished
     *     (empty for a {@code Void} sink, and before that)
     * @throws NoSuchElementException naming the sinks there are, when no sink has that name
     */
    public Optional<Object> result(String sink) {
        Require.nonNull(sink, "sink");
        boolean known = stages.stream().anyMatch(s -> s.name().equals(sink) && s.kind().equals("sink"));
        if (!known) {
            throw new NoSuchElementException("no sink '" + sink + "' in pipeline '" + pipeline + "'; sinks are "
                    + stages.stream().filter(s -> s.kind().equals("sink")).map(StageReport::name).toList());
        }
        return Optional.ofNullable(results.get(sink));
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
     * What each {@link Source#acknowledged acknowledged source}'s deliveries became: acked,
     * dead-lettered, redelivered, unacked in flight, and the longest wait for a settlement;
     * empty when the pipeline has no such source.
     *
     * @return one report per acknowledged source, in pipeline order
     */
    public List<AckReport> acks() {
        return acks;
    }

    /**
     * The acknowledgements of one acknowledged source.
     *
     * @param source the source's name
     * @return its report
     * @throws NoSuchElementException naming the acknowledged sources there are, when none has that name
     */
    public AckReport acks(String source) {
        Require.nonNull(source, "source");
        for (AckReport a : acks) {
            if (a.source().equals(source)) {
                return a;
            }
        }
        throw new NoSuchElementException("no acknowledged source '" + source + "' in pipeline '" + pipeline
                + "'; acknowledged sources are " + acks.stream().map(AckReport::source).toList());
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
     * Whether every itemized node's counts reconcile (see {@link StageReport#balances()}).
     *
     * @return true if all balance
     */
    public boolean balances() {
        return stages.stream().allMatch(StageReport::balances);
    }

    /**
     * Whether the run's accounts reconcile across the graph: every node {@link #balances()
     * balances}, every node received exactly what its upstreams passed to it, and, for a run
     * that completed, nothing is in flight, every item that entered a broadcast reached each
     * of its branches once, and every item that entered a route left by exactly one branch or
     * went to the route's policy.
     *
     * @return true if they do
     */
    public boolean reconciles() {
        if (!balances()) {
            return false;
        }
        Map<String, StageReport> byName = new LinkedHashMap<>();
        stages.forEach(s -> byName.put(s.name(), s));
        for (StageReport s : stages) {
            if (s.upstreams().isEmpty()) {
                continue;
            }
            long passed = 0;
            for (StageReport.Inlet in : s.upstreams()) {
                StageReport u = byName.get(in.node());
                passed += in.branch().isEmpty() ? u.outputs() : u.outlets().getOrDefault(in.branch(), 0L);
            }
            if (passed != s.received()) {
                return false;
            }
        }
        if (status != PipelineStatus.COMPLETED) {
            return true;
        }
        for (StageReport s : stages) {
            if (s.itemized() && s.inFlight() != 0) {
                return false;
            }
            if (s.kind().equals("broadcast") && s.outlets().values().stream().anyMatch(n -> n != s.received())) {
                return false;
            }
            long rejected = s.filtered() + s.skipped() + s.deadLettered() + s.failed();
            if (s.kind().equals("route") && s.outlets().values().stream().mapToLong(Long::longValue).sum() + rejected
                    != s.received()) {
                return false;
            }
        }
        return true;
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
        String head = String.format(Locale.ROOT, "%-" + w + "s  %-11s %10s %10s %9s %9s %8s %8s %7s %8s %9s %9s %9s  %s%n",
                "stage", "kind", "received", "emitted", "outputs", "filtered", "skipped", "dead", "failed",
                "retried", "in-flight", "queue-max", "busy", "from");
        sb.append(head);
        for (StageReport s : stages) {
            sb.append(String.format(Locale.ROOT, "%-" + w + "s  %-11s %10d %10d %9d %9d %8d %8d %7d %8d %9d %9s %8.2fs  %s%n",
                    s.name(), s.kind() + (s.workers() > 1 ? "x" + s.workers() : ""), s.received(), s.emitted(),
                    s.outputs(), s.filtered(), s.skipped(), s.deadLettered(), s.failed(), s.retried(), s.inFlight(),
                    s.maxQueueDepth() >= 0 ? Integer.toString(s.maxQueueDepth()) : "-", s.busy().toNanos() / 1e9,
                    s.upstreams().isEmpty() ? "-" : String.join(",", s.upstreams().stream().map(Object::toString).toList())));
        }
        for (CircuitBreakerReport b : breakers) {
            sb.append(b).append('\n');
        }
        for (AckReport a : acks) {
            sb.append(a).append('\n');
        }
        long cut = cutOff();
        if (status != PipelineStatus.RUNNING && cut > 0) {
            sb.append(cut).append(" item(s) were cut off in flight\n");
        }
        return sb.toString();
    }
}
