package dev.pipeline.core.engine;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;

import dev.pipeline.core.StageContext;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code Sink.create}: a consumer that accounts for its items itself through the run's
 * {@link StageContext} (completed, rejected) and guards its calls with it.
 */
public record ContextSink(SinkOptions options, BiFunction<? super Flux<Object>, ? super StageContext, ? extends Mono<?>> consumer)
        implements SinkDef {

    private static final Set<Option> ACCEPTS = EnumSet.of(Option.ON_ERROR, Option.CIRCUIT_BREAKER);

    @Override
    public ContextSink withOptions(SinkOptions options) {
        return new ContextSink(options, consumer);
    }

    @Override
    public Set<Option> accepts() {
        return ACCEPTS;
    }

    @Override
    public Mono<Object> consume(Flux<Object> items, NodeRun node) {
        if (node.tracked) {
            // the sink sees values; what it completes or rejects is found among what it received
            return Mono.defer(() -> {
                PendingItems pending = new PendingItems();
                StageContext sctx = node.ctx.contextFor(node, pending);
                return Objects.requireNonNull(consumer.apply(items.map(pending::add), sctx),
                        "sink '" + name() + "' returned a null Mono");
            });
        }
        StageContext sctx = node.ctx.contextFor(node);
        return Mono.defer(() -> Objects.requireNonNull(consumer.apply(items, sctx),
                "sink '" + name() + "' returned a null Mono"));
    }
}
