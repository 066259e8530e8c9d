package dev.pipeline.core.engine;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

import dev.pipeline.core.Settlement;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@code Sink.forEachAsync}: a Mono per item, up to {@code concurrency} at once, through its circuit breaker if any. */
public record ForEachAsyncSink(SinkOptions options, Function<Object, ? extends Mono<?>> action) implements SinkDef {

    private static final Set<Option> ACCEPTS = EnumSet.of(Option.ON_ERROR, Option.CONCURRENCY, Option.CIRCUIT_BREAKER);

    @Override
    public ForEachAsyncSink withOptions(SinkOptions options) {
        return new ForEachAsyncSink(options, action);
    }

    @Override
    public Set<Option> accepts() {
        return ACCEPTS;
    }

    @Override
    public Mono<Object> consume(Flux<Object> items, NodeRun node) {
        String message = "the action of sink '" + name() + "' returned a null Mono";
        Function<Object, Mono<Object>> one = item -> {
            Object value = Tracked.value(item);
            Mono<Object> call = node.timed(Mono.defer(() -> Objects.requireNonNull(action.apply(value), message)));
            return (node.guard == null ? call : node.guard.call(call))
                    .then(Mono.fromRunnable(() -> {
                        node.copy.emittedConcurrent(1);
                        Tracked.release(item, Settlement.STORED);
                    }))
                    .onErrorResume(e -> node.reject(item, e, 1))
                    .then(Mono.empty());
        };
        Flux<Object> done = options.concurrency() == 1 ? items.concatMap(one) : items.flatMap(one, options.concurrency());
        return done.then(Mono.empty());
    }
}
