package dev.pipeline.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import dev.pipeline.core.aio.AsyncFuture;
import dev.pipeline.core.aio.Tasks;
import dev.pipeline.core.internal.Require;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** One run of a pipeline: subscribes the assembled Mono and keeps its status and final report. */
final class Run<R> implements RunningPipeline<R> {

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    private final Pipeline<R> pipeline;
    private final RunContext ctx;
    private final long startedMillis;
    private final AtomicBoolean finished = new AtomicBoolean();
    private final AsyncFuture<PipelineReport<R>> done = AsyncFuture.create();
    private volatile PipelineStatus status = PipelineStatus.RUNNING;
    private volatile boolean stopRequested;
    private volatile R result;
    private volatile Disposable subscription;
    private volatile Disposable graceTimer;
    private volatile PipelineReport<R> last;

    Run(Pipeline<R> pipeline, boolean stoppable) {
        this.pipeline = pipeline;
        this.ctx = new RunContext(pipeline.name, Schedulers.parallel(), pipeline.listeners, stoppable);
        this.startedMillis = ctx.clock.now(TimeUnit.MILLISECONDS);
    }

    @SuppressWarnings("unchecked")
    void start() {
        Mono<Object> assembled;
        RuntimeException assemblyFailure = null;
        try {
            assembled = Assembly.run(pipeline.source, pipeline.steps, pipeline.sink, ctx);
        } catch (RuntimeException e) {
            assembled = null;
            assemblyFailure = e instanceof PipelineException ? e
                    : new PipelineException(pipeline.name, "the pipeline could not be assembled: " + e, e);
        }
        for (PipelineListener l : ctx.listeners) {
            try {
                l.onStart(this);
            } catch (RuntimeException e) {
                LOG.warn("pipeline '{}': listener {} failed in onStart", pipeline.name, l, e);
            }
        }
        if (assemblyFailure != null) {
            finish(PipelineStatus.FAILED, assemblyFailure);
            return;
        }
        LOG.debug("pipeline '{}' started", pipeline.name);
        subscription = assembled.subscribe(
                r -> result = (R) r,
                e -> finish(PipelineStatus.FAILED, e),
                () -> finish(stopRequested ? PipelineStatus.STOPPED : PipelineStatus.COMPLETED, null));
    }

    private void finish(PipelineStatus end, Throwable error) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        Disposable timer = graceTimer;
        if (timer != null) {
            timer.dispose();
        }
        status = end;
        PipelineReport<R> report = snapshot(end, error);
        ctx.close();
        last = report;
        if (error instanceof PipelineException) {
            ((PipelineException) error).attachReport(report);
        }
        if (end == PipelineStatus.FAILED) {
            LOG.warn("pipeline '{}' failed: {}", pipeline.name, error.toString());
        } else {
            LOG.debug("pipeline '{}' ended: {}", pipeline.name, end);
        }
        for (PipelineListener l : ctx.listeners) {
            try {
                l.onFinish(report);
            } catch (RuntimeException e) {
                LOG.warn("pipeline '{}': listener {} failed in onFinish", pipeline.name, l, e);
            }
        }
        done.setResult(report);
    }

    private void cutNow(PipelineStatus end) {
        if (finished.get()) {
            return;
        }
        Disposable s = subscription;
        if (s != null) {
            s.dispose();
        }
        finish(end, null);
    }

    private PipelineReport<R> snapshot(PipelineStatus s, Throwable error) {
        long elapsed = Math.max(0L, ctx.clock.now(TimeUnit.MILLISECONDS) - startedMillis);
        List<StageReport> stages = ctx.snapshot();
        return new PipelineReport<>(pipeline.name, s, Duration.ofMillis(elapsed), error,
                s == PipelineStatus.COMPLETED || s == PipelineStatus.STOPPED ? result : null, stages,
                ctx.breakerReports());
    }

    private void requireStoppable(String method) {
        if (!ctx.stoppable) {
            throw new IllegalStateException(method + " needs a run started with Pipeline.start()");
        }
    }

    @Override
    public Mono<PipelineReport<R>> stop(Duration grace) {
        Require.nonNegative(grace, "grace");
        requireStoppable("stop()");
        if (!finished.get()) {
            stopRequested = true;
            ctx.requestStop();
            graceTimer = Tasks.sleep(grace).subscribe(null, null, () -> cutNow(PipelineStatus.STOPPED));
            if (finished.get()) {
                graceTimer.dispose();
            }
        }
        return done.mono();
    }

    @Override
    public Disposable stopOnShutdown(Duration grace, Consumer<? super PipelineReport<R>> onStopped) {
        return stopOnShutdown(grace, onStopped, ShutdownStop.RUNTIME);
    }

    /** {@link #stopOnShutdown(Duration, Consumer)} with the hooks kept elsewhere (tests). */
    ShutdownStop<R> stopOnShutdown(Duration grace, Consumer<? super PipelineReport<R>> onStopped, ShutdownStop.Hooks hooks) {
        Require.nonNegative(grace, "grace");
        Require.nonNull(onStopped, "onStopped");
        requireStoppable("stopOnShutdown()");
        return ShutdownStop.register(this, pipeline.name, grace, onStopped, done.mono(), hooks);
    }

    @Override
    public Mono<PipelineReport<R>> cancel() {
        cutNow(PipelineStatus.CANCELLED);
        return done.mono();
    }

    @Override
    public PipelineReport<R> report() {
        PipelineReport<R> end = last;
        return end != null ? end : snapshot(PipelineStatus.RUNNING, null);
    }

    @Override
    public Flux<PipelineReport<R>> progress(Duration every) {
        Require.positive(every, "every");
        Mono<PipelineReport<R>> end = done.mono();
        return Flux.interval(every)
                .map(tick -> report())
                .takeUntilOther(end)
                .concatWith(end);
    }

    @Override
    public Mono<PipelineReport<R>> await() {
        return done.mono().flatMap(r -> r.status() == PipelineStatus.FAILED
                ? Mono.error(r.error().orElseGet(() -> new IllegalStateException("pipeline failed")))
                : Mono.just(r));
    }

    @Override
    public PipelineStatus status() {
        return status;
    }

    @Override
    public String toString() {
        return "RunningPipeline[" + pipeline.name + ", " + status + "]";
    }
}
