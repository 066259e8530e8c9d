package dev.pipeline.core.micrometer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import dev.pipeline.core.PipelineListener;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.PipelineStatus;
import dev.pipeline.core.RunningPipeline;
import dev.pipeline.core.StageReport;
import dev.pipeline.core.internal.Require;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;

/**
 * Publishes each run's accounting to a Micrometer {@link MeterRegistry}, per stage, without
 * touching the item path: the meters read the run's live report when the registry is scraped.
 *
 * <pre>{@code
 * Pipeline<Void> p = pipeline.withListener(new MicrometerPipelineListener(registry));
 * }</pre>
 *
 * <p>Meters, tagged {@code pipeline}, {@code stage} and {@code kind}:
 * <ul>
 *   <li>{@code pipeline.stage.items} (function counter) with tag {@code outcome}: received,
 *       emitted, filtered, skipped, dead_lettered, failed;</li>
 *   <li>{@code pipeline.stage.retries} (function counter);</li>
 *   <li>{@code pipeline.stage.in_flight} and, for buffers, {@code pipeline.stage.queue.max}
 *       (gauges);</li>
 *   <li>{@code pipeline.stage.busy} (time gauge).</li>
 * </ul>
 * They are registered when a run starts and removed when it ends (a report has the final
 * numbers). Runs of one pipeline that overlap in time share the meters' names and tags: the
 * first run's meters are the ones published until it ends, and an overlapping run publishes
 * none (Micrometer keeps the first registration of a name and tags).
 */
public final class MicrometerPipelineListener implements PipelineListener {

    private final MeterRegistry registry;
    private final Map<RunningPipeline<?>, List<Meter>> meters = new ConcurrentHashMap<>();

    /**
     * A listener publishing to {@code registry}.
     *
     * @param registry where the meters go
     */
    public MicrometerPipelineListener(MeterRegistry registry) {
        this.registry = Require.nonNull(registry, "registry");
    }

    @Override
    public void onStart(RunningPipeline<?> run) {
        PipelineReport<?> first = run.report();
        List<Meter> registered = new ArrayList<>();
        for (StageReport stage : first.stages()) {
            String name = stage.name();
            Tags tags = Tags.of("pipeline", first.pipeline(), "stage", name, "kind", stage.kind());
            counter(registered, run, tags.and("outcome", "received"), name, StageReport::received);
            counter(registered, run, tags.and("outcome", "emitted"), name, StageReport::emitted);
            counter(registered, run, tags.and("outcome", "filtered"), name, StageReport::filtered);
            counter(registered, run, tags.and("outcome", "skipped"), name, StageReport::skipped);
            counter(registered, run, tags.and("outcome", "dead_lettered"), name, StageReport::deadLettered);
            counter(registered, run, tags.and("outcome", "failed"), name, StageReport::failed);
            registered.add(FunctionCounter.builder("pipeline.stage.retries", run, r -> read(r, name, StageReport::retried))
                    .tags(tags).description("retry attempts").register(registry));
            registered.add(Gauge.builder("pipeline.stage.in_flight", run, r -> read(r, name, StageReport::inFlight))
                    .tags(tags).description("items received and not yet accounted for").register(registry));
            if (stage.maxQueueDepth() >= 0) {
                registered.add(Gauge.builder("pipeline.stage.queue.max", run, r -> read(r, name, StageReport::maxQueueDepth))
                        .tags(tags).description("a buffer's high-water mark").register(registry));
            }
            registered.add(TimeGauge.builder("pipeline.stage.busy", run, TimeUnit.NANOSECONDS,
                            r -> read(r, name, s -> s.busy().toNanos()))
                    .tags(tags).description("time spent in the stage's function").register(registry));
        }
        meters.put(run, registered);
    }

    @Override
    public void onFinish(PipelineReport<?> report) {
        // the run that finished is no longer RUNNING (its status is set before listeners hear of it)
        meters.entrySet().removeIf(e -> {
            if (e.getKey().status() == PipelineStatus.RUNNING) {
                return false;
            }
            e.getValue().forEach(registry::remove);
            return true;
        });
    }

    private void counter(List<Meter> registered, RunningPipeline<?> run, Tags tags, String stage,
            ToDoubleFunction<StageReport> value) {
        registered.add(FunctionCounter.builder("pipeline.stage.items", run, r -> read(r, stage, value))
                .tags(tags).description("items by outcome").register(registry));
    }

    private static double read(RunningPipeline<?> run, String stage, ToDoubleFunction<StageReport> value) {
        for (StageReport s : run.report().stages()) {
            if (s.name().equals(stage)) {
                return value.applyAsDouble(s);
            }
        }
        return Double.NaN;
    }
}
