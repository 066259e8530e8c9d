package dev.pipeline.core.engine;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

import dev.pipeline.core.PipelineException;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code Stage.mapAsyncPartitioned}: items with the same key one at a time and in order,
 * different keys in parallel, spread over {@code concurrency} lanes by hash.
 */
public record PartitionedStage(StageOptions options, Function<Object, ?> key, Function<Object, ? extends Mono<?>> fn)
        implements StageDef {

    private static final Set<Option> ACCEPTS = EnumSet.of(Option.CONCURRENCY, Option.TIMEOUT, Option.RETRY,
            Option.ON_ERROR, Option.CIRCUIT_BREAKER, Option.WITH_INPUT);

    @Override
    public PartitionedStage withOptions(StageOptions options) {
        return new PartitionedStage(options, key, fn);
    }

    @Override
    public String label() {
        return "partitioned";
    }

    @Override
    public Set<Option> accepts() {
        return ACCEPTS;
    }

    @Override
    public Flux<Object> apply(Flux<Object> in, NodeRun node) {
        int lanes = options.concurrency();
        Function<Object, Mono<Object>> attempt = AsyncStage.attempt(fn, name(), node);
        // the lane is computed first, so that a failing key function fails the run naming the
        // stage and the item (groupBy would report it twice)
        return PerItem.leaving(in.<Object[]>handle((item, sink) -> {
                    Object k;
                    try {
                        k = key.apply(node.tracked ? Tracked.value(item) : item);
                    } catch (Throwable e) {
                        Exceptions.throwIfJvmFatal(e);
                        node.copy.failed();
                        sink.error(new PipelineException(name(), item, 1,
                                new IllegalStateException("the key function failed: " + e, e)));
                        return;
                    }
                    sink.next(new Object[] {item, Math.floorMod(Objects.hashCode(k), lanes)});
                })
                .groupBy(keyed -> (Integer) keyed[1], keyed -> keyed[0])
                .flatMap(lane -> lane.concatMap(item -> PerItem.guarded(this, node, attempt, item)), lanes), node);
    }

    @Override
    public PartitionedStage withInput(BiFunction<Object, Object, Object> combine) {
        return new PartitionedStage(options, key, AsyncStage.pairing(fn, combine));
    }
}
