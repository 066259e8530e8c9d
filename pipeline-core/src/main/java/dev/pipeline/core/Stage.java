package dev.pipeline.core;

import java.time.Duration;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

import dev.pipeline.core.engine.AsyncStage;
import dev.pipeline.core.engine.BatchStage;
import dev.pipeline.core.engine.BlockingStage;
import dev.pipeline.core.engine.CustomStage;
import dev.pipeline.core.engine.FilterStage;
import dev.pipeline.core.engine.FlatMapStage;
import dev.pipeline.core.engine.MapStage;
import dev.pipeline.core.engine.Option;
import dev.pipeline.core.engine.PartitionedStage;
import dev.pipeline.core.engine.PolicyDef;
import dev.pipeline.core.engine.StageDef;
import dev.pipeline.core.engine.StageOptions;
import dev.pipeline.core.engine.ThrottleStage;
import dev.pipeline.core.internal.Require;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * A named, immutable, reusable transformation from items of type {@code I} to items of type
 * {@code O}. Each option returns a new stage, so a configured stage serves as a template.
 *
 * <pre>{@code
 * Stage<String, Page> fetch = Stage.mapAsync("fetch", url -> http.get(url))
 *         .concurrency(16)
 *         .timeout(Duration.ofSeconds(5))
 *         .retry(Retry.backoff(3, Duration.ofMillis(100)).jitter(0.5))
 *         .onError(ErrorPolicy.skip());
 * }</pre>
 *
 * <p>Synchronous stages ({@link #map}, {@link #filter}) run inline, fused with their
 * neighbours, with no allocation per item. When such a stage is given a {@link #retry} or a
 * dead-letter policy, it runs each item inside a Mono instead (retries wait, and a dead letter
 * may wait for room).
 *
 * @param <I> the input type
 * @param <O> the output type
 */
public final class Stage<I, O> {

    /** The stage's kind and options; what the engine runs. */
    final StageDef def;

    private Stage(StageDef def) {
        this.def = def;
    }

    @SuppressWarnings("unchecked")
    private static <T> T erase(Object fn) {
        return (T) fn;
    }

    private static StageOptions optionsNamed(String name) {
        return StageOptions.named(Require.nonBlank(name, "name"));
    }

    // ------------------------------------------------------------------ factories

    /**
     * Transforms each item with a synchronous function. A function that throws (or returns
     * null) fails the item.
     *
     * <p><b>Emits when</b> the function returns. <b>Thread</b>: the upstream's.
     *
     * @param name the stage's name
     * @param fn the transformation; must not block (use {@link #blocking})
     * @param <I> the input type
     * @param <O> the output type
     * @return the stage
     */
    public static <I, O> Stage<I, O> map(String name, Function<? super I, ? extends O> fn) {
        Require.nonNull(fn, "fn");
        return new Stage<>(new MapStage(optionsNamed(name), erase(fn)));
    }

    /**
     * Keeps the items the predicate accepts; the others are counted as filtered.
     *
     * @param name the stage's name
     * @param predicate true to keep the item
     * @param <T> the item type
     * @return the stage
     */
    public static <T> Stage<T, T> filter(String name, Predicate<? super T> predicate) {
        Require.nonNull(predicate, "predicate");
        return new Stage<>(new FilterStage(optionsNamed(name), erase(predicate)));
    }

    /**
     * Transforms each item with an asynchronous function (an {@code async def} per item), up to
     * {@link #concurrency} at a time. A Mono that completes empty drops the item (counted as
     * filtered).
     *
     * <p><b>Emits when</b> the item's Mono emits, in input order unless
     * {@link #ordered(boolean) ordered(false)}. <b>Thread</b>: the Mono's.
     *
     * @param name the stage's name
     * @param fn returns the work for one item, subscribed once per attempt
     * @param <I> the input type
     * @param <O> the output type
     * @return the stage
     */
    public static <I, O> Stage<I, O> mapAsync(String name, Function<? super I, ? extends Mono<? extends O>> fn) {
        Require.nonNull(fn, "fn");
        return new Stage<>(new AsyncStage(optionsNamed(name), erase(fn)));
    }

    /**
     * Turns each item into any number of items. Counted in input items; the results are
     * counted in {@link StageReport#outputs()}. Retrying would repeat results already emitted,
     * so {@link #retry} is not available: retry inside the function.
     *
     * @param name the stage's name
     * @param fn returns the results for one item
     * @param <I> the input type
     * @param <O> the output type
     * @return the stage
     */
    public static <I, O> Stage<I, O> flatMap(String name, Function<? super I, ? extends Publisher<? extends O>> fn) {
        Require.nonNull(fn, "fn");
        return new Stage<>(new FlatMapStage(optionsNamed(name), erase(fn)));
    }

    /**
     * Runs a blocking function for each item on Reactor's bounded elastic scheduler (like
     * {@code asyncio.to_thread}), up to {@link #concurrency} at a time, so no non-blocking thread
     * ever waits for it.
     *
     * @param name the stage's name
     * @param fn the blocking transformation
     * @param <I> the input type
     * @param <O> the output type
     * @return the stage
     */
    public static <I, O> Stage<I, O> blocking(String name, Function<? super I, ? extends O> fn) {
        Require.nonNull(fn, "fn");
        return new Stage<>(new BlockingStage(optionsNamed(name), erase(fn)));
    }

    /**
     * Groups items into lists of at most {@code maxSize}, emitting a list when it is full or
     * {@code maxWait} after its first item, whichever comes first. Backpressure is fair: it
     * requests only what it can pass on. One exception to the size-or-time rule: when the next
     * stage has taken every list it asked for and then asks again while none is full, it gets at
     * once what has arrived (Reactor's fair-backpressure {@code bufferTimeout}; reactor-core
     * issue 4377). So a consumer that takes one list at a time never waits on a partial list
     * after finishing one, and gets full lists while items come faster than it takes them.
     * Counted in items; the lists are its {@link StageReport#outputs()}.
     *
     * @param name the stage's name
     * @param maxSize the most items per batch, {@code > 0}
     * @param maxWait the longest an item waits for its batch to fill, {@code > 0}
     * @param <T> the item type
     * @return the stage
     */
    public static <T> Stage<T, List<T>> batch(String name, int maxSize, Duration maxWait) {
        return new Stage<>(new BatchStage(optionsNamed(name), Require.positive(maxSize, "maxSize"),
                Require.positive(maxWait, "maxWait")));
    }

    /**
     * Lets at most {@code permits} items through in any window of length {@code per}: a real
     * rate limit (items wait for their turn), unlike {@code limitRate}, which only shapes
     * requests.
     *
     * @param name the stage's name
     * @param permits items allowed per window, {@code > 0}
     * @param per the window, {@code > 0}
     * @param <T> the item type
     * @return the stage
     */
    public static <T> Stage<T, T> throttle(String name, int permits, Duration per) {
        return new Stage<>(new ThrottleStage(optionsNamed(name), Require.positive(permits, "permits"),
                Require.positive(per, "per")));
    }

    /**
     * Like {@link #mapAsync}, but items with the same key are handled one at a time and in
     * order, while different keys run in parallel: keys are spread over {@link #concurrency}
     * lanes by hash, each lane sequential (like partitions of a log). Output order across keys
     * is not kept.
     *
     * @param name the stage's name
     * @param key the key of an item
     * @param fn returns the work for one item
     * @param <I> the input type
     * @param <K> the key type
     * @param <O> the output type
     * @return the stage
     */
    public static <I, K, O> Stage<I, O> mapAsyncPartitioned(String name, Function<? super I, ? extends K> key,
            Function<? super I, ? extends Mono<? extends O>> fn) {
        Require.nonNull(fn, "fn");
        Require.nonNull(key, "key");
        return new Stage<>(new PartitionedStage(optionsNamed(name), erase(key), erase(fn)));
    }

    /**
     * Any Reactor operator chain as a stage. It is counted only by what goes in and out, and
     * an error in it fails the run, naming the stage.
     *
     * @param name the stage's name
     * @param operators the chain, applied once per run
     * @param <I> the input type
     * @param <O> the output type
     * @return the stage
     */
    public static <I, O> Stage<I, O> of(String name, Function<? super Flux<I>, ? extends Publisher<O>> operators) {
        Require.nonNull(operators, "operators");
        return new Stage<>(new CustomStage(optionsNamed(name), erase(operators)));
    }

    // ------------------------------------------------------------------ options

    /**
     * How many items are worked on at once. Defaults to 1. Applies to {@link #mapAsync},
     * {@link #flatMap}, {@link #blocking} and {@link #mapAsyncPartitioned} (its number of lanes).
     *
     * @param concurrency items in flight, {@code > 0}
     * @return a copy with that concurrency
     * @throws IllegalStateException for other kinds of stage
     */
    public Stage<I, O> concurrency(int concurrency) {
        Require.positive(concurrency, "concurrency");
        return new Stage<>(def.with(Option.CONCURRENCY, o -> o.withConcurrency(concurrency)));
    }

    /**
     * Whether results leave in input order ({@code flatMapSequential}) or as they complete
     * ({@code flatMap}). Defaults to true. Applies to {@link #mapAsync}, {@link #flatMap} and
     * {@link #blocking}.
     *
     * @param ordered true to keep input order
     * @return a copy with that ordering
     * @throws IllegalStateException for other kinds of stage
     */
    public Stage<I, O> ordered(boolean ordered) {
        return new Stage<>(def.with(Option.ORDERED, o -> o.withOrdered(ordered)));
    }

    /**
     * The longest one attempt on one item may take; past it the attempt fails with an
     * {@link ItemTimeoutException} (then retries and the error policy apply). For
     * {@link #flatMap} it bounds the wait for each result. Not set by default. Timed on
     * Reactor's parallel scheduler (virtual time in tests). Not available on {@link #map}:
     * synchronous code cannot be interrupted.
     *
     * @param timeout the limit, {@code > 0}
     * @return a copy with that timeout
     * @throws IllegalStateException for other kinds of stage
     */
    public Stage<I, O> timeout(Duration timeout) {
        Require.positive(timeout, "timeout");
        return new Stage<>(def.with(Option.TIMEOUT, o -> o.withTimeout(timeout)));
    }

    /**
     * Retries a failed item before the error policy applies, with Reactor's {@link Retry}
     * (for example {@code Retry.backoff(3, Duration.ofMillis(100)).jitter(0.5)}). Each attempt
     * is counted in {@link StageReport#retried()}. Not set by default.
     *
     * @param retry the retry strategy
     * @return a copy with that strategy
     * @throws IllegalStateException for stages that cannot retry one item
     */
    public Stage<I, O> retry(Retry retry) {
        Require.nonNull(retry, "retry");
        return new Stage<>(def.with(Option.RETRY, o -> o.withRetry(retry)));
    }

    /**
     * What to do with an item that failed (after its retries). Defaults to
     * {@link ErrorPolicy#failFast()}.
     *
     * @param policy the policy
     * @return a copy with that policy
     * @throws IllegalStateException for stages with no per-item failures (batch, throttle, custom)
     */
    public Stage<I, O> onError(ErrorPolicy policy) {
        Require.nonNull(policy, "policy");
        return new Stage<>(def.with(Option.ON_ERROR, o -> o.withPolicy(policy.def)));
    }

    /**
     * Calls through a circuit breaker: each attempt on an item asks {@code breaker} for
     * permission and reports its outcome (a timeout counts as a failure). While the breaker is
     * open, items fail at once, without a call and without retries, with a
     * {@link CircuitOpenException} that names the breaker and since when it is open, and go to
     * the stage's {@link #onError error policy}; after its open period it lets probe calls
     * through (half-open) and closes again when they succeed. The report lists each breaker
     * with its state changes and the calls it refused ({@link PipelineReport#breakers()}). A
     * breaker may be shared by several stages, sinks, pipelines and runs. Not set by default.
     * See {@link Breaker}.
     *
     * <pre>{@code
     * Stage<Order, Price> price = Stage.mapAsync("price", pricing::lookup)
     *         .retry(Retry.backoff(3, Duration.ofMillis(100)))
     *         .circuitBreaker(Breaker.consecutiveFailures("pricing", 5, Duration.ofSeconds(30)))
     *         .onError(ErrorPolicy.deadLetter(unpriced));
     * }</pre>
     *
     * @param breaker the breaker
     * @return a copy that calls through it
     * @throws IllegalStateException for stages that do not make one call per item (flatMap, batch, throttle, custom)
     */
    public Stage<I, O> circuitBreaker(Breaker breaker) {
        Require.nonNull(breaker, "breaker");
        return new Stage<>(def.with(Option.CIRCUIT_BREAKER, o -> o.withBreaker(breaker)));
    }

    /**
     * A copy with another name: every source, stage and sink, whoever made it (a connector
     * names its nodes after what they read or write), is renamed the same way. Names key the
     * report and must be unique within a pipeline.
     *
     * @param name the new name
     * @return a renamed copy
     */
    public Stage<I, O> named(String name) {
        return new Stage<>(def.withOptions(def.options().withName(Require.nonBlank(name, "name"))));
    }

    /**
     * The stage's name, unique within a pipeline.
     *
     * @return the name
     */
    public String name() {
        return def.name();
    }

    /**
     * Pairs each result with the item it was made from: the stage emits
     * {@code combine(item, result)} instead of {@code result}, so an enrichment (a price
     * looked up over HTTP, a row from a lookup query) keeps the item it enriches. The
     * stage's retries, timeout, circuit breaker and error policy stay its own: a failed
     * lookup goes to the policy with the original item, its real cause and its true attempt
     * count. An empty result stays empty (the item is filtered). {@code combine} runs on the
     * thread that delivered the result; if it throws, the item fails like any other.
     *
     * <pre>{@code
     * Stage<Order, Priced> price = HttpStages.get("price", (Order o) -> prices.resolve("/" + o.sku()), Price.class)
     *         .withInput((order, p) -> new Priced(order, p.amount()))
     *         .onError(ErrorPolicy.deadLetter(unpriced));
     * }</pre>
     *
     * @param combine makes the output from the item and the stage's result
     * @param <R> the output type
     * @return a copy that emits the pairs
     * @throws IllegalStateException for stages that do not emit one result per item (filter,
     *     flatMap, batch, throttle, custom)
     */
    public <R> Stage<I, R> withInput(BiFunction<? super I, ? super O, ? extends R> combine) {
        Require.nonNull(combine, "combine");
        return new Stage<>(def.withInput(erase(combine)));
    }

    @Override
    public String toString() {
        StageOptions o = def.options();
        return "Stage[" + o.name() + " (" + def.label() + ")" + (o.concurrency() > 1 ? ", concurrency=" + o.concurrency() : "")
                + (o.policy().kind() != PolicyDef.Kind.FAIL_FAST ? ", onError=" + o.policy() : "") + "]";
    }
}
