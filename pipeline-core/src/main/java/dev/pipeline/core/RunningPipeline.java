package dev.pipeline.core;

import java.time.Duration;

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
