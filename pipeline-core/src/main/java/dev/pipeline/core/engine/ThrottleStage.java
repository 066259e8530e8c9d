package dev.pipeline.core.engine;

import java.time.Duration;
import java.util.Set;

import dev.pipeline.core.aio.AsyncSemaphore;
import dev.pipeline.core.aio.Tasks;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code Stage.throttle}: at most {@code permits} items in any window of {@code per}, as a
 * sliding window: each item takes a permit that comes back {@code per} later. The permits are
 * shared by the stage's workers in one run.
 */
public record ThrottleStage(StageOptions options, int permits, Duration per) implements StageDef {

    @Override
    public ThrottleStage withOptions(StageOptions options) {
        return new ThrottleStage(options, permits, per);
    }

    @Override
    public String label() {
        return "throttle";
    }

    @Override
    public Set<Option> accepts() {
        return Set.of();
    }

    @Override
    public Flux<Object> apply(Flux<Object> in, NodeRun node) {
        AsyncSemaphore limiter = node.ctx.limiter(name(), permits);
        return in.concatMap(item -> limiter.acquire().then(Mono.fromCallable(() -> {
            Tasks.sleep(per).subscribe(null, null, limiter::release);
            node.copy.emitted();
            return item;
        })));
    }
}
