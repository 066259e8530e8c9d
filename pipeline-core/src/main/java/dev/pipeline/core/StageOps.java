package dev.pipeline.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

import dev.pipeline.core.aio.AsyncSemaphore;
import dev.pipeline.core.aio.Tasks;
import dev.pipeline.core.internal.Cell;
import org.reactivestreams.Publisher;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Turns a {@link Stage} into Reactor operators for one copy of it in one run, with its
 * accounting and error policy. Inline stages are a single fused {@code handle}; per-item stages
 * run each item in a Mono with timeout, retry and the policy around it.
 */
final class StageOps {

    private StageOps() {
    }

    /**
     * Applies a stage that is not inline (see {@link #inlineGroup} for those).
     *
     * @param upstream the node the stage's items come from
     */
    static Flux<Object> apply(Stage<?, ?> stage, Flux<Object> in, RunContext ctx, NodeMetrics upstream) {
        if (stage.policy.kind == ErrorPolicy.Kind.DEAD_LETTER) {
            ctx.channel(stage.policy); // the dead-letter sink starts with the run
        }
        NodeMetrics node = ctx.node(stage.name, stage.kind.label, stage.kind != Stage.Kind.CUSTOM, upstream);
        boolean oneToOne = stage.kind != Stage.Kind.FLAT_MAP && stage.kind != Stage.Kind.BATCH;
        node.outputsAreEmitted(oneToOne);
        Cell cell = node.newCell();
        Flux<Object> out;
        switch (stage.kind) {
            case MAP:
                out = perItem(stage, in, ctx, cell, mapAttempt(stage, cell, ctx));
                break;
            case FILTER:
                out = perItem(stage, in, ctx, cell, filterAttempt(stage, cell, ctx));
                break;
            case MAP_ASYNC:
                out = perItem(stage, in, ctx, cell, asyncAttempt(stage, cell, ctx));
                break;
            case BLOCKING:
                out = perItem(stage, in, ctx, cell, blockingAttempt(stage, cell, ctx));
                break;
            case PARTITIONED:
                out = partitioned(stage, in, ctx, cell);
                break;
            case FLAT_MAP:
                out = flatMap(stage, in, ctx, cell);
                break;
            case BATCH:
                out = batch(stage, in, cell);
                break;
            case THROTTLE:
                out = throttle(stage, in, ctx, cell);
                break;
            default:
                out = custom(stage, in, cell);
        }
        return out.name(stage.name).tag("pipeline", ctx.pipeline);
    }

    // ------------------------------------------------------------------ inline (fused, no allocation per item)

    /**
     * Consecutive inline stages, four at a time, as {@link InlineOperator}s: each item runs
     * through every stage in turn with each stage's own accounting and error policy.
     *
     * @param sourceName the source's name if the group follows it (then its cell counts the
     *     source's items and its errors are attributed to it), else null
     */
    static Flux<Object> inlineGroup(List<Stage<?, ?>> stages, Flux<Object> in, RunContext ctx, String sourceName,
            Cell sourceCell, NodeMetrics upstream) {
        NodeMetrics previous = upstream;
        Flux<Object> out = in;
        StringBuilder names = new StringBuilder();
        int from = 0;
        do {
            List<Stage<?, ?>> chunk = stages.subList(from, Math.min(stages.size(), from + 4));
            InlineOperator.Step[] steps = new InlineOperator.Step[chunk.size()];
            for (int i = 0; i < steps.length; i++) {
                Stage<?, ?> stage = chunk.get(i);
                NodeMetrics node = ctx.node(stage.name, stage.kind.label, true, previous);
                node.outputsAreEmitted(true);
                previous = node;
                steps[i] = InlineOperator.Step.of(stage, node.newCell(), ctx);
                names.append(names.length() == 0 ? "" : "+").append(stage.name);
            }
            out = new InlineOperator(out, from == 0 ? sourceName : null, from == 0 ? sourceCell : null, steps);
            from += 4;
        } while (from < stages.size());
        return names.length() == 0 ? out : out.name(names.toString()).tag("pipeline", ctx.pipeline);
    }

    // ------------------------------------------------------------------ per item: one Mono per attempt

    // Each attempt times the stage's own work into the cell's busy time: the function's call for
    // map, filter and blocking (not the hop to a worker thread), the Mono from subscription to its
    // signal for mapAsync (not the wait for downstream demand, see TimedMono).

    private static Function<Object, Mono<Object>> mapAttempt(Stage<?, ?> stage, Cell cell, RunContext ctx) {
        String message = "the function of map stage '" + stage.name + "' returned null";
        return item -> Mono.fromCallable(() -> Objects.requireNonNull(timedCall(stage.fn, item, cell, ctx), message));
    }

    private static Function<Object, Mono<Object>> filterAttempt(Stage<?, ?> stage, Cell cell, RunContext ctx) {
        return item -> Mono.fromCallable(() -> {
            long t0 = ctx.ticker.nanos();
            try {
                return stage.test.test(item) ? item : null;
            } finally {
                cell.busy(ctx.ticker.nanos() - t0);
            }
        });
    }

    @SuppressWarnings("unchecked")
    private static Function<Object, Mono<Object>> asyncAttempt(Stage<?, ?> stage, Cell cell, RunContext ctx) {
        String message = "the function of stage '" + stage.name + "' returned a null Mono";
        return item -> new TimedMono<>(Mono.defer(() -> (Mono<Object>) Objects.requireNonNull(stage.fn.apply(item), message)),
                cell, ctx.ticker);
    }

    private static Function<Object, Mono<Object>> blockingAttempt(Stage<?, ?> stage, Cell cell, RunContext ctx) {
        String message = "the function of blocking stage '" + stage.name + "' returned null";
        return item -> Mono.fromCallable(() -> Objects.requireNonNull(timedCall(stage.fn, item, cell, ctx), message))
                .subscribeOn(Schedulers.boundedElastic());
    }

    private static Object timedCall(Function<Object, Object> fn, Object item, Cell cell, RunContext ctx) {
        long t0 = ctx.ticker.nanos();
        try {
            return fn.apply(item);
        } finally {
            cell.busy(ctx.ticker.nanos() - t0);
        }
    }

    /**
     * One item's work with timeout, circuit breaker, retry, accounting and the error policy
     * around it. The breaker sees every attempt (a timeout is a failure); a call it refuses is
     * not retried.
     *
     * @param guard the stage's circuit breaker in this run, or null
     */
    private static Mono<Object> guarded(Stage<?, ?> stage, RunContext ctx, Cell cell,
            Function<Object, Mono<Object>> attempt, RunBreakers.Guard guard, Object item) {
        int[] attempts = {0};
        Mono<Object> call = Mono.defer(() -> attempt.apply(item));
        Duration timeout = stage.timeout;
        if (timeout != null) {
            call = call.timeout(Tasks.sleep(timeout), Mono.error(() -> new ItemTimeoutException(stage.name, timeout)));
        }
        if (guard != null) {
            call = guard.call(call);
        }
        Mono<Object> one = call;
        // an attempt the breaker refused counts: the item was tried and failed fast
        Mono<Object> m = Mono.defer(() -> {
            attempts[0]++;
            return one;
        });
        if (stage.retry != null) {
            // retryWhen's machinery (a sink, a publish, a companion) is built only once an item
            // has failed: the first failure is replayed into it, so its RetrySignals, backoff and
            // exhaustion are exactly those of m.retryWhen(retry), and a success costs one operator
            Mono<Object> once = m;
            reactor.util.retry.Retry retry = stage.breaker != null ? RunBreakers.notWhenOpen(stage.retry) : stage.retry;
            m = once.onErrorResume(first -> {
                boolean[] replayed = {false};
                return Mono.defer(() -> {
                    if (!replayed[0]) {
                        replayed[0] = true;
                        return Mono.<Object>error(first);
                    }
                    return once;
                }).retryWhen(retry);
            });
        }
        return m
                .doOnSuccess(v -> {
                    cell.retried(attempts[0] - 1L);
                    if (v == null) {
                        cell.filteredConcurrent();
                    }
                    // a value counts as emitted when it leaves the stage (see leaving()), not here:
                    // it may still wait in flatMapSequential's reorder buffer
                })
                .onErrorResume(e -> {
                    cell.retried(attempts[0] - 1L);
                    return ctx.reject(stage.name, stage.policy, cell, item, e, Math.max(1, attempts[0])).then(Mono.empty());
                });
    }

    private static Flux<Object> perItem(Stage<?, ?> stage, Flux<Object> in, RunContext ctx, Cell cell,
            Function<Object, Mono<Object>> attempt) {
        // what the stage received is what its upstream passed on (see NodeMetrics): items waiting
        // in the prefetch queue of concatMap/flatMap are this stage's, in flight
        RunBreakers.Guard guard = ctx.guard(stage.breaker, stage.name);
        Function<Object, Mono<Object>> mapper = item -> guarded(stage, ctx, cell, attempt, guard, item);
        Flux<Object> out;
        if (stage.concurrency == 1) {
            out = in.concatMap(mapper);
        } else {
            out = stage.ordered ? in.flatMapSequential(mapper, stage.concurrency, 1)
                    : in.flatMap(mapper, stage.concurrency, 1);
        }
        return leaving(out, cell);
    }

    /** Counts items as they leave an asynchronous stage (single writer: the stage's output path). */
    private static Flux<Object> leaving(Flux<Object> out, Cell cell) {
        return out.handle((item, sink) -> {
            cell.emitted();
            sink.next(item);
        });
    }

    private static Flux<Object> partitioned(Stage<?, ?> stage, Flux<Object> in, RunContext ctx, Cell cell) {
        int lanes = stage.concurrency;
        Function<Object, Mono<Object>> attempt = asyncAttempt(stage, cell, ctx);
        RunBreakers.Guard guard = ctx.guard(stage.breaker, stage.name);
        Function<Object, Object> key = stage.key;
        // the lane is computed first, so that a failing key function fails the run naming the
        // stage and the item (groupBy would report it twice)
        return leaving(in.<Object[]>handle((item, sink) -> {
                    Object k;
                    try {
                        k = key.apply(item);
                    } catch (Throwable e) {
                        Exceptions.throwIfJvmFatal(e);
                        cell.failed();
                        sink.error(new PipelineException(stage.name, item, 1,
                                new IllegalStateException("the key function failed: " + e, e)));
                        return;
                    }
                    sink.next(new Object[] {item, Math.floorMod(Objects.hashCode(k), lanes)});
                })
                .groupBy(keyed -> (Integer) keyed[1], keyed -> keyed[0])
                .flatMap(lane -> lane.concatMap(item -> guarded(stage, ctx, cell, attempt, guard, item)), lanes), cell);
    }

    @SuppressWarnings("unchecked")
    private static Flux<Object> flatMap(Stage<?, ?> stage, Flux<Object> in, RunContext ctx, Cell cell) {
        Duration timeout = stage.timeout;
        Function<Object, Publisher<Object>> mapper = item -> {
            Flux<Object> results = Flux.defer(() -> Flux.from((Publisher<Object>) Objects.requireNonNull(
                    timedCall(stage.fn, item, cell, ctx), "the function of flatMap stage '" + stage.name + "' returned null")));
            if (timeout != null) {
                Mono<Object> timedOut = Mono.error(() -> new ItemTimeoutException(stage.name, timeout));
                results = results.timeout(Tasks.sleep(timeout), v -> Tasks.sleep(timeout), timedOut);
            }
            return results
                    .doOnComplete(() -> cell.emittedConcurrent(1))
                    .onErrorResume(e -> ctx.reject(stage.name, stage.policy, cell, item, e, 1).thenMany(Flux.empty()));
        };
        Flux<Object> out;
        if (stage.concurrency == 1) {
            out = in.concatMap(mapper);
        } else {
            out = stage.ordered ? in.flatMapSequential(mapper, stage.concurrency)
                    : in.flatMap(mapper, stage.concurrency);
        }
        // results count as they leave the stage
        return out.handle((item, sink) -> {
            cell.output();
            sink.next(item);
        });
    }

    /**
     * Counts items received, for a node that counts its own receipts (a dead-letter sink); a
     * {@code handle} costs far less per item than {@code doOnNext}.
     */
    static Flux<Object> counted(Flux<Object> in, Cell cell) {
        return in.handle((item, sink) -> {
            cell.received();
            sink.next(item);
        });
    }

    // ------------------------------------------------------------------ batch, throttle, custom

    private static Flux<Object> batch(Stage<?, ?> stage, Flux<Object> in, Cell cell) {
        return in
                .bufferTimeout(stage.size, stage.window, Schedulers.parallel(), true)
                .map(list -> {
                    cell.emitted(list.size());
                    cell.output();
                    return (Object) list;
                });
    }

    private static Flux<Object> throttle(Stage<?, ?> stage, Flux<Object> in, RunContext ctx, Cell cell) {
        // a sliding window: each item takes a permit that comes back `per` later; shared by workers
        AsyncSemaphore permits = ctx.limiter(stage.name, stage.size);
        Duration per = stage.window;
        return in.concatMap(item -> {
            return permits.acquire().then(Mono.fromCallable(() -> {
                Tasks.sleep(per).subscribe(null, null, permits::release);
                cell.emitted();
                return item;
            }));
        });
    }

    @SuppressWarnings("unchecked")
    private static Flux<Object> custom(Stage<?, ?> stage, Flux<Object> in, Cell cell) {
        Publisher<Object> out;
        try {
            out = (Publisher<Object>) Objects.requireNonNull(stage.fn.apply(in), "the function returned null");
        } catch (RuntimeException e) {
            throw new PipelineException(stage.name, "the operator chain could not be built: " + e, e);
        }
        return Flux.from(out)
                .<Object>handle((v, sink) -> {
                    cell.emitted();
                    sink.next(v);
                })
                .onErrorMap(e -> e instanceof PipelineException ? e
                        : new PipelineException(stage.name, "the operator chain failed: " + e, e));
    }
}
