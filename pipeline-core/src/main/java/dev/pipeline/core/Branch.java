package dev.pipeline.core;

import java.util.function.Function;

import dev.pipeline.core.engine.BranchDef;
import dev.pipeline.core.engine.Chain;
import dev.pipeline.core.internal.Require;

/**
 * One named branch of a {@link PipelineBuilder#broadcast broadcast} or
 * {@link PipelineBuilder#route route}: a chain of stages that either ends in a sink of its own
 * ({@link #to}) or rejoins the pipeline after the fan-out ({@link #of}), where the items of every
 * rejoining branch are merged into the stages that follow. Immutable; the chain is built when
 * the pipeline is.
 *
 * <pre>{@code
 * Pipeline<InsertResult> job = Pipeline.from(orders)
 *         .broadcast("copy",
 *                 Branch.to("audit", auditFile),                        // every order to the audit file...
 *                 Branch.of("main", (PipelineBuilder<Order> b) -> b))   // ...and on to the database
 *         .then(enrich)
 *         .to(database);
 * }</pre>
 *
 * @param <T> the items the branch receives
 * @param <O> the items it passes on when it rejoins
 */
public final class Branch<T, O> {

    private final String name;
    private final Function<PipelineBuilder<T>, ? extends PipelineBuilder<?>> chain;
    private final Sink<?, ?> sink;

    private Branch(String name, Function<PipelineBuilder<T>, ? extends PipelineBuilder<?>> chain, Sink<?, ?> sink) {
        this.name = Require.nonBlank(name, "name");
        this.chain = chain;
        this.sink = sink;
    }

    /**
     * A branch that rejoins: its items, after {@code chain}, are merged with those of the other
     * rejoining branches into what follows the fan-out (order across branches is not kept).
     *
     * @param name the branch's name, unique within its fan-out
     * @param chain the branch's stages, applied to a builder that starts at the fan-out
     *     ({@code b -> b} for none)
     * @param <T> the items it receives
     * @param <O> the items it passes on
     * @return the branch
     */
    public static <T, O> Branch<T, O> of(String name, Function<PipelineBuilder<T>, PipelineBuilder<O>> chain) {
        return new Branch<>(name, Require.nonNull(chain, "chain"), null);
    }

    /**
     * A branch that ends in {@code sink}, taking every item it receives.
     *
     * @param name the branch's name, unique within its fan-out
     * @param sink the branch's sink; its result is in the report ({@link PipelineReport#result(String)})
     * @param <T> the items it receives
     * @param <O> unused: a branch that ends passes nothing on
     * @return the branch
     */
    public static <T, O> Branch<T, O> to(String name, Sink<? super T, ?> sink) {
        return new Branch<>(name, b -> b, Require.nonNull(sink, "sink"));
    }

    /**
     * A branch of stages that ends in {@code sink}.
     *
     * @param name the branch's name, unique within its fan-out
     * @param chain the branch's stages, applied to a builder that starts at the fan-out
     * @param sink the branch's sink
     * @param <T> the items it receives
     * @param <M> the items that reach its sink
     * @param <O> unused: a branch that ends passes nothing on
     * @return the branch
     */
    public static <T, M, O> Branch<T, O> to(String name, Function<PipelineBuilder<T>, PipelineBuilder<M>> chain,
            Sink<? super M, ?> sink) {
        return new Branch<>(name, Require.nonNull(chain, "chain"), Require.nonNull(sink, "sink"));
    }

    /** @return the branch's name */
    public String name() {
        return name;
    }

    /** The branch's definition, its chain built from a builder that starts at fan-out {@code fanOut}. */
    BranchDef build(String fanOut) {
        String where = "branch '" + name + "' of '" + fanOut + "'";
        PipelineBuilder<?> built = chain.apply(PipelineBuilder.branch(where));
        if (built == null) {
            throw new NullPointerException("the chain of " + where + " returned null");
        }
        Chain c = built.chain;
        if (c.head() != null) {
            throw new IllegalArgumentException("the chain of " + where + " must continue the builder it is given, "
                    + "not start another pipeline (use Pipeline.merge to join pipelines)");
        }
        if (sink != null && !c.open()) {
            throw new IllegalArgumentException(where + " ends in sink '" + sink.name() + "', but nothing reaches it: "
                    + "every branch of its own fan-out ends in a sink");
        }
        return new BranchDef(name, c.steps(), sink == null ? null : sink.def);
    }

    @Override
    public String toString() {
        return "Branch[" + name + (sink != null ? " -> " + sink.name() : ", rejoins") + "]";
    }
}
