package dev.pipeline.core;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A source that can produce as fast as it is asked, a slower consumer: the source is never
 * further ahead of the sink than the pipeline's bounded buffers and prefetches allow.
 */
class BackpressureTest {

    @Test
    void theSourceNeverRunsAheadOfTheSinkByMoreThanTheBuffers() {
        int items = 200_000;
        AtomicLong produced = new AtomicLong();
        AtomicLong consumed = new AtomicLong();
        AtomicLong maxLead = new AtomicLong();
        Flux<Long> counting = Flux.generate(sink -> sink.next(produced.incrementAndGet()));
        PipelineReport<Void> r = Pipeline.from(Source.of("fast", counting.take(items)))
                .then(Stage.map("wrap", (Long n) -> n))
                .buffer("hand-off", 64)
                .workers(2)
                .then(Stage.mapAsync("hop", (Long n) -> Mono.just(n).publishOn(Schedulers.parallel())).concurrency(4))
                .to(Sink.forEach("slow", (Long n) -> {
                    long lead = produced.get() - consumed.incrementAndGet();
                    maxLead.accumulateAndGet(lead, Math::max);
                    busyWork(n);
                }))
                .run().block(Duration.ofSeconds(60));
        assertThat(r.stage("slow").emitted()).isEqualTo(items);
        // hand-off 64 + putAll's prefetch 64 + per worker: a batch of up to 4 and 4 in flight,
        // and the merge of the two workers' outputs (32 each): 64 + 64 + 2 * (4 + 4 + 32) = 208
        assertThat(maxLead.get()).as("items produced but not yet consumed, at most").isLessThanOrEqualTo(208);
        assertThat(r.stage("hand-off").maxQueueDepth()).isLessThanOrEqualTo(64);
    }

    private static void busyWork(long n) {
        long x = n;
        for (int i = 0; i < 200; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
        }
        if (x == 42) {
            throw new IllegalStateException("unreachable");
        }
    }
}
