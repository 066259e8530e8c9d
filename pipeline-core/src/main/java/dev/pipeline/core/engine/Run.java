package dev.pipeline.core.engine;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import dev.pipeline.core.PipelineException;
import dev.pipeline.core.PipelineListener;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.PipelineStatus;
import dev.pipeline.core.RunningPipeline;
import dev.pipeline.core.StageReport;
import dev.pipeline.core.aio.AsyncFuture;
import dev.pipeline.core.aio.Tasks;
import dev.pipeline.core.internal.Access;
import dev.pipeline.core.internal.Require;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** One run of a pipeline: subscribes the assembled Mono and keeps its status and final report. */
public final class Run<R> implements RunningPipeline<R> {

    private static final Logger LOG = LoggerFactory.getLogger("dev.pipeline.core.Pipeline");

    private final String name;
    private final GraphDef graph;
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

    /**
     * A run of {@code graph}, not started yet.
     *
     * @param stoppable whether {@link #stop} may be called (a run from {@code Pipeline.start()})
     */
    public Run(String name, GraphDef graph, List<PipelineListener> listeners, boolean stoppable) {
        this.name = name;
        this.graph = graph;
        this.ctx = new RunContext(name, Schedulers.parallel(), listeners, stoppable);
        this.startedMillis = ctx.clock.now(TimeUnit.MILLISECONDS);
    }

    /** Assembles the run and subscribes it (hot from here). */
    @SuppressWarnings("unchecked")
    public void start() {
        Mono<Object> assembled;
        RuntimeException assemblyFailure = null;
        try {
            assembled = Assembler.run(graph, ctx);
        } catch (RuntimeException e) {
            assembled = null;
            assemblyFailure = e instanceof PipelineException ? e
                    : new PipelineException(name, "the pipeline could not be assembled: " + e, e);
        }
        for (PipelineListener l : ctx.listeners) {
            try {
                l.onStart(this);
            } catch (RuntimeException e) {
                LOG.warn("pipeline '{}': listener {} failed in onStart", name, l, e);
            }
        }
        if (assemblyFailure != null) {
            finish(PipelineStatus.FAILED, assemblyFailure);
            return;
        }
        LOG.debug("pipeline '{}' started", name);
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
        ctx.end(); // nothing settles from here on: what is in flight stays unacknowledged
        PipelineReport<R> report = snapshot(end, error);
        ctx.close();
        last = report;
        if (error instanceof PipelineException) {
            Access.attach((PipelineException) error, report);
        }
        if (end == PipelineStatus.FAILED) {
            LOG.warn("pipeline '{}' failed: {}", name, error.toString());
        } else {
            LOG.debug("pipeline '{}' ended: {}", name, end);
        }
        for (PipelineListener l : ctx.listeners) {
            try {
                l.onFinish(report);
            } catch (RuntimeException e) {
                LOG.warn("pipeline '{}': listener {} failed in onFinish", name, l, e);
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
        boolean ended = s == PipelineStatus.COMPLETED || s == PipelineStatus.STOPPED;
        return new PipelineReport<>(name, s, Duration.ofMillis(elapsed), error, ended ? result : null, stages,
                ctx.breakerReports(), ended ? ctx.results() : java.util.Map.of(), ctx.ackReports());
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
        return ShutdownStop.register(this, name, grace, onStopped, done.mono(), hooks);
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
        return "RunningPipeline[" + name + ", " + status + "]";
    }
}
