package dev.pipeline.core.engine;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.RunningPipeline;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * The JVM shutdown hook behind {@link RunningPipeline#stopOnShutdown}: when the JVM shuts down
 * it stops the run with a grace period, waits for the final report and hands it over.
 *
 * <p>States: {@code REGISTERED -> REMOVED} when the run ends on its own or on
 * {@link #dispose()} (the hook is unregistered); {@code REGISTERED -> STOPPING} when the JVM
 * runs the hook. Whoever moves the state out of {@code REGISTERED} does the work, so a run
 * that ends while the JVM shuts down is neither unregistered during shutdown (which the JVM
 * refuses) nor stopped twice.
 */
final class ShutdownStop<R> implements Disposable {

    private static final Logger LOG = LoggerFactory.getLogger("dev.pipeline.core.Pipeline");

    /** How much longer than the grace the hook waits for the final report before it cancels. */
    static final Duration MARGIN = Duration.ofSeconds(5);

    private static final int REGISTERED = 0;
    private static final int REMOVED = 1;
    private static final int STOPPING = 2;

    /** Where the hook is registered: the JVM's {@link Runtime}, or a test's record of it. */
    interface Hooks {
        void add(Thread hook);

        void remove(Thread hook);
    }

    /** The JVM's shutdown hooks. */
    static final Hooks RUNTIME = new Hooks() {
        @Override
        public void add(Thread hook) {
            Runtime.getRuntime().addShutdownHook(hook);
        }

        @Override
        public void remove(Thread hook) {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
    };

    private final RunningPipeline<R> run;
    private final String pipeline;
    private final Duration grace;
    private final Consumer<? super PipelineReport<R>> onStopped;
    private final Hooks hooks;
    private final Thread thread;
    private final AtomicInteger state = new AtomicInteger(REGISTERED);
    private volatile Disposable watch;

    private ShutdownStop(RunningPipeline<R> run, String pipeline, Duration grace,
            Consumer<? super PipelineReport<R>> onStopped, Hooks hooks) {
        this.run = run;
        this.pipeline = pipeline;
        this.grace = grace;
        this.onStopped = onStopped;
        this.hooks = hooks;
        this.thread = new Thread(this::onShutdown, "pipeline-" + pipeline + "-stop-on-shutdown");
    }

    /**
     * Registers the hook for {@code run}, then unregisters it once {@code ended} emits.
     *
     * @param ended emits when the run has ended, whatever its status
     * @throws IllegalStateException if the JVM is already shutting down
     */
    static <R> ShutdownStop<R> register(RunningPipeline<R> run, String pipeline, Duration grace,
            Consumer<? super PipelineReport<R>> onStopped, Mono<?> ended, Hooks hooks) {
        ShutdownStop<R> stop = new ShutdownStop<>(run, pipeline, grace, onStopped, hooks);
        hooks.add(stop.thread);
        // registered before watching: a run that has already ended unregisters it at once
        stop.watch = ended.subscribe(report -> stop.dispose(), error -> stop.dispose());
        return stop;
    }

    /** The hook thread (for tests: running it is what the JVM does on shutdown). */
    Thread thread() {
        return thread;
    }

    private void onShutdown() {
        if (!state.compareAndSet(REGISTERED, STOPPING)) {
            return;
        }
        LOG.info("pipeline '{}': the JVM is shutting down; stopping the run (grace {})", pipeline, grace);
        PipelineReport<R> report;
        try {
            // a shutdown hook's own thread, not a Reactor one: waiting is what the JVM runs it for
            report = run.stop(grace).block(grace.plus(MARGIN));
        } catch (RuntimeException e) {
            LOG.warn("pipeline '{}': no final report {} after the stop began; cancelling", pipeline, grace.plus(MARGIN), e);
            try {
                report = run.cancel().block(MARGIN);
            } catch (RuntimeException again) {
                LOG.warn("pipeline '{}': the cancel did not end the run within {}; the JVM exits anyway", pipeline, MARGIN, again);
                return;
            }
        }
        try {
            onStopped.accept(report);
        } catch (RuntimeException e) {
            LOG.warn("pipeline '{}': the stop-on-shutdown callback failed", pipeline, e);
        }
    }

    /** Unregisters the hook now (idempotent); the run goes on. */
    @Override
    public void dispose() {
        if (!state.compareAndSet(REGISTERED, REMOVED)) {
            return;
        }
        Disposable w = watch;
        if (w != null) {
            w.dispose();
        }
        try {
            hooks.remove(thread);
        } catch (IllegalStateException e) {
            // the JVM began shutting down just now and will run the hook: it finds the state REMOVED and returns
        }
    }

    /** True once the hook is unregistered or has run. */
    @Override
    public boolean isDisposed() {
        return state.get() != REGISTERED;
    }

    @Override
    public String toString() {
        return "StopOnShutdown[" + pipeline + ", grace " + grace + ", "
                + (state.get() == REGISTERED ? "registered" : state.get() == REMOVED ? "removed" : "stopping") + "]";
    }
}
