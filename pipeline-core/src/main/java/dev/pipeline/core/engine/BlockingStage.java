package dev.pipeline.core.engine;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** {@code Stage.blocking}: a blocking function per item on boundedElastic ({@code asyncio.to_thread}). */
public record BlockingStage(StageOptions options, Function<Object, Object> fn) implements StageDef {

    private static final Set<Option> ACCEPTS = EnumSet.of(Option.CONCURRENCY, Option.ORDERED, Option.TIMEOUT,
            Option.RETRY, Option.ON_ERROR, Option.CIRCUIT_BREAKER, Option.WITH_INPUT);

    @Override
    public BlockingStage withOptions(StageOptions options) {
        return new BlockingStage(options, fn);
    }

    @Override
    public String label() {
        return "blocking";
    }

    @Override
    public Set<Option> accepts() {
        return ACCEPTS;
    }

    @Override
    public Flux<Object> apply(Flux<Object> in, NodeRun node) {
        String message = "the function of blocking stage '" + name() + "' returned null";
        return PerItem.run(this, in, node, item -> Mono.fromCallable(() -> Objects.requireNonNull(node.timed(fn, item), message))
                .subscribeOn(Schedulers.boundedElastic()));
    }

    @Override
    public BlockingStage withInput(BiFunction<Object, Object, Object> combine) {
        Function<Object, Object> f = fn;
        return new BlockingStage(options, item -> {
            Object result = f.apply(item);
            return result == null ? null : combine.apply(item, result);
        });
    }
}
