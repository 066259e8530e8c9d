package dev.pipeline.core.engine;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@code Stage.mapAsync}: a Mono per item, up to {@code concurrency} at once, in order or as they complete. */
public record AsyncStage(StageOptions options, Function<Object, ? extends Mono<?>> fn) implements StageDef {

    private static final Set<Option> ACCEPTS = EnumSet.of(Option.CONCURRENCY, Option.ORDERED, Option.TIMEOUT,
            Option.RETRY, Option.ON_ERROR, Option.CIRCUIT_BREAKER, Option.WITH_INPUT);

    @Override
    public AsyncStage withOptions(StageOptions options) {
        return new AsyncStage(options, fn);
    }

    @Override
    public String label() {
        return "mapAsync";
    }

    @Override
    public Set<Option> accepts() {
        return ACCEPTS;
    }

    @Override
    public Flux<Object> apply(Flux<Object> in, NodeRun node) {
        return PerItem.run(this, in, node, attempt(fn, name(), node));
    }

    /** One attempt: the function's Mono, timed from subscription to its signal. */
    static Function<Object, Mono<Object>> attempt(Function<Object, ? extends Mono<?>> fn, String stage, NodeRun node) {
        String message = "the function of stage '" + stage + "' returned a null Mono";
        return item -> node.timed(Mono.defer(() -> Objects.requireNonNull(fn.apply(item), message)));
    }

    @Override
    public AsyncStage withInput(BiFunction<Object, Object, Object> combine) {
        return new AsyncStage(options, pairing(fn, combine));
    }

    /** {@code item -> fn(item).map(result -> combine(item, result))}; an empty Mono stays empty. */
    static Function<Object, Mono<?>> pairing(Function<Object, ? extends Mono<?>> fn,
            BiFunction<Object, Object, Object> combine) {
        return item -> {
            Mono<?> result = fn.apply(item);
            return result == null ? null : result.map(r -> combine.apply(item, r));
        };
    }
}
