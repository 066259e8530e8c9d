package dev.pipeline.core.engine;

import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

import dev.pipeline.core.Settlement;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * {@code Sink.of} and {@code Sink.toQueue}: any consumer of the whole stream; every item received
 * counts once its Mono completes.
 *
 * <p>After an acknowledged source an item is done, and settles as stored, item by item (never
 * only when the whole stream ends, which a broker's source never does: it would stop at its
 * prefetch): for {@code Sink.of} once the consumer's {@code onNext} for it returned (the item
 * was handed to the user's chain); for {@code Sink.toQueue} ({@code accept} not null) once
 * {@code accept}'s Mono for it completed (the queue took it).
 *
 * @param accept for {@code toQueue}: puts one value, completing once it is in; null for {@code Sink.of}
 */
public record CustomSink(SinkOptions options, Function<? super Flux<Object>, ? extends Mono<?>> consumer,
        Function<Object, ? extends Mono<?>> accept) implements SinkDef {

    /** A {@code Sink.of} sink. */
    public CustomSink(SinkOptions options, Function<? super Flux<Object>, ? extends Mono<?>> consumer) {
        this(options, consumer, null);
    }

    @Override
    public CustomSink withOptions(SinkOptions options) {
        return new CustomSink(options, consumer, accept);
    }

    @Override
    public Set<Option> accepts() {
        return Set.of();
    }

    @Override
    public Mono<Object> consume(Flux<Object> items, NodeRun node) {
        if (!node.tracked) {
            return untracked(items, node);
        }
        if (accept != null) {
            // one at a time, in order: an item is settled once the queue has it
            return items.concatMap(item -> Objects.requireNonNull(accept.apply(Tracked.value(item)),
                                    "sink '" + name() + "' returned a null Mono")
                            .doOnSuccess(v -> {
                                node.copy.emittedConcurrent(1);
                                Tracked.release(item, Settlement.STORED);
                            }), 0)
                    .then(Mono.empty());
        }
        // Sink.of: an item is settled once the consumer's onNext for it returned
        Flux<Object> handedOver = items.transform(Operators.<Object, Object>liftPublisher(
                (publisher, actual) -> new SettleOnHandOver(actual, node.copy)));
        return untracked(handedOver, node);
    }

    private Mono<Object> untracked(Flux<Object> items, NodeRun node) {
        return Mono.<Object>defer(() -> Objects.requireNonNull(consumer.apply(items),
                        "sink '" + name() + "' returned a null Mono"))
                // consumed as a whole: every item received (and not yet counted) counts once the consumer completes
                .doOnSuccess(v -> node.copy.emittedConcurrent(node.node.receivedNow() - node.node.emittedNow()));
    }

    /**
     * Hands each value on to the user's consumer, then settles the item as stored and counts it:
     * when {@code onNext} returns, the consumer has the item. No buffer, no demand of its own.
     */
    private static final class SettleOnHandOver implements CoreSubscriber<Object>, Subscription {

        private final CoreSubscriber<? super Object> actual;
        private final Cell cell;
        private Subscription upstream;

        SettleOnHandOver(CoreSubscriber<? super Object> actual, Cell cell) {
            this.actual = actual;
            this.cell = cell;
        }

        @Override
        public Context currentContext() {
            return actual.currentContext();
        }

        @Override
        public void onSubscribe(Subscription s) {
            if (Operators.validate(upstream, s)) {
                upstream = s;
                actual.onSubscribe(this);
            }
        }

        @Override
        public void onNext(Object item) {
            actual.onNext(Tracked.value(item));
            cell.emittedConcurrent(1);
            Tracked.release(item, Settlement.STORED);
        }

        @Override
        public void onError(Throwable t) {
            actual.onError(t);
        }

        @Override
        public void onComplete() {
            actual.onComplete();
        }

        @Override
        public void request(long n) {
            upstream.request(n);
        }

        @Override
        public void cancel() {
            upstream.cancel();
        }
    }
}
