package dev.pipeline.examples.etl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.Locale;

import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.RunningPipeline;
import dev.pipeline.core.StageReport;
import dev.pipeline.examples.Story;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * Shows a run's progress while it goes on: on a terminal, one live bar per stage (me.tongfei
 * progressbar: count, total where known, items/s); otherwise a plain log line every period.
 * Reads the run's live reports on boundedElastic, never on the pipeline's threads; the last
 * update is the run's final report, and {@link #close()} waits for it.
 */
final class Progress implements AutoCloseable {

    /** How progress is shown. */
    enum Mode { AUTO, BAR, LOG, NONE }

    /** A stage to show: its name in the report, a label, its unit and total (or -1). */
    record Line(String stage, String label, String unit, long total) {
    }

    private final List<ProgressBar> bars = new ArrayList<>();
    private final Mono<Void> updates;

    private Progress(Mode mode, RunningPipeline<?> run, List<Line> lines, String queue, Story out, Duration every) {
        if (mode == Mode.BAR) {
            for (Line line : lines) {
                bars.add(new ProgressBarBuilder().setTaskName(line.label()).setInitialMax(line.total())
                        .setUnit(" " + line.unit(), 1).showSpeed().setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                        .setUpdateIntervalMillis(100).continuousUpdate().build());
            }
            updates = watch(run.progress(Duration.ofMillis(100)), report -> {
                for (int i = 0; i < lines.size(); i++) {
                    StageReport stage = report.stage(lines.get(i).stage());
                    bars.get(i).stepTo(count(stage));
                    bars.get(i).setExtraMessage(extra(report, stage, queue));
                }
            });
        } else if (mode == Mode.LOG) {
            long start = System.nanoTime();
            updates = watch(run.progress(every), report -> {
                StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "[etl] %5.1f s:", (System.nanoTime() - start) / 1e9));
                for (Line line : lines) {
                    StageReport stage = report.stage(line.stage());
                    sb.append(' ').append(line.label().strip()).append(' ').append(count(stage));
                    if (line.total() >= 0) {
                        sb.append('/').append(line.total());
                    }
                    sb.append(' ').append(line.unit());
                    if (stage.deadLettered() + stage.skipped() > 0) {
                        sb.append(" (").append(stage.deadLettered() + stage.skipped()).append(" rejected)");
                    }
                    sb.append(',');
                }
                sb.append(" queue ").append(report.stage(queue).inFlight());
                out.say("%s", sb);
            });
        } else {
            updates = Mono.empty();
        }
    }

    /** Shows every report on boundedElastic from now on; the Mono completes after the final one. */
    private static <R> Mono<Void> watch(Flux<PipelineReport<R>> reports, Consumer<PipelineReport<R>> show) {
        Sinks.Empty<Void> shown = Sinks.empty();
        reports.publishOn(Schedulers.boundedElastic())
                .doOnNext(show)
                .doFinally(signal -> shown.tryEmitEmpty())
                .subscribe(report -> { }, error -> { }); // a display error only ends the display
        return shown.asMono();
    }

    /** Starts showing {@code run}'s progress; AUTO picks BAR on a terminal and LOG otherwise. */
    static Progress show(Mode mode, boolean terminal, RunningPipeline<?> run, List<Line> lines, String queue,
            Story out, Duration every) {
        Mode chosen = mode == Mode.AUTO ? (terminal ? Mode.BAR : Mode.LOG) : mode;
        return new Progress(chosen, run, lines, queue, out, every);
    }

    private static long count(StageReport stage) {
        return stage.received() - stage.inFlight();
    }

    private static String extra(PipelineReport<?> report, StageReport stage, String queue) {
        long rejected = stage.deadLettered() + stage.skipped();
        String q = " queue " + report.stage(queue).inFlight();
        return rejected > 0 ? " " + rejected + " rejected," + q : q;
    }

    /** Waits (up to 5 seconds) until the final report is shown, then closes the bars. */
    @Override
    public void close() {
        try {
            updates.block(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            // the display is best effort; the report that follows tells the outcome
        } finally {
            bars.forEach(ProgressBar::close);
        }
    }
}
