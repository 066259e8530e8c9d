package dev.pipeline.core.engine;

import java.util.Set;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@code Sink.collect}: every item into a list, the run's result. */
public record CollectSink(SinkOptions options) implements SinkDef {

    @Override
    public CollectSink withOptions(SinkOptions options) {
        return new CollectSink(options);
    }

    @Override
    public Set<Option> accepts() {
        return Set.of();
    }

    @Override
    public Mono<Object> consume(Flux<Object> items, NodeRun node) {
        return items.handle((item, out) -> {
            node.copy.emitted();
            out.next(item);
        }).collectList().map(l -> (Object) l);
    }
}
