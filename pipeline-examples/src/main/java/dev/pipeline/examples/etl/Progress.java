package dev.pipeline.examples.etl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.RunningPipeline;
import dev.pipeline.examples.Story;
import dev.pipeline.examples.etl.ProgressLines.Line;
import dev.pipeline.examples.etl.ProgressLines.Row;
import me.tongfei.progressbar.InteractiveConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarRenderer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * Shows a run's progress while it goes on: on a terminal, one live bar per stage and a status
 * line under them (me.tongfei progressbar draws them; {@link ProgressLines} says what each line
 * holds, fitted to the terminal's width); otherwise a plain log line every period. Reads the
 * run's live reports on boundedElastic, never on the pipeline's threads; the last update is the
 * run's final report, and {@link #close()} waits for it.
 */
final class Progress implements AutoCloseable {

    /** How progress is shown. */
    enum Mode { AUTO, BAR, LOG, NONE }

    private final Mode mode;
    private final ProgressLines lines;
    private final Story out;
    private final List<ProgressBar> bars = new ArrayList<>();
    private final TerminalWidth width;
    private final Mono<Void> updates;
    private volatile List<Row> latest;
    private volatile String note;
    private volatile Duration elapsed = Duration.ZERO;

    private Progress(Mode mode, RunningPipeline<?> run, List<Line> shown, String queue, Story out, Duration every) {
        this.mode = mode;
        this.lines = new ProgressLines(shown);
        this.out = out;
        this.width = mode == Mode.BAR ? TerminalWidth.open() : null;
        if (mode == Mode.BAR) {
            PipelineReport<?> first = run.report();
            latest = lines.rows(first);
            elapsed = first.duration();
            for (int i = 0; i < shown.size(); i++) {
                int index = i;
                bars.add(bar(shown.get(i).label(), (state, columns) -> lines.render(latest.get(index), columns)));
            }
            bars.add(bar("status", (state, columns) -> ProgressLines.fit(status(), columns)));
            updates = watch(run.progress(Duration.ofMillis(100)), report -> {
                latest = lines.rows(report);
                elapsed = report.duration();
            });
        } else if (mode == Mode.LOG) {
            updates = watch(run.progress(every), report -> {
                StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "[etl] %5.1f s:", seconds(report.duration())));
                for (Row row : lines.rows(report)) {
                    sb.append(' ').append(ProgressLines.plain(row)).append(',');
                }
                sb.append(" queue ").append(report.stage(queue).inFlight());
                out.say("%s", sb);
            });
        } else {
            updates = Mono.empty();
        }
    }

    private ProgressBar bar(String name, ProgressBarRenderer renderer) {
        // a consumer of our own, so that the width comes from our terminal (see TerminalWidth), less a column of margin
        ProgressBarConsumer console = new InteractiveConsoleProgressBarConsumer(System.err) {
            @Override
            public int getMaxRenderedLength() {
                return width.columns() - 1;
            }
        };
        return new ProgressBarBuilder().setTaskName(name).setRenderer(renderer).setConsumer(console)
                .setUpdateIntervalMillis(100).continuousUpdate().build();
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    /** The status line: a note, or the run's time so far (frozen at its end, as in the report). */
    private String status() {
        String n = note;
        return n != null ? n : String.format(Locale.ROOT, "elapsed %.1f s", seconds(elapsed));
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

    /** Says something while the run goes on: on the status line under the bars, else as a line of its own. */
    void note(String text) {
        if (mode == Mode.BAR) {
            note = text;
        } else {
            out.say("etl: %s", text);
        }
    }

    /** Waits (up to 5 seconds) until the final report is shown, then closes the bars (drawn once more, final). */
    @Override
    public void close() {
        try {
            updates.block(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            // the display is best effort; the report that follows tells the outcome
        } finally {
            bars.forEach(ProgressBar::close);
            if (width != null) {
                width.close();
            }
        }
    }
}
