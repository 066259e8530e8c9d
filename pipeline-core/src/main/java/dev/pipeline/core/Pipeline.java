package dev.pipeline.core;

import java.util.ArrayList;
import java.util.List;

import dev.pipeline.core.internal.Require;
import reactor.core.publisher.Mono;

/**
 * A complete pipeline: a {@link Source}, {@link Stage}s and bounded buffers, and a
 * {@link Sink}. Immutable; it runs any number of times, each run from scratch with its own
 * accounting.
 *
 * <pre>{@code
 * Pipeline<List<Integer>> p = Pipeline.from(Source.fromIterable("numbers", List.of(1, 2, 3, 4)))
 *         .then(Stage.filter("even", n -> n % 2 == 0))
 *         .then(Stage.map("square", n -> n * n))
 *         .to(Sink.collect("out"));
 * PipelineReport<List<Integer>> report = p.run().block();   // report.result() = [4, 16]
 * }</pre>
 *
 * @param <R> the sink's result type
 */
public final class Pipeline<R> {

    final String name;
    final Source<?> source;
    final List<Object> steps;
    final Sink<?, R> sink;
    final List<PipelineListener> listeners;

    Pipeline(String name, Source<?> source, List<Object> steps, Sink<?, R> sink, List<PipelineListener> listeners) {
        this.name = name;
        this.source = source;
        this.steps = List.copyOf(steps);
        this.sink = sink;
        this.listeners = List.copyOf(listeners);
    }

    /**
     * Starts describing a pipeline from its source.
     *
     * @param source where items come from
     * @param <T> the item type
     * @return a builder
     */
    public static <T> PipelineBuilder<T> from(Source<T> source) {
        return new PipelineBuilder<>(Require.nonNull(source, "source"), List.of());
    }

    /**
     * Runs the pipeline (cold: each subscription is a run; cancelling it cancels the run).
     *
     * <p><b>Emits when</b> the run completes: its final report, with the sink's result.
     * <b>Errors when</b> the run fails: the {@link PipelineException} that failed it, naming
     * the stage and item, with the final report attached.
     *
     * @return a Mono of the final report
     */
    public Mono<PipelineReport<R>> run() {
        return Mono.defer(() -> {
            Run<R> run = new Run<>(this, false);
            run.start();
            return run.await().doOnCancel(run::cancel);
        });
    }

    /**
     * Starts a run now (hot) and returns its handle, to stop, cancel, watch or await it.
     *
     * @return the running pipeline
     */
    public RunningPipeline<R> start() {
        Run<R> run = new Run<>(this, true);
        run.start();
        return run;
    }

    /**
     * A copy with a name, shown in reports, logs and Reactor's {@code tag("pipeline", ...)}.
     * Defaults to "pipeline".
     *
     * @param name the name
     * @return a named copy
     */
    public Pipeline<R> named(String name) {
        return new Pipeline<>(Require.nonBlank(name, "name"), source, steps, sink, listeners);
    }

    /**
     * A copy that tells {@code listener} about every run.
     *
     * @param listener the listener
     * @return a copy with the listener added
     */
    public Pipeline<R> withListener(PipelineListener listener) {
        List<PipelineListener> all = new ArrayList<>(listeners);
        all.add(Require.nonNull(listener, "listener"));
        return new Pipeline<>(name, source, steps, sink, all);
    }

    /**
     * The pipeline's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return "Pipeline[" + name + ": " + source.name + " -> " + PipelineBuilder.describe(steps) + sink.name + "]";
    }
}
