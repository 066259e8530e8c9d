package dev.pipeline.core.engine;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@code Stage.map}: a synchronous function per item; inline unless it retries, has a breaker or dead-letters. */
public record MapStage(StageOptions options, Function<Object, Object> fn) implements StageDef {

    private static final Set<Option> ACCEPTS = EnumSet.of(Option.RETRY, Option.ON_ERROR, Option.CIRCUIT_BREAKER,
            Option.WITH_INPUT);

    @Override
    public MapStage withOptions(StageOptions options) {
        return new MapStage(options, fn);
    }

    @Override
    public String label() {
        return "map";
    }

    @Override
    public Set<Option> accepts() {
        return ACCEPTS;
    }

    @Override
    public boolean inline() {
        return options.retry() == null && options.breaker() == null && !options.policy().deadLetter();
    }

    @Override
    public Flux<Object> apply(Flux<Object> in, NodeRun node) {
        String message = "the function of map stage '" + name() + "' returned null";
        return PerItem.run(this, in, node,
                item -> Mono.fromCallable(() -> Objects.requireNonNull(node.timed(fn, item), message)));
    }

    @Override
    public MapStage withInput(BiFunction<Object, Object, Object> combine) {
        Function<Object, Object> f = fn;
        return new MapStage(options, item -> {
            Object result = f.apply(item);
            return result == null ? null : combine.apply(item, result);
        });
    }
}
