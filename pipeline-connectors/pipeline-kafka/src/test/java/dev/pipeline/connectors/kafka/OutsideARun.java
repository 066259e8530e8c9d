package dev.pipeline.connectors.kafka;

import dev.pipeline.core.StageContext;
import reactor.core.publisher.Mono;

/** The context of a delivery Flux driven by a test outside any run: rejects fail, the "run" has always ended. */
final class OutsideARun implements StageContext {

    static final OutsideARun CONTEXT = new OutsideARun();

    @Override
    public String name() {
        return "test";
    }

    @Override
    public Mono<Void> reject(Object item, Throwable error, int attempts) {
        return Mono.error(error);
    }

    @Override
    public void completed(long items) {
    }

    @Override
    public Mono<Void> whenRunEnds() {
        return Mono.empty();
    }
}
