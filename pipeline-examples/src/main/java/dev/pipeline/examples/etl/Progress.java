package dev.pipeline.examples.etl;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.RunningPipeline;
import dev.pipeline.core.StageReport;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;

/**
 * Shows a run's progress while it goes on: on a terminal, one live bar per stage (me.tongfei
 * progressbar: count, total where known, items/s); otherwise a plain log line every period.
 * Reads the run's live reports; never touches the pipeline's threads (it prints from
 * boundedElastic).
 */
final class Progress implements AutoCloseable {

    /** How progress is shown. */
    enum Mode { AUTO, BAR, LOG, NONE }

    /** A stage to show: its name in the report, a label, its unit and total (or -1). */
    record Line(String stage, String label, String unit, long total) {
    }

    private final List<ProgressBar> bars = new ArrayList<>();
    private final Disposable updates;

    private Progress(Mode mode, RunningPipeline<?> run, List<Line> lines, String queue, PrintWriter out, Duration every) {
        if (mode == Mode.BAR) {
            for (Line line : lines) {
                bars.add(new ProgressBarBuilder().setTaskName(line.label()).setInitialMax(line.total())
                        .setUnit(" " + line.unit(), 1).showSpeed().setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                        .setUpdateIntervalMillis(100).continuousUpdate().build());
            }
            updates = run.progress(Duration.ofMillis(100)).publishOn(Schedulers.boundedElastic()).subscribe(report -> {
                for (int i = 0; i < lines.size(); i++) {
                    StageReport stage = report.stage(lines.get(i).stage());
                    bars.get(i).stepTo(count(stage));
                    bars.get(i).setExtraMessage(extra(report, stage, queue));
                }
            });
        } else if (mode == Mode.LOG) {
            long start = System.nanoTime();
            updates = run.progress(every).publishOn(Schedulers.boundedElastic()).subscribe(report -> {
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
                synchronized (out) {
                    out.println(sb);
                    out.flush();
                }
            });
        } else {
            updates = null;
        }
    }

    /** Starts showing {@code run}'s progress; AUTO picks BAR on a terminal and LOG otherwise. */
    static Progress show(Mode mode, boolean terminal, RunningPipeline<?> run, List<Line> lines, String queue,
            PrintWriter out, Duration every) {
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

    @Override
    public void close() {
        if (updates != null) {
            updates.dispose();
        }
        bars.forEach(ProgressBar::close);
    }
}
