package dev.pipeline.core;

import java.util.ArrayList;
import java.util.List;

import dev.pipeline.core.engine.Chain;
import dev.pipeline.core.engine.Diagram;
import dev.pipeline.core.engine.GraphDef;
import dev.pipeline.core.engine.Run;
import dev.pipeline.core.internal.Require;
import reactor.core.publisher.Mono;

/**
 * A complete pipeline: a {@link Source} (or several, merged), {@link Stage}s, bounded buffers,
 * fan-outs into {@link Branch branches}, and {@link Sink}s. Immutable; it runs any number of
 * times, each run from scratch with its own accounting.
 *
 * <pre>{@code
 * Pipeline<List<Integer>> p = Pipeline.from(Source.fromIterable("numbers", List.of(1, 2, 3, 4)))
 *         .then(Stage.filter("even", n -> n % 2 == 0))
 *         .then(Stage.map("square", n -> n * n))
 *         .to(Sink.collect("out"));
 * PipelineReport<List<Integer>> report = p.run().block();   // report.result() = [4, 16]
 * }</pre>
 *
 * @param <R> the main sink's result type ({@code Void} for a pipeline finished with
 *     {@link PipelineBuilder#end()})
 */
public final class Pipeline<R> {

    final String name;
    final GraphDef graph;
    final List<PipelineListener> listeners;

    Pipeline(String name, GraphDef graph, List<PipelineListener> listeners) {
        this.name = name;
        this.graph = graph;
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
        Require.nonNull(source, "source");
        return new PipelineBuilder<>(new Chain(new Chain.SourceHead(source.def), List.of()), null);
    }

    /**
     * Merges several chains, each from its own source, into one (Pekko's {@code Merge}): the
     * stages after it get the items of all of them, in the order they arrive. It completes when
     * every input has; an input's failure fails the run. Reported as a node of kind
     * {@code merge} whose upstreams are the inputs' last nodes.
     *
     * <pre>{@code
     * PipelineBuilder<Order> all = Pipeline.merge("orders",
     *         Pipeline.from(webOrders).then(parseWeb),
     *         Pipeline.from(shopOrders).then(parseShop));
     * }</pre>
     *
     * @param name the merge's name in the report
     * @param inputs two or more builders, each started with {@link #from}
     * @param <T> the item type
     * @return a builder continuing after the merge
     * @throws IllegalArgumentException for fewer than two inputs, or an input that is a branch or ends in sinks
     */
    @SafeVarargs
    @SuppressWarnings("varargs") // the array is only read
    public static <T> PipelineBuilder<T> merge(String name, PipelineBuilder<? extends T>... inputs) {
        Require.nonBlank(name, "name");
        Require.nonNull(inputs, "inputs");
        if (inputs.length < 2) {
            throw new IllegalArgumentException("merge '" + name + "' needs at least two inputs, got " + inputs.length);
        }
        List<Chain> chains = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            PipelineBuilder<? extends T> in = Require.nonNull(inputs[i], "input");
            if (in.chain.head() == null) {
                throw new IllegalArgumentException("merge '" + name + "' takes builders started with Pipeline.from or "
                        + "Pipeline.merge, not a branch's builder (branches rejoin with Branch.of)");
            }
            if (!in.chain.open()) {
                throw new IllegalArgumentException("an input of merge '" + name + "' ends in sinks: nothing would flow from it");
            }
            chains.add(in.chain);
        }
        return new PipelineBuilder<>(new Chain(new Chain.MergeHead(name, chains), List.of()), null);
    }

    /**
     * Runs the pipeline (cold: each subscription is a run; cancelling it cancels the run).
     *
     * <p><b>Emits when</b> the run completes: its final report, with the main sink's result.
     * <b>Errors when</b> the run fails: the {@link PipelineException} that failed it, naming
     * the stage and item, with the final report attached.
     *
     * @return a Mono of the final report
     */
    public Mono<PipelineReport<R>> run() {
        return Mono.defer(() -> {
            Run<R> run = new Run<>(name, graph, listeners, false);
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
        Run<R> run = new Run<>(name, graph, listeners, true);
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
        return new Pipeline<>(Require.nonBlank(name, "name"), graph, listeners);
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
        return new Pipeline<>(name, graph, all);
    }

    /**
     * The pipeline's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The pipeline as a Mermaid flowchart: a box per node (its name and kind), an arrow per
     * edge, dashed arrows to dead-letter sinks, branches as they fan out and rejoin. Paste it
     * into a Markdown file that GitHub or GitLab renders.
     *
     * @return the Mermaid text
     */
    public String toMermaid() {
        return Diagram.mermaid(name, graph, null);
    }

    /**
     * The pipeline as a Mermaid flowchart with a run's counts: on each node what it received
     * and emitted (and dropped, if any), on each edge the items that crossed it.
     *
     * @param report a report of a run of this pipeline (live or final)
     * @return the Mermaid text
     */
    public String toMermaid(PipelineReport<?> report) {
        return Diagram.mermaid(name, graph, Require.nonNull(report, "report").stages());
    }

    /**
     * The pipeline as a Graphviz DOT digraph, drawn like {@link #toMermaid()}.
     *
     * @return the DOT text
     */
    public String toDot() {
        return Diagram.dot(name, graph, null);
    }

    /**
     * The pipeline as a Graphviz DOT digraph with a run's counts, like {@link #toMermaid(PipelineReport)}.
     *
     * @param report a report of a run of this pipeline
     * @return the DOT text
     */
    public String toDot(PipelineReport<?> report) {
        return Diagram.dot(name, graph, Require.nonNull(report, "report").stages());
    }

    @Override
    public String toString() {
        return "Pipeline[" + name + ": " + String.join(" -> ", GraphDef.names(graph.chain(), graph.sink())) + "]";
    }
}
