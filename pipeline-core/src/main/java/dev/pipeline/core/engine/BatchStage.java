package dev.pipeline.core.engine;

import java.time.Duration;
import java.util.Set;

import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * {@code Stage.batch}: lists of at most {@code maxSize}, emitted when full or {@code maxWait}
 * after their first item, with fair backpressure (Reactor's {@code bufferTimeout(..., true)}).
 * Counted in items; the lists are its outputs.
 */
public record BatchStage(StageOptions options, int maxSize, Duration maxWait) implements StageDef {

    @Override
    public BatchStage withOptions(StageOptions options) {
        return new BatchStage(options, maxSize, maxWait);
    }

    @Override
    public String label() {
        return "batch";
    }

    @Override
    public Set<Option> accepts() {
        return Set.of();
    }

    @Override
    public boolean oneToOne() {
        return false;
    }

    @Override
    public Flux<Object> apply(Flux<Object> in, NodeRun node) {
        return in
                .bufferTimeout(maxSize, maxWait, Schedulers.parallel(), true)
                .map(list -> {
                    node.copy.emitted(list.size());
                    node.copy.output();
                    return (Object) list;
                });
    }
}
