package dev.pipeline.core.engine;

import java.util.EnumSet;
import java.util.Set;
import java.util.function.Consumer;

import dev.pipeline.core.Settlement;
import reactor.core.Exceptions;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/** {@code Sink.forEach}: a consumer per item, in order; inline in the terminal subscriber unless it dead-letters. */
public record ForEachSink(SinkOptions options, Consumer<Object> consumer) implements SinkDef {

    private static final Set<Option> ACCEPTS = EnumSet.of(Option.ON_ERROR);

    @Override
    public ForEachSink withOptions(SinkOptions options) {
        return new ForEachSink(options, consumer);
    }

    @Override
    public Set<Option> accepts() {
        return ACCEPTS;
    }

    @Override
    public Mono<Object> consume(Flux<Object> items, NodeRun node) {
        if (!options.policy().deadLetter()) {
            return inline(items, node);
        }
        return items.concatMap(item -> Mono.fromRunnable(() -> {
                    long t0 = node.ctx.ticker.nanos();
                    try {
                        consumer.accept(Tracked.value(item));
                    } finally {
                        node.copy.busy(node.ctx.ticker.nanos() - t0);
                    }
                })
                .doOnSuccess(v -> {
                    node.copy.emittedConcurrent(1);
                    Tracked.release(item, Settlement.STORED);
                })
                .onErrorResume(e -> node.reject(item, e, 1)))
                .then(Mono.empty());
    }

    /**
     * Counts and consumes each item in the terminal subscriber itself. Reactor's terminal
     * operators ({@code then()}, {@code count()}) hand every item to the discard hook, which looks
     * up the Context through the whole chain: per item, that costs more than the stages.
     */
    private Mono<Object> inline(Flux<Object> upstream, NodeRun node) {
        Cell cell = node.copy;
        RunContext ctx = node.ctx;
        boolean tracked = node.tracked;
        return Mono.create(result -> {
            BaseSubscriber<Object> terminal = new BaseSubscriber<>() {
                @Override
                public Context currentContext() {
                    return Context.of(result.contextView());
                }

                @Override
                protected void hookOnNext(Object item) {
                    Object value = tracked ? Tracked.value(item) : item;
                    try {
                        if (cell.sampleBusy()) {
                            long t0 = ctx.ticker.nanos();
                            consumer.accept(value);
                            cell.busy((ctx.ticker.nanos() - t0) * Cell.SAMPLE);
                        } else {
                            consumer.accept(value);
                        }
                    } catch (Throwable e) {
                        Exceptions.throwIfJvmFatal(e);
                        Throwable signal = ctx.rejectNow(node.name, node.policy, cell, item, e, 1);
                        if (signal != null) {
                            cancel();
                            result.error(signal);
                        }
                        return;
                    }
                    cell.emitted();
                    if (tracked) {
                        Tracked.release(item, Settlement.STORED);
                    }
                }

                @Override
                protected void hookOnError(Throwable e) {
                    result.error(e);
                }

                @Override
                protected void hookOnComplete() {
                    result.success();
                }
            };
            result.onCancel(terminal);
            upstream.subscribe(terminal);
        });
    }
}
