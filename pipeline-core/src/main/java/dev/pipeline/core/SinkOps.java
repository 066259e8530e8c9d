package dev.pipeline.core;

import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.pipeline.core.internal.Cell;
import reactor.core.Exceptions;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Turns a {@link Sink} into the Mono that consumes a run's items, with its accounting. */
final class SinkOps {

    private SinkOps() {
    }

    @SuppressWarnings("unchecked")
    /**
     * @param branches the items, in one branch or one per worker (merged here)
     * @param upstream the node the items come from; null for a dead-letter sink, which then
     *     counts what it receives itself
     */
    static Mono<Object> consume(Sink<?, ?> sink, List<Flux<Object>> branches, RunContext ctx, NodeMetrics upstream) {
        if (sink.policy.kind == ErrorPolicy.Kind.DEAD_LETTER) {
            ctx.channel(sink.policy);
        }
        NodeMetrics node = ctx.node(sink.name, "sink", true, upstream);
        node.outputsAreEmitted(true);
        Cell cell = node.newCell();
        Flux<Object> merged = branches.size() == 1 ? branches.get(0) : Flux.merge(branches);
        if (upstream == null) {
            node.ownReceipt();
        }
        Flux<Object> items = upstream == null ? StageOps.counted(merged, cell) : merged;
        if (sink.kind == Sink.Kind.FOR_EACH && sink.policy.kind != ErrorPolicy.Kind.DEAD_LETTER) {
            return inlineForEach(sink, (Consumer<Object>) sink.fn, items, ctx, cell);
        }
        Mono<Object> result;
        switch (sink.kind) {
            case FOR_EACH:
                result = forEach(sink, (Consumer<Object>) sink.fn, items, ctx, cell);
                break;
            case FOR_EACH_ASYNC:
                result = forEachAsync(sink, (Function<Object, Mono<?>>) sink.fn, items, ctx, cell,
                        ctx.guard(sink.breaker, sink.name));
                break;
            case COLLECT:
                result = items.handle((item, out) -> {
                    cell.emitted();
                    out.next(item);
                }).collectList().map(l -> (Object) l);
                break;
            case CONTEXT:
                StageContext sctx = ctx.contextFor(sink.name, sink.policy, cell, sink.breaker);
                result = Mono.defer(() -> Objects.requireNonNull(
                        ((BiFunction<Flux<Object>, StageContext, Mono<Object>>) sink.fn).apply(items, sctx),
                        "sink '" + sink.name + "' returned a null Mono"));
                break;
            default:
                result = Mono.defer(() -> Objects.requireNonNull(
                                ((Function<Flux<Object>, Mono<Object>>) sink.fn).apply(items),
                                "sink '" + sink.name + "' returned a null Mono"))
                        // consumed as a whole: every item received counts once the consumer completes
                        .doOnSuccess(v -> cell.emittedConcurrent(received(node) - node.emittedTotal()));
        }
        return result.onErrorMap(e -> e instanceof PipelineException ? e
                : new PipelineException(sink.name, "the sink failed: " + e, e));
    }

    /**
     * Counts and consumes each item in the terminal subscriber itself. Reactor's terminal
     * operators ({@code then()}, {@code count()}) hand every item to the discard hook, which looks
     * up the Context through the whole chain: per item, that costs more than the stages.
     */
    private static Mono<Object> inlineForEach(Sink<?, ?> sink, Consumer<Object> consumer, Flux<Object> upstream,
            RunContext ctx, Cell cell) {
        return Mono.create(result -> {
            BaseSubscriber<Object> terminal = new BaseSubscriber<>() {
                @Override
                public reactor.util.context.Context currentContext() {
                    return reactor.util.context.Context.of(result.contextView());
                }

                @Override
                protected void hookOnNext(Object item) {
                    try {
                        if (cell.sampleBusy()) {
                            long t0 = ctx.ticker.nanos();
                            consumer.accept(item);
                            cell.busy((ctx.ticker.nanos() - t0) * Cell.SAMPLE);
                        } else {
                            consumer.accept(item);
                        }
                    } catch (Throwable e) {
                        Exceptions.throwIfJvmFatal(e);
                        Throwable signal = ctx.rejectNow(sink.name, sink.policy, cell, item, e, 1);
                        if (signal != null) {
                            cancel();
                            result.error(signal);
                        }
                        return;
                    }
                    cell.emitted();
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

    /** What the node has received so far (its upstream's outputs, or its own count). */
    private static long received(NodeMetrics node) {
        return node.upstream != null ? node.upstream.outputsTotal() : node.receivedTotal();
    }

    private static Mono<Object> forEach(Sink<?, ?> sink, Consumer<Object> consumer, Flux<Object> items, RunContext ctx,
            Cell cell) {
        return items.concatMap(item -> Mono.fromRunnable(() -> {
                            long t0 = ctx.ticker.nanos();
                            try {
                                consumer.accept(item);
                            } finally {
                                cell.busy(ctx.ticker.nanos() - t0);
                            }
                        })
                        .doOnSuccess(v -> cell.emittedConcurrent(1))
                        .onErrorResume(e -> ctx.reject(sink.name, sink.policy, cell, item, e, 1)))
                .then(Mono.empty());
    }

    private static Mono<Object> forEachAsync(Sink<?, ?> sink, Function<Object, Mono<?>> action, Flux<Object> items,
            RunContext ctx, Cell cell, RunBreakers.Guard guard) {
        Function<Object, Mono<Object>> one = item -> {
            Mono<Object> call = new TimedMono<>(Mono.defer(() -> Objects.requireNonNull(action.apply(item),
                    "the action of sink '" + sink.name + "' returned a null Mono")), cell, ctx.ticker);
            return (guard == null ? call : guard.call(call))
                .then(Mono.fromRunnable(() -> cell.emittedConcurrent(1)))
                .onErrorResume(e -> ctx.reject(sink.name, sink.policy, cell, item, e, 1))
                .then(Mono.empty());
        };
        Flux<Object> done = sink.concurrency == 1 ? items.concatMap(one) : items.flatMap(one, sink.concurrency);
        return done.then(Mono.empty());
    }
}
