package dev.pipeline.core;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.pipeline.core.aio.AsyncQueue;
import dev.pipeline.core.engine.CollectSink;
import dev.pipeline.core.engine.ContextSink;
import dev.pipeline.core.engine.CustomSink;
import dev.pipeline.core.engine.ForEachAsyncSink;
import dev.pipeline.core.engine.ForEachSink;
import dev.pipeline.core.engine.Option;
import dev.pipeline.core.engine.SinkDef;
import dev.pipeline.core.engine.SinkOptions;
import dev.pipeline.core.internal.Require;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A named consumer of items: where a pipeline ends, producing a result of type {@code R}.
 * Immutable and reusable: each run consumes afresh.
 *
 * <pre>{@code
 * Sink<String, List<String>> all = Sink.collect("all");
 * Sink<Order, Void> store = Sink.forEachAsync("store", order -> repository.save(order)).concurrency(8);
 * }</pre>
 *
 * @param <T> the item type
 * @param <R> the result type
 */
public final class Sink<T, R> {

    /** The sink's kind and options; what the engine runs. */
    final SinkDef def;

    private Sink(SinkDef def) {
        this.def = def;
    }

    @SuppressWarnings("unchecked")
    private static <T> T erase(Object fn) {
        return (T) fn;
    }

    private static SinkOptions optionsNamed(String name) {
        return SinkOptions.named(Require.nonBlank(name, "name"));
    }

    /**
     * Calls {@code consumer} for each item, in order. A consumer that throws fails the item,
     * which goes to the sink's {@link #onError error policy}.
     *
     * @param name the sink's name
     * @param consumer handles one item; must not block
     * @param <T> the item type
     * @return the sink
     */
    public static <T> Sink<T, Void> forEach(String name, Consumer<? super T> consumer) {
        Require.nonNull(consumer, "consumer");
        return new Sink<>(new ForEachSink(optionsNamed(name), erase(consumer)));
    }

    /**
     * Runs {@code action} for each item, up to {@link #concurrency} at a time. A failing action
     * fails the item, which goes to the sink's {@link #onError error policy}.
     *
     * @param name the sink's name
     * @param action the asynchronous work for one item
     * @param <T> the item type
     * @return the sink
     */
    public static <T> Sink<T, Void> forEachAsync(String name, Function<? super T, ? extends Mono<?>> action) {
        Require.nonNull(action, "action");
        return new Sink<>(new ForEachAsyncSink(optionsNamed(name), erase(action)));
    }

    /**
     * Collects every item into a list, the run's result. Holds everything in memory: for tests
     * and small results.
     *
     * @param name the sink's name
     * @param <T> the item type
     * @return the sink
     */
    public static <T> Sink<T, List<T>> collect(String name) {
        return new Sink<>(new CollectSink(optionsNamed(name)));
    }

    /**
     * Puts every item into {@code queue} (waiting while it is full), for another pipeline or
     * consumer to take; does not shut the queue down. Consumes the stream as a whole, as
     * {@link #of} does ({@link AsyncQueue#putAll}).
     *
     * <p>After an {@link Source#acknowledged acknowledged source} (a broker, a checkpointed file)
     * it puts the items one at a time ({@link AsyncQueue#put}), and an item is done, and settles
     * as stored, once the queue has it: from then on it is the queue's taker's, and the source
     * will not see it again even if the taker loses it. So the broker is acked item by item and
     * never stalls at its prefetch.
     *
     * @param name the sink's name
     * @param queue the queue
     * @param <T> the item type
     * @return the sink
     */
    @SuppressWarnings("unchecked")
    public static <T> Sink<T, Void> toQueue(String name, AsyncQueue<T> queue) {
        Require.nonNull(queue, "queue");
        return new Sink<>(new CustomSink(optionsNamed(name), flux -> queue.putAll((Flux<T>) (Flux<?>) flux),
                value -> queue.put((T) value)));
    }

    /**
     * A sink from any consumer of the item Flux: subscribes once per run, and its Mono's value
     * is the run's result. Items count as consumed when the Mono completes.
     *
     * <p>After an {@link Source#acknowledged acknowledged source} (a broker, a checkpointed file)
     * an item is done, and settles as stored, as soon as it has been handed to {@code consumer}:
     * when the {@code onNext} that delivers it to the chain {@code consumer} built returns. That
     * is the moment the pipeline can see; what the chain does with the item afterwards (an
     * asynchronous write, a buffer) is no longer covered, and an item lost there is not
     * redelivered. When the item is done only once such a write succeeded, use
     * {@link #forEachAsync} or {@link #create}, which settle after the write.
     *
     * @param name the sink's name
     * @param consumer consumes the Flux
     * @param <T> the item type
     * @param <R> the result type
     * @return the sink
     */
    public static <T, R> Sink<T, R> of(String name, Function<? super Flux<T>, ? extends Mono<R>> consumer) {
        Require.nonNull(consumer, "consumer");
        return new Sink<>(new CustomSink(optionsNamed(name), erase(consumer)));
    }

    /**
     * A sink that accounts for items itself, for connectors that consume in batches and must
     * reject single bad items: it calls {@link StageContext#completed} for items it finished
     * and {@link StageContext#reject} for items that failed (which applies this sink's
     * {@link #onError error policy}).
     *
     * @param name the sink's name
     * @param consumer consumes the Flux with the run's context
     * @param <T> the item type
     * @param <R> the result type
     * @return the sink
     */
    public static <T, R> Sink<T, R> create(String name, BiFunction<? super Flux<T>, ? super StageContext, ? extends Mono<R>> consumer) {
        Require.nonNull(consumer, "consumer");
        return new Sink<>(new ContextSink(optionsNamed(name), erase(consumer)));
    }

    /**
     * What to do with an item the sink fails on. Defaults to {@link ErrorPolicy#failFast()}.
     * Applies to {@link #forEach}, {@link #forEachAsync} and {@link #create}; the other sinks
     * have no single item to blame (their failure fails the run).
     *
     * @param policy the policy
     * @return a copy with that policy
     * @throws IllegalStateException for sinks without per-item failures
     */
    public Sink<T, R> onError(ErrorPolicy policy) {
        Require.nonNull(policy, "policy");
        return new Sink<>(def.with(Option.ON_ERROR, o -> o.withPolicy(policy.def)));
    }

    /**
     * How many items {@link #forEachAsync} handles at once (in any order). Defaults to 1.
     *
     * @param concurrency items in flight, {@code > 0}
     * @return a copy with that concurrency
     * @throws IllegalStateException for other kinds of sink
     */
    public Sink<T, R> concurrency(int concurrency) {
        Require.positive(concurrency, "concurrency");
        return new Sink<>(def.with(Option.CONCURRENCY, o -> o.withConcurrency(concurrency)));
    }

    /**
     * Calls through a circuit breaker, as {@link Stage#circuitBreaker} does: each item's action
     * ({@link #forEachAsync}), or each call a {@link #create connector sink} makes through
     * {@link StageContext#guard} (a batch insert, a POST), asks {@code breaker} for permission;
     * while it is open, the items fail at once with a {@link CircuitOpenException} and go to the
     * sink's {@link #onError error policy}. Not set by default.
     *
     * @param breaker the breaker
     * @return a copy that calls through it
     * @throws IllegalStateException for sinks that make no calls of their own (forEach, collect, custom)
     */
    public Sink<T, R> circuitBreaker(Breaker breaker) {
        Require.nonNull(breaker, "breaker");
        return new Sink<>(def.with(Option.CIRCUIT_BREAKER, o -> o.withBreaker(breaker)));
    }

    /**
     * A copy with another name, as {@link Stage#named} does for stages: a connector's sink is
     * named after what it writes ({@code ndjson(rejected.ndjson)}, {@code insert}) until renamed.
     *
     * @param name the new name
     * @return a renamed copy
     */
    public Sink<T, R> named(String name) {
        return new Sink<>(def.withOptions(def.options().withName(Require.nonBlank(name, "name"))));
    }

    /**
     * The sink's name.
     *
     * @return the name
     */
    public String name() {
        return def.name();
    }

    @Override
    public String toString() {
        return "Sink[" + def.name() + "]";
    }
}
