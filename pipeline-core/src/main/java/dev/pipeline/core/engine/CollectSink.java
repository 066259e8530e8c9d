package dev.pipeline.core.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.pipeline.core.Settlement;

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
        if (node.tracked) {
            // the list is stored once it is the run's result: its items settle when it is complete
            return Mono.defer(() -> {
                List<Ticket> tickets = new ArrayList<>();
                return items.handle((item, out) -> {
                    node.copy.emitted();
                    if (item instanceof Tracked t) {
                        tickets.add(t.ticket);
                        out.next(t.value);
                    } else {
                        out.next(item);
                    }
                }).collectList().map(l -> {
                    tickets.forEach(t -> t.release(Settlement.STORED));
                    return (Object) l;
                });
            });
        }
        return items.handle((item, out) -> {
            node.copy.emitted();
            out.next(item);
        }).collectList().map(l -> (Object) l);
    }
}
