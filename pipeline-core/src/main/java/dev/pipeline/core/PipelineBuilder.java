package dev.pipeline.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import dev.pipeline.core.engine.Assembler;
import dev.pipeline.core.engine.BranchDef;
import dev.pipeline.core.engine.Chain;
import dev.pipeline.core.engine.FanOutDef;
import dev.pipeline.core.engine.GraphDef;
import dev.pipeline.core.engine.RunContext;
import dev.pipeline.core.engine.Step;
import dev.pipeline.core.internal.Require;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * Describes a pipeline step by step, from its {@link Source} (or a {@link Pipeline#merge merge}
 * of several) to its {@link Sink}, possibly through fan-outs into named {@link Branch branches}.
 * Immutable: each call returns a new builder, so a prefix can be shared.
 *
 * <pre>{@code
 * Pipeline<Void> p = Pipeline.from(urls)
 *         .then(fetch)                 // producers...
 *         .buffer("pages", 100)        // ...a bounded hand-off (asyncio.Queue(100))...
 *         .workers(4)                  // ...and four consumers taking from it
 *         .then(parse)
 *         .to(store);
 * }</pre>
 *
 * <p>A fan-out sends items into branches: {@link #broadcast} gives every item to each branch,
 * {@link #route} each item to one. A branch ends in a sink of its own ({@link Branch#to}) or
 * rejoins ({@link Branch#of}): what follows the fan-out gets the items of every rejoining
 * branch. When every branch ends in a sink, {@link #end()} finishes the pipeline.
 *
 * @param <T> the type of the items at this point
 */
public final class PipelineBuilder<T> {

    /** The chain so far; its head is null in a branch (its items come from the fan-out). */
    final Chain chain;
    /** For a branch's builder, where it is ("branch 'audit' of 'copy'"); null otherwise. */
    private final String branch;

    PipelineBuilder(Chain chain, String branch) {
        this.chain = chain;
        this.branch = branch;
    }

    /** The builder a branch's chain starts from. */
    static <T> PipelineBuilder<T> branch(String where) {
        return new PipelineBuilder<>(new Chain(null, List.of()), where);
    }

    private <O> PipelineBuilder<O> then(Step step) {
        requireOpen(step.names().get(0));
        return new PipelineBuilder<>(chain.then(step), branch);
    }

    /**
     * Adds a stage.
     *
     * @param stage the stage
     * @param <O> the stage's output type
     * @return a builder for the stage's output
     */
    public <O> PipelineBuilder<O> then(Stage<? super T, ? extends O> stage) {
        Require.nonNull(stage, "stage");
        return then(new Step.StageStep(stage.def));
    }

    /**
     * Adds a bounded hand-off queue (asyncq's pattern): what comes before puts items in,
     * waiting while it is full; the stages after it take items out, in one copy or in
     * {@link #workers(int) several}. Reported as a stage of kind "buffer" with its depth.
     * Besides the {@code capacity} items in the queue, the producing side requests up to
     * {@code min(capacity, 256)} items ahead from upstream, so up to about twice the capacity
     * can be in the buffer's flight.
     *
     * @param name the buffer's name
     * @param capacity the most items it holds, {@code > 0}
     * @return a builder continuing after the buffer
     */
    public PipelineBuilder<T> buffer(String name, int capacity) {
        return then(new Step.BufferStep(Require.nonBlank(name, "name"), Require.positive(capacity, "capacity"), 1));
    }

    /**
     * How many consumers take from the buffer just added: the stages up to the next buffer,
     * fan-out or sink run in that many parallel copies, whose outputs are merged (order across
     * workers is not kept). Defaults to 1.
     *
     * @param workers the number of consumers, {@code > 0}
     * @return a builder continuing after the buffer
     * @throws IllegalStateException if the last step is not a buffer
     */
    public PipelineBuilder<T> workers(int workers) {
        Require.positive(workers, "workers");
        if (!(chain.last() instanceof Step.BufferStep b)) {
            throw new IllegalStateException("workers(" + workers + ") must directly follow buffer(name, capacity)");
        }
        return new PipelineBuilder<>(chain.replaceLast(b.withWorkers(workers)), branch);
    }

    /**
     * Sends every item to each branch (Pekko's {@code Broadcast}, Camel's multicast). It moves
     * at the pace of the slowest branch: it holds up to {@value FanOutDef#PREFETCH} items for the
     * branches that have not taken them yet, and waits when that is full (a
     * {@link #buffer buffer} at the start of a branch lets it fall further behind). The report
     * counts, per branch, what the broadcast passed to it; an item is emitted once every branch
     * has it.
     *
     * <pre>{@code
     * PipelineBuilder<Customer> valid = Pipeline.from(customers).then(validate)
     *         .broadcast("copy",
     *                 Branch.to("audit", FileSinks.ndjson(Path.of("audit.ndjson"))),
     *                 Branch.of("main", (PipelineBuilder<Customer> b) -> b));
     * }</pre>
     *
     * @param name the broadcast's name in the report
     * @param branches the branches, at least one, with names unique within it
     * @param <O> the items of the branches that rejoin
     * @return a builder after the fan-out: the merged items of the rejoining branches
     * @throws IllegalArgumentException when a name repeats or a branch's chain is not built from the builder it is given
     */
    @SafeVarargs
    @SuppressWarnings("varargs") // the array is only read, into an immutable list
    public final <O> PipelineBuilder<O> broadcast(String name, Branch<T, ? extends O>... branches) {
        return fanOut(FanOutDef.broadcast(Require.nonBlank(name, "name")), List.of(Require.nonNull(branches, "branches")));
    }

    /**
     * Sends each item to exactly one branch: the one {@code selector} names (Pekko's
     * {@code Partition}, Camel's choice). An item whose name no branch has fails the run,
     * naming the route, the item and the branches; see {@link #route(Route, Branch[])} for a
     * default branch or another policy. Like a broadcast, it moves at the pace of its slowest
     * branch (a {@link #buffer buffer} at the start of a branch decouples it).
     *
     * <pre>{@code
     * Pipeline<Void> p = Pipeline.from(orders)
     *         .route("by-country", (Order o) -> o.country(),
     *                 Branch.to("de", germany),
     *                 Branch.to("fr", france))
     *         .end();
     * }</pre>
     *
     * @param name the route's name in the report
     * @param selector the name of an item's branch
     * @param branches the branches, at least one, with names unique within it
     * @param <O> the items of the branches that rejoin
     * @return a builder after the fan-out: the merged items of the rejoining branches
     */
    @SafeVarargs
    @SuppressWarnings("varargs") // the array is only read, into an immutable list
    public final <O> PipelineBuilder<O> route(String name, Function<? super T, String> selector,
            Branch<T, ? extends O>... branches) {
        return fanOut(Route.by(name, selector).def, List.of(Require.nonNull(branches, "branches")));
    }

    /**
     * Sends each item to exactly one branch, as {@link Route} describes: its selector, its
     * default branch and its policy for items no branch takes.
     *
     * @param route the route
     * @param branches the branches, at least one, with names unique within it
     * @param <O> the items of the branches that rejoin
     * @return a builder after the fan-out: the merged items of the rejoining branches
     * @throws IllegalArgumentException when the route's default branch is not one of them
     */
    @SafeVarargs
    @SuppressWarnings("varargs") // the array is only read, into an immutable list
    public final <O> PipelineBuilder<O> route(Route<? super T> route, Branch<T, ? extends O>... branches) {
        Require.nonNull(route, "route");
        return fanOut(route.def, List.of(Require.nonNull(branches, "branches")));
    }

    private <O> PipelineBuilder<O> fanOut(FanOutDef fan, List<Branch<T, ? extends O>> branches) {
        if (branches.isEmpty()) {
            throw new IllegalArgumentException(fan.label() + " '" + fan.name() + "' needs at least one branch");
        }
        Set<String> names = new HashSet<>();
        List<BranchDef> defs = new ArrayList<>();
        for (Branch<T, ? extends O> b : branches) {
            Require.nonNull(b, "branch");
            if (!names.add(b.name())) {
                throw new IllegalArgumentException(fan.label() + " '" + fan.name() + "' has two branches named '"
                        + b.name() + "'; each branch of a fan-out needs its own name");
            }
            defs.add(b.build(fan.name()));
        }
        if (fan.otherwise() != null && !names.contains(fan.otherwise())) {
            throw new IllegalArgumentException("route '" + fan.name() + "' sends the rest to branch '" + fan.otherwise()
                    + "', which it does not have; its branches are " + defs.stream().map(BranchDef::name).toList());
        }
        return then(new Step.FanOutStep(fan, defs));
    }

    /**
     * Ends the pipeline with a sink.
     *
     * @param sink consumes the items and produces the run's result
     * @param <R> the result type
     * @return the pipeline
     * @throws IllegalArgumentException if two parts share a name
     * @throws IllegalStateException inside a branch (end a branch with {@link Branch#to}), or
     *     when every branch of the last fan-out already ends in a sink (use {@link #end()})
     */
    public <R> Pipeline<R> to(Sink<? super T, R> sink) {
        Require.nonNull(sink, "sink");
        requireMainLine("to(sink)");
        requireOpen(sink.name());
        return new Pipeline<>("pipeline", new GraphDef(chain, sink.def).validate(), List.of());
    }

    /**
     * Ends a pipeline whose every branch ends in a sink of its own: the run's result is empty,
     * and each sink's result is in the report ({@link PipelineReport#result(String)}).
     *
     * @return the pipeline
     * @throws IllegalStateException if items still flow here (a branch rejoins, or there is no
     *     fan-out): give those items a sink with {@link #to}
     */
    public Pipeline<Void> end() {
        requireMainLine("end()");
        if (chain.open()) {
            Map<String, List<String>> rejoining = GraphDef.rejoining(chain);
            throw new IllegalStateException(rejoining.isEmpty()
                    ? "end() finishes a pipeline whose every branch ends in a sink; this one has no fan-out: "
                            + "give it a sink with to(sink)"
                    : "end() finishes a pipeline whose every branch ends in a sink, but " + describe(rejoining)
                            + " rejoin and would reach nothing: give them a sink with to(sink), or end them with "
                            + "Branch.to(name, sink)");
        }
        return new Pipeline<>("pipeline", new GraphDef(chain, null).validate(), List.of());
    }

    private static String describe(Map<String, List<String>> rejoining) {
        List<String> parts = new ArrayList<>();
        rejoining.forEach((fan, names) -> parts.add("branch(es) " + names + " of '" + fan + "'"));
        return String.join(" and ", parts);
    }

    /**
     * The items as they would reach a sink, as a cold Flux (each subscription is a run without
     * a report), with the sinks at the ends of branches running: to test a chain of stages
     * with {@code StepVerifier}.
     *
     * @return the items
     * @throws IllegalArgumentException if two parts share a name
     */
    @SuppressWarnings("unchecked")
    public Flux<T> toFlux() {
        requireMainLine("toFlux()");
        requireOpen("toFlux()");
        GraphDef graph = new GraphDef(chain, null).validate();
        return (Flux<T>) Flux.defer(() -> Assembler.flux(graph.chain(),
                new RunContext("pipeline", Schedulers.parallel(), List.of(), false)));
    }

    private void requireMainLine(String call) {
        if (branch != null) {
            throw new IllegalStateException(call + " cannot be used inside " + branch
                    + ": a branch ends with Branch.to(name, chain, sink) or rejoins with Branch.of(name, chain)");
        }
    }

    private void requireOpen(String next) {
        if (!chain.open()) {
            throw new IllegalStateException("every branch of '" + lastFanOut() + "' ends in a sink, so nothing flows on to '"
                    + next + "'; finish the pipeline with end(), or let a branch rejoin with Branch.of(name, chain)");
        }
    }

    private String lastFanOut() {
        for (int i = chain.steps().size() - 1; i >= 0; i--) {
            if (chain.steps().get(i) instanceof Step.FanOutStep f) {
                return f.fanOut().name();
            }
        }
        return "?";
    }

    @Override
    public String toString() {
        return "PipelineBuilder[" + String.join(" -> ", GraphDef.names(chain, null)) + " -> ...]";
    }
}
