package dev.pipeline.core;

import java.time.Duration;
import java.util.function.Consumer;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A pipeline run in progress (hot): started by {@link Pipeline#start()}. Stop it gracefully,
 * cancel it, look at its live report, follow its progress, or await its end.
 *
 * <pre>{@code
 * RunningPipeline<Void> run = pipeline.start();
 * run.progress(Duration.ofSeconds(1)).subscribe(r -> log.info("{} items in flight", r.cutOff()));
 * PipelineReport<Void> done = run.stop(Duration.ofSeconds(5)).block();
 * }</pre>
 *
 * @param <R> the sink's result type
 */
public interface RunningPipeline<R> {

    /**
     * Stops taking items from the source now, lets the items in flight finish for up to
     * {@code grace}, then cancels whatever is left; the report says how many items were cut
     * off ({@link PipelineReport#cutOff()}). The stop starts when this method is called; the
     * returned Mono awaits the final report (status {@link PipelineStatus#STOPPED}, or
     * {@code COMPLETED}/{@code FAILED} if the run ended on its own first).
     *
     * @param grace how long in-flight items may take, {@code >= 0}
     * @return a Mono of the final report
     * @throws IllegalStateException for the handle of a {@link Pipeline#run()} (as a listener
     *     sees it): only a run from {@link Pipeline#start()} can be stopped gracefully
     */
    Mono<PipelineReport<R>> stop(Duration grace);

    /**
     * Stops this run gracefully when the JVM shuts down (SIGTERM, Ctrl-C, {@code System.exit},
     * the end of {@code main}): registers a JVM shutdown hook that calls {@link #stop(Duration)
     * stop(grace)}, waits for the final report and hands it to {@code onStopped} before the JVM
     * exits. The hook unregisters itself when the run ends on its own, so no hook outlives its
     * run; the returned {@link Disposable} unregisters it sooner.
     *
     * <pre>{@code
     * RunningPipeline<Void> run = pipeline.start();
     * run.stopOnShutdown(Duration.ofSeconds(10), report -> log.info("stopped on shutdown:\n{}", report));
     * PipelineReport<Void> report = run.await().block();   // ends on its own: the hook is gone
     * }</pre>
     *
     * <p>The hook waits at most {@code grace} plus 5 seconds (the stop cancels what is left
     * when the grace ends, so the report comes by then); if it has not come, the hook cancels
     * the run and the JVM exits. It runs on its own thread, which may block; keep
     * {@code onStopped} short, as the JVM waits for it. The JVM runs shutdown hooks on SIGTERM
     * and SIGINT but not on SIGKILL ({@code kill -9}) or a crash. Resources that a cancel
     * releases asynchronously (for example the temporary file of a file sink, deleted on the
     * sink's scheduler) may not be released before the JVM halts when the grace runs out: give
     * a grace that lets the items in flight finish.
     *
     * @param grace how long in-flight items may take once the JVM shuts down, {@code >= 0}
     * @param onStopped receives the final report on shutdown (status {@link PipelineStatus#STOPPED},
     *     or how the run ended if it ended at that moment); exceptions it throws are logged
     * @return a Disposable that unregisters the hook (disposed once the run has ended)
     * @throws IllegalStateException for the handle of a {@link Pipeline#run()}, as for
     *     {@link #stop(Duration)}, or when the JVM is already shutting down
     * @see #stop(Duration)
     */
    Disposable stopOnShutdown(Duration grace, Consumer<? super PipelineReport<R>> onStopped);

    /**
     * Cancels the run now: every stage, buffer and sink is cancelled and releases what it
     * holds; items in flight are cut off. Does nothing if the run has already ended.
     *
     * @return a Mono of the final report (status {@link PipelineStatus#CANCELLED} unless it had ended)
     */
    Mono<PipelineReport<R>> cancel();

    /**
     * A snapshot of the accounting right now.
     *
     * @return the live report
     */
    PipelineReport<R> report();

    /**
     * Snapshots every {@code every} (timed on Reactor's parallel scheduler) while the run goes
     * on, then the final report, then completes.
     *
     * @param every the period, {@code > 0}
     * @return a Flux of reports
     */
    Flux<PipelineReport<R>> progress(Duration every);

    /**
     * The final report once the run ends. Fails with the run's {@link PipelineException} (which
     * carries the report) if the run failed.
     *
     * @return a Mono of the final report
     */
    Mono<PipelineReport<R>> await();

    /**
     * How the run stands.
     *
     * @return the status
     */
    PipelineStatus status();
}
