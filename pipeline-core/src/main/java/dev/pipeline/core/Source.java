package dev.pipeline.core;

import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.pipeline.core.aio.AsyncQueue;
import dev.pipeline.core.engine.SourceDef;
import dev.pipeline.core.internal.Require;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.publisher.SynchronousSink;

/**
 * A named producer of items: where a pipeline starts. Immutable and cold: each run subscribes
 * to it afresh, and nothing happens before that.
 *
 * <pre>{@code
 * Source<Integer> numbers = Source.fromIterable("numbers", List.of(1, 2, 3));
 * Source<String> lines = Source.of("lines", Flux.just("a", "b"));
 * }</pre>
 *
 * @param <T> the item type
 */
public final class Source<T> {

    /** The source's name, factory and policy; what the engine runs. */
    final SourceDef def;

    private Source(String name, Function<StageContext, Publisher<? extends T>> factory, ErrorPolicy policy) {
        this(new SourceDef(Require.nonBlank(name, "name"), erase(factory), policy.def));
    }

    private Source(SourceDef def) {
        this.def = def;
    }

    @SuppressWarnings("unchecked")
    private static Function<StageContext, Publisher<?>> erase(Function<StageContext, ? extends Publisher<?>> factory) {
        return (Function<StageContext, Publisher<?>>) factory;
    }

    /**
     * A source of a publisher's items (subscribed once per run).
     *
     * @param name the source's name in reports and errors
     * @param publisher the items
     * @param <T> the item type
     * @return the source
     */
    public static <T> Source<T> of(String name, Publisher<? extends T> publisher) {
        Require.nonNull(publisher, "publisher");
        return new Source<>(name, ctx -> publisher, ErrorPolicy.failFast());
    }

    /**
     * A source of an iterable's items, read lazily as they are requested.
     *
     * @param name the source's name
     * @param items the items
     * @param <T> the item type
     * @return the source
     */
    public static <T> Source<T> fromIterable(String name, Iterable<? extends T> items) {
        Require.nonNull(items, "items");
        return new Source<>(name, ctx -> Flux.fromIterable(items), ErrorPolicy.failFast());
    }

    /**
     * A source that takes items from an {@link AsyncQueue} as the pipeline requests them, and
     * completes when the queue is shut down and drained: producers elsewhere {@code put}, this
     * pipeline consumes. Each item taken is marked {@link AsyncQueue#taskDone() done} as it is
     * handed to the pipeline, so the queue's {@code join()} means "all taken".
     *
     * @param name the source's name
     * @param queue the queue
     * @param <T> the item type
     * @return the source
     */
    public static <T> Source<T> fromQueue(String name, AsyncQueue<T> queue) {
        Require.nonNull(queue, "queue");
        return new Source<>(name, ctx -> queue.asFlux().doOnNext(item -> queue.taskDone()), ErrorPolicy.failFast());
    }

    /**
     * A source that generates items one at a time on demand ({@link Flux#generate(Consumer)}).
     *
     * @param name the source's name
     * @param generator called once per requested item; calls {@code next}, {@code complete} or
     *     {@code error} on the sink
     * @param <T> the item type
     * @return the source
     */
    public static <T> Source<T> generate(String name, Consumer<SynchronousSink<T>> generator) {
        Require.nonNull(generator, "generator");
        return new Source<>(name, ctx -> Flux.generate(generator), ErrorPolicy.failFast());
    }

    /**
     * A source that generates items on demand from a state, which starts fresh every run
     * ({@link Flux#generate(Callable, BiFunction)}).
     *
     * @param name the source's name
     * @param initialState the state for a new run
     * @param generator emits one item and returns the next state
     * @param <T> the item type
     * @param <S> the state type
     * @return the source
     */
    public static <T, S> Source<T> generate(String name, Callable<S> initialState,
            BiFunction<S, SynchronousSink<T>, S> generator) {
        Require.nonNull(initialState, "initialState");
        Require.nonNull(generator, "generator");
        return new Source<>(name, ctx -> Flux.generate(initialState, generator), ErrorPolicy.failFast());
    }

    /**
     * A source that can reject single bad records without failing: the factory gets the run's
     * {@link StageContext} and calls {@link StageContext#reject} for a record it cannot
     * produce (a malformed line), which applies this source's {@link #onError error policy}.
     *
     * <pre>{@code
     * Source<Order> orders = Source.create("orders", ctx -> lines.concatMap(line ->
     *         parse(line).map(Mono::just).orElseGet(() -> ctx.reject(line, badLine(line), 1).then(Mono.empty()))))
     *     .onError(ErrorPolicy.skip());
     * }</pre>
     *
     * @param name the source's name
     * @param factory builds the publisher for one run
     * @param <T> the item type
     * @return the source
     */
    public static <T> Source<T> create(String name, Function<StageContext, Publisher<? extends T>> factory) {
        Require.nonNull(factory, "factory");
        return new Source<>(name, factory, ErrorPolicy.failFast());
    }

    /**
     * A source whose items are acknowledged: the pipeline tells each {@link Delivery} how it
     * left the pipeline for good (stored after the sink's commit, filtered, skipped, or
     * dead-lettered after the dead-letter sink succeeded), counting everything derived from it
     * (flatMap results, broadcast copies, the route branch, the batch it joined) and calling
     * back once with the worst of them ({@link Settlement#worst}). A run that fails or is
     * cancelled settles nothing more, so a broker redelivers: the guarantee is at least once.
     * This is asyncio's {@code Queue.task_done()}, a broker's ack and a checkpoint's position.
     * The run's report has an {@link AckReport} for it ({@link PipelineReport#acks(String)}).
     *
     * <pre>{@code
     * Source<String> queue = Source.acknowledged("orders", ctx -> messages()
     *         .map(m -> Delivery.of(m.body(), m.redelivered(), s -> {
     *             if (s == Settlement.DEAD_LETTERED) nack(m.tag()); else ack(m.tag());
     *         })));
     * }</pre>
     *
     * <p>Its items cannot pass a {@link Stage#of} stage (the pipeline could not follow them
     * through an arbitrary operator chain): such a pipeline fails at assembly, naming the stage.
     * Cold, like every source: the factory is called once per run.
     *
     * @param name the source's name
     * @param factory builds the deliveries for one run
     * @param <T> the item type
     * @return the source
     * @see Watermark
     * @see StageContext#whenRunEnds()
     */
    public static <T> Source<T> acknowledged(String name,
            Function<StageContext, ? extends Publisher<Delivery<T>>> factory) {
        Require.nonNull(factory, "factory");
        return new Source<>(new SourceDef(Require.nonBlank(name, "name"), erase(factory), ErrorPolicy.failFast().def, true));
    }

    /**
     * The policy for records a {@link #create created} source rejects. Defaults to
     * {@link ErrorPolicy#failFast()}.
     *
     * @param policy the policy
     * @return a copy with that policy
     */
    public Source<T> onError(ErrorPolicy policy) {
        return new Source<>(def.withPolicy(Require.nonNull(policy, "policy").def));
    }

    /**
     * A copy with another name, as {@link Stage#named} does for stages.
     *
     * @param name the new name
     * @return a renamed copy
     */
    public Source<T> named(String name) {
        return new Source<>(def.withName(Require.nonBlank(name, "name")));
    }

    /**
     * The source's name.
     *
     * @return the name
     */
    public String name() {
        return def.name();
    }

    /**
     * The items as a cold Flux, outside any pipeline (rejected records fail it). An
     * {@link #acknowledged} source's values are emitted and never settled. Each subscription
     * is a run of its own: the source's {@link StageContext#whenRunEnds()} completes when it
     * ends (complete, error or cancel), so a source that unlocks or commits then does so.
     *
     * @return the items
     */
    @SuppressWarnings("unchecked")
    public Flux<T> flux() {
        String name = def.name();
        boolean deliveries = def.acknowledged();
        Flux<Object> items = Flux.defer(() -> {
            // this subscription is the "run": it ends when the items end or are cancelled, so a
            // source that commits or unlocks on whenRunEnds() does so here too
            Sinks.Empty<Void> ended = Sinks.empty();
            return Flux.from((Publisher<Object>) def.factory().apply(new StageContext() {
                @Override
                public String name() {
                    return name;
                }

                @Override
                public Mono<Void> reject(Object item, Throwable error, int attempts) {
                    return Mono.error(new PipelineException(name, item, attempts, error));
                }

                @Override
                public void completed(long items) {
                }

                @Override
                public Mono<Void> whenRunEnds() {
                    return ended.asMono();
                }
            })).doFinally(signal -> ended.tryEmitEmpty());
        });
        return deliveries ? items.map(d -> ((Delivery<T>) d).value()) : (Flux<T>) (Flux<?>) items;
    }

    @Override
    public String toString() {
        return "Source[" + def.name() + "]";
    }
}
