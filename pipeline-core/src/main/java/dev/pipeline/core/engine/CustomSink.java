package dev.pipeline.core.engine;

import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.Set;
import java.util.function.Function;

import dev.pipeline.core.Settlement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@code Sink.of}: any consumer of the whole stream; every item received counts once its Mono completes. */
public record CustomSink(SinkOptions options, Function<? super Flux<Object>, ? extends Mono<?>> consumer) implements SinkDef {

    private static final Logger LOG = LoggerFactory.getLogger("dev.pipeline.core.Pipeline");

    @Override
    public CustomSink withOptions(SinkOptions options) {
        return new CustomSink(options, consumer);
    }

    @Override
    public Set<Option> accepts() {
        return Set.of();
    }

    @Override
    public Mono<Object> consume(Flux<Object> items, NodeRun node) {
        if (node.tracked) {
            // consumed as a whole: its items settle as stored once the consumer completes
            LOG.warn("sink '{}' consumes the stream as a whole (Sink.of, Sink.toQueue): the items of an acknowledged "
                    + "source settle only when it completes, and a broker stops delivering once its unacked limit is "
                    + "reached; use Sink.forEach, Sink.forEachAsync or Sink.create to settle item by item", name());
            return Mono.defer(() -> {
                Queue<Ticket> tickets = new ConcurrentLinkedQueue<>();
                Flux<Object> values = items.map(item -> {
                    if (item instanceof Tracked t) {
                        tickets.add(t.ticket);
                        return t.value;
                    }
                    return item;
                });
                return untracked(values, node).doOnSuccess(v -> {
                    Ticket t;
                    while ((t = tickets.poll()) != null) {
                        t.release(Settlement.STORED);
                    }
                });
            });
        }
        return untracked(items, node);
    }

    private Mono<Object> untracked(Flux<Object> items, NodeRun node) {
        return Mono.<Object>defer(() -> Objects.requireNonNull(consumer.apply(items),
                        "sink '" + name() + "' returned a null Mono"))
                // consumed as a whole: every item received counts once the consumer completes
                .doOnSuccess(v -> node.copy.emittedConcurrent(node.node.receivedNow() - node.node.emittedNow()));
    }
}
