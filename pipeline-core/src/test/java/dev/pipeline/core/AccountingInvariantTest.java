package dev.pipeline.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random pipelines (stages, failure rates, policies, concurrency, buffers and workers; one seed
 * per case, printed on failure): whatever happens, every stage's counts reconcile and every item
 * the source produced is accounted for exactly once: in the sink, dropped by a stage (filtered,
 * skipped, dead-lettered, failed) or cut off in flight.
 */
class AccountingInvariantTest {

    static List<Long> seeds() {
        List<Long> seeds = new ArrayList<>();
        for (long s = 1; s <= 60; s++) {
            seeds.add(s * 7919L);
        }
        return seeds;
    }

    /** Whether item n fails in the stage with this salt: deterministic, about {@code rate} of items. */
    private static boolean fails(int n, int salt, double rate) {
        int h = (n * 31 + salt) * 0x9E3779B1;
        return ((h >>> 8) & 0xFFFF) < rate * 0x10000;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void countsReconcileWhateverHappens(long seed) {
        Random rnd = new Random(seed);
        int size = rnd.nextInt(1500);
        List<DeadLetter<?>> letters = Collections.synchronizedList(new ArrayList<>());
        ErrorPolicy dlq = ErrorPolicy.deadLetter(Sink.forEach("dlq", letters::add), 1 + rnd.nextInt(16));
        Flux<Integer> items = Flux.range(0, size);
        if (rnd.nextBoolean()) {
            items = items.publishOn(Schedulers.parallel(), 1 + rnd.nextInt(64));
        }
        PipelineBuilder<Integer> b = Pipeline.from(Source.of("source", items));
        StringBuilder shape = new StringBuilder("source");
        int stages = 1 + rnd.nextInt(6);
        boolean failFast = false;
        for (int i = 0; i < stages; i++) {
            String name = "s" + i;
            int salt = rnd.nextInt();
            double rate = rnd.nextInt(4) == 0 ? 0.0 : rnd.nextDouble() * 0.2;
            int p = rnd.nextInt(10);
            ErrorPolicy policy = p < 4 ? ErrorPolicy.skip() : p < 8 ? dlq : ErrorPolicy.failFast();
            failFast |= policy == ErrorPolicy.failFast() && rate > 0;
            Stage<Integer, Integer> stage;
            switch (rnd.nextInt(5)) {
                case 0:
                    stage = Stage.map(name, (Integer n) -> {
                        if (fails(n, salt, rate)) {
                            throw new IllegalStateException("map " + n);
                        }
                        return n;
                    });
                    break;
                case 1:
                    stage = Stage.filter(name, (Integer n) -> {
                        if (fails(n, salt, rate)) {
                            throw new IllegalStateException("filter " + n);
                        }
                        return (n + salt) % 5 != 0;
                    });
                    break;
                case 2:
                    boolean async = rnd.nextBoolean();
                    stage = Stage.mapAsync(name, (Integer n) -> {
                        Mono<Integer> m = fails(n, salt, rate) ? Mono.error(new IllegalStateException("async " + n))
                                : (n + salt) % 7 == 0 ? Mono.empty() : Mono.just(n);
                        return async ? m.subscribeOn(Schedulers.parallel()) : m;
                    }).concurrency(1 + rnd.nextInt(8)).ordered(rnd.nextBoolean());
                    break;
                case 3:
                    stage = Stage.mapAsyncPartitioned(name, (Integer n) -> n % 3, (Integer n) ->
                            fails(n, salt, rate) ? Mono.error(new IllegalStateException("part " + n))
                                    : Mono.just(n).subscribeOn(Schedulers.parallel())).concurrency(1 + rnd.nextInt(4));
                    break;
                default:
                    stage = Stage.map(name, (Integer n) -> {
                        if (fails(n, salt, rate)) {
                            throw new IllegalStateException("retried map " + n);
                        }
                        return n;
                    }).retry(reactor.util.retry.Retry.max(1));
            }
            b = b.then(stage.onError(policy));
            shape.append(" -> ").append(stage);
            if (rnd.nextInt(4) == 0) {
                int workers = 1 + rnd.nextInt(3);
                b = b.buffer("b" + i, 1 + rnd.nextInt(32)).workers(workers);
                shape.append(" -> buffer x").append(workers);
            }
        }
        List<Integer> stored = Collections.synchronizedList(new ArrayList<>());
        AtomicLong sinkCalls = new AtomicLong();
        Sink<Integer, Void> sink = rnd.nextBoolean()
                ? Sink.forEach("sink", (Integer n) -> {
                    sinkCalls.incrementAndGet();
                    stored.add(n);
                })
                : Sink.forEachAsync("sink", (Integer n) -> Mono.fromRunnable(() -> {
                    sinkCalls.incrementAndGet();
                    stored.add(n);
                })).concurrency(1 + rnd.nextInt(4));
        RunningPipeline<Void> run = b.to(sink).start();
        PipelineReport<Void> r = run.await().onErrorResume(PipelineException.class,
                e -> Mono.just(cast(e.report().orElseThrow()))).block(Duration.ofSeconds(60));

        String context = "seed " + seed + ": " + shape + "\n" + r;
        assertThat(r.balances()).as(context).isTrue();
        long dropped = 0;
        long inFlight = 0;
        long deadLettered = 0;
        for (StageReport s : r.stages()) {
            if (s.name().equals("source") || s.name().equals("dlq")) {
                continue;
            }
            if (s.name().equals("sink")) {
                continue;
            }
            dropped += s.filtered() + s.skipped() + s.deadLettered() + s.failed();
            deadLettered += s.deadLettered();
            inFlight += s.inFlight();
        }
        StageReport source = r.stage("source");
        StageReport sinkReport = r.stage("sink");
        // every item the source produced is dropped by a stage, cut off in flight, or reached the sink
        assertThat(source.emitted()).as(context).isEqualTo(dropped + inFlight + sinkReport.received());
        assertThat((long) stored.size()).as(context).isEqualTo(sinkReport.emitted());
        assertThat(stored).as(context).doesNotHaveDuplicates();
        assertThat((long) letters.size()).as(context).isEqualTo(deadLettered);
        if (r.status() == PipelineStatus.COMPLETED) {
            assertThat(source.emitted()).as(context).isEqualTo(size);
            assertThat(r.cutOff()).as(context).isZero();
            assertThat(sinkReport.received()).as(context).isEqualTo(sinkReport.emitted());
        } else {
            assertThat(failFast).as(context + "\nonly a fail-fast stage can fail this run").isTrue();
            assertThat(r.status()).as(context).isEqualTo(PipelineStatus.FAILED);
        }
    }

    @SuppressWarnings("unchecked")
    private static PipelineReport<Void> cast(PipelineReport<?> r) {
        return (PipelineReport<Void>) r;
    }
}
