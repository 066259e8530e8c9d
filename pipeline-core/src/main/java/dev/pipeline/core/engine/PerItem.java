package dev.pipeline.core.engine;

import java.time.Duration;
import java.util.function.Function;

import dev.pipeline.core.ItemTimeoutException;
import dev.pipeline.core.aio.Tasks;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Stages that run each item in a Mono: one attempt per subscription, with timeout, circuit
 * breaker, retry, accounting and the error policy around it; {@code concurrency} items at once,
 * in input order or as they complete.
 */
final class PerItem {

    private PerItem() {
    }

    /** The stage's items through {@code attempt}, each guarded; counted as they leave. */
    static Flux<Object> run(StageDef stage, Flux<Object> in, NodeRun node, Function<Object, Mono<Object>> attempt) {
        // what the stage received is what its upstream passed on (see NodeAccount): items waiting
        // in the prefetch queue of concatMap/flatMap are this stage's, in flight
        Function<Object, Mono<Object>> mapper = item -> guarded(stage, node, attempt, item);
        StageOptions o = stage.options();
        Flux<Object> out;
        if (o.concurrency() == 1) {
            out = in.concatMap(mapper);
        } else {
            out = o.ordered() ? in.flatMapSequential(mapper, o.concurrency(), 1) : in.flatMap(mapper, o.concurrency(), 1);
        }
        return leaving(out, node);
    }

    /** Counts items as they leave the stage (single writer: the stage's output path). */
    static Flux<Object> leaving(Flux<Object> out, NodeRun node) {
        return out.handle((item, sink) -> {
            node.copy.emitted();
            sink.next(item);
        });
    }

    /**
     * One item's work with timeout, circuit breaker, retry, accounting and the error policy
     * around it. The breaker sees every attempt (a timeout is a failure); an attempt it refuses
     * counts as an attempt and is not retried.
     */
    static Mono<Object> guarded(StageDef stage, NodeRun node, Function<Object, Mono<Object>> attempt, Object item) {
        StageOptions o = stage.options();
        int[] attempts = {0};
        Tracked tracked = item instanceof Tracked t ? t : null;
        Object value = tracked == null ? item : tracked.value;
        Mono<Object> call = Mono.defer(() -> attempt.apply(value));
        Duration timeout = o.timeout();
        if (timeout != null) {
            call = call.timeout(Tasks.sleep(timeout), Mono.error(() -> new ItemTimeoutException(stage.name(), timeout)));
        }
        if (node.guard != null) {
            call = node.guard.call(call);
        }
        Mono<Object> one = call;
        Mono<Object> m = Mono.defer(() -> {
            attempts[0]++;
            return one;
        });
        if (o.retry() != null) {
            // retryWhen's machinery (a sink, a publish, a companion) is built only once an item
            // has failed: the first failure is replayed into it, so its RetrySignals, backoff and
            // exhaustion are exactly those of m.retryWhen(retry), and a success costs one operator
            Mono<Object> once = m;
            Retry retry = node.guard != null ? RunBreakers.notWhenOpen(o.retry()) : o.retry();
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
        m = m
                .doOnSuccess(v -> {
                    node.copy.retried(attempts[0] - 1L);
                    if (v == null) {
                        node.copy.filteredConcurrent();
                        if (tracked != null) {
                            tracked.ticket.release(dev.pipeline.core.Settlement.FILTERED);
                        }
                    }
                    // a value counts as emitted when it leaves the stage (see leaving()), not here:
                    // it may still wait in flatMapSequential's reorder buffer
                })
                .onErrorResume(e -> {
                    node.copy.retried(attempts[0] - 1L);
                    // a tracked item goes to the policy with its share (settled if skipped or dead-lettered)
                    return node.reject(item, e, Math.max(1, attempts[0])).then(Mono.empty());
                });
        // the result carries the item's share on
        return tracked == null ? m : m.map(tracked::with);
    }
}
