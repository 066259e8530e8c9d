package dev.pipeline.test;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineException;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.PipelineStatus;
import dev.pipeline.core.RunningPipeline;
import reactor.core.Disposable;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * A pipeline run on a virtual clock: minutes of delays, timeouts, retry backoffs, batch waits
 * and throttles pass in microseconds, on the test's thread.
 *
 * <p>It hides the trap of {@code StepVerifier.withVirtualTime}: stages and breakers pick
 * Reactor's schedulers when they are built, so a pipeline built before the virtual clock was
 * installed keeps real time. Here the pipeline is built by the supplier <em>after</em> the
 * virtual clock is installed: build it inside the lambda, not before.
 *
 * <pre>{@code
 * PipelineReport<List<Integer>> report = VirtualTimeRun.runToEnd(() -> Pipeline
 *         .from(Source.fromIterable("n", List.of(1, 2, 3)))
 *         .then(Stage.mapAsync("slow", (Integer n) -> Tasks.sleep(Duration.ofMinutes(n), n)).concurrency(3))
 *         .to(Sink.collect("out")), Duration.ofMinutes(5));
 * }</pre>
 *
 * <p>Step by step, with a live report in between ({@link #start}, then {@link #advance} and
 * {@link #report()}; {@link #close()} always, as try-with-resources does). While a run is
 * open, Reactor's schedulers are virtual for the whole JVM: do not run such tests in
 * parallel with others. Work on threads Reactor does not schedule (a Netty event loop, a
 * real server) does not follow the virtual clock.
 *
 * @param <R> the main sink's result type
 */
public final class VirtualTimeRun<R> implements AutoCloseable {

    private final VirtualTimeScheduler clock;
    private final RunningPipeline<R> running;
    private final Disposable awaiting;
    private volatile PipelineReport<R> last;
    private volatile Throwable failure;
    private volatile boolean ended;

    @SuppressWarnings("unchecked")
    private VirtualTimeRun(VirtualTimeScheduler clock, Pipeline<R> pipeline) {
        this.clock = clock;
        this.running = pipeline.start();
        this.awaiting = running.await().subscribe(report -> {
            last = report;
            ended = true;
        }, error -> {
            failure = error;
            if (error instanceof PipelineException pe && pe.report().isPresent()) {
                last = (PipelineReport<R>) pe.report().get();
            }
            ended = true;
        });
        clock.advanceTime();
    }

    /**
     * Installs a virtual clock, builds the pipeline with {@code pipeline} and starts a run on
     * it. Nothing that needs time happens until {@link #advance}.
     *
     * @param pipeline builds the pipeline (called once, after the clock is installed)
     * @param <R> the main sink's result type
     * @return the open run; close it
     */
    public static <R> VirtualTimeRun<R> start(Supplier<Pipeline<R>> pipeline) {
        Objects.requireNonNull(pipeline, "pipeline must not be null");
        VirtualTimeScheduler clock = VirtualTimeScheduler.create();
        VirtualTimeScheduler.set(clock);
        try {
            return new VirtualTimeRun<>(clock, Objects.requireNonNull(pipeline.get(), "the supplier returned no pipeline"));
        } catch (RuntimeException | Error e) {
            VirtualTimeScheduler.reset();
            clock.dispose();
            throw e;
        }
    }

    /**
     * Runs the pipeline to its end in virtual time and returns the final report, also for a
     * failed run (assert on it with {@link PipelineAssertions#assertThat(PipelineReport)}).
     *
     * @param pipeline builds the pipeline (called once, after the clock is installed)
     * @param within the most virtual time the run may take
     * @param <R> the main sink's result type
     * @return the final report
     * @throws AssertionError when the run has not ended after {@code within}, quoting its live report
     */
    public static <R> PipelineReport<R> runToEnd(Supplier<Pipeline<R>> pipeline, Duration within) {
        Objects.requireNonNull(within, "within must not be null");
        try (VirtualTimeRun<R> run = start(pipeline)) {
            return run.advance(within).finalReport();
        }
    }

    /**
     * Moves the virtual clock forward, running everything that falls due on the way.
     *
     * @param by how far, {@code >= 0}
     * @return this run
     */
    public VirtualTimeRun<R> advance(Duration by) {
        Objects.requireNonNull(by, "by must not be null");
        if (by.isNegative()) {
            throw new IllegalArgumentException("by must be >= 0, was " + by);
        }
        clock.advanceTimeBy(by);
        return this;
    }

    /**
     * Runs what is due now without moving the clock (after a {@link ProbeSource#emit}, say).
     *
     * @return this run
     */
    public VirtualTimeRun<R> advance() {
        clock.advanceTime();
        return this;
    }

    /**
     * How much virtual time has passed since the clock was installed.
     *
     * @return the elapsed virtual time
     */
    public Duration elapsed() {
        return Duration.ofNanos(clock.now(java.util.concurrent.TimeUnit.NANOSECONDS));
    }

    /**
     * Whether the run has ended (completed, failed, stopped or cancelled).
     *
     * @return true once ended
     */
    public boolean ended() {
        return ended;
    }

    /**
     * The run's report now: live while it runs, final once it has ended.
     *
     * @return the report
     */
    public PipelineReport<R> report() {
        PipelineReport<R> done = last;
        return done != null ? done : running.report();
    }

    /**
     * The final report.
     *
     * @return the final report (status COMPLETED, FAILED, STOPPED or CANCELLED)
     * @throws AssertionError when the run has not ended yet, quoting its live report
     */
    public PipelineReport<R> finalReport() {
        if (!ended) {
            throw new AssertionError("pipeline '" + running.report().pipeline() + "' is still running after " + elapsed()
                    + " of virtual time (advance further, or look for a stage waiting on something that never comes)\n"
                    + running.report());
        }
        if (last == null) {
            throw new AssertionError("pipeline run failed without a report", failure);
        }
        return last;
    }

    /**
     * The handle of the running pipeline, to {@code stop} or {@code cancel} it (then
     * {@link #advance} to let that happen).
     *
     * @return the running pipeline
     */
    public RunningPipeline<R> running() {
        return running;
    }

    /**
     * Cancels the run if it is still going, and puts Reactor's real schedulers back.
     */
    @Override
    public void close() {
        try {
            if (!ended && running.status() == PipelineStatus.RUNNING) {
                running.cancel().subscribe(r -> last = r, e -> failure = e);
                clock.advanceTime();
            }
        } finally {
            awaiting.dispose();
            VirtualTimeScheduler.reset();
            clock.dispose();
        }
    }

    @Override
    public String toString() {
        return "VirtualTimeRun[" + running.report().pipeline() + ", " + running.status() + " at " + elapsed() + "]";
    }
}
