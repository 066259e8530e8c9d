package dev.pipeline.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.pipeline.core.aio.AsyncQueue;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SourceAndSinkTest {

    @Test
    void aFluxOfASourceEndsItsRunWhenTheItemsEndOrAreCancelled() {
        List<Mono<Void>> ends = new ArrayList<>();
        Source<Integer> finite = Source.create("finite", ctx -> {
            ends.add(ctx.whenRunEnds());
            return Flux.just(1, 2);
        });
        StepVerifier.create(finite.flux()).expectNext(1, 2).verifyComplete();
        StepVerifier.create(ends.get(0)).expectComplete().verify(Duration.ofSeconds(5));

        Source<Integer> endless = Source.create("endless", ctx -> {
            ends.add(ctx.whenRunEnds());
            return Flux.<Integer>never();
        });
        StepVerifier.create(endless.flux()).expectSubscription().thenCancel().verify(Duration.ofSeconds(5));
        StepVerifier.create(ends.get(1)).expectComplete().verify(Duration.ofSeconds(5));
        // a second subscription is a run of its own, its end not yet reached
        StepVerifier.create(endless.flux()).expectSubscription().thenCancel().verify(Duration.ofSeconds(5));
        assertThat(ends).hasSize(3);
    }

    @Test
    void generateProducesOnDemandAndStartsFreshEachRun() {
        AtomicInteger calls = new AtomicInteger();
        Source<Integer> counter = Source.generate("counter", () -> 0, (Integer n, reactor.core.publisher.SynchronousSink<Integer> sink) -> {
            calls.incrementAndGet();
            if (n == 3) {
                sink.complete();
            } else {
                sink.next(n);
            }
            return n + 1;
        });
        StepVerifier.create(counter.flux(), 2).expectNext(0, 1).thenCancel().verify();
        assertThat(calls).as("one call per requested item").hasValue(2);
        Pipeline<List<Integer>> p = Pipeline.from(counter).to(Sink.collect("out"));
        assertThat(p.run().block(Duration.ofSeconds(5)).result()).contains(List.of(0, 1, 2));
        assertThat(p.run().block(Duration.ofSeconds(5)).result()).as("a fresh state per run").contains(List.of(0, 1, 2));
    }

    @Test
    void statelessGenerateAndIterable() {
        AtomicInteger next = new AtomicInteger();
        StepVerifier.create(Source.<Integer>generate("g", sink -> sink.next(next.getAndIncrement())).flux().take(3))
                .expectNext(0, 1, 2).verifyComplete();
        StepVerifier.create(Source.fromIterable("it", List.of("x", "y")).flux()).expectNext("x", "y").verifyComplete();
    }

    @Test
    void toQueueHandsItemsToAnotherConsumerAndWaitsWhenItIsFull() {
        AsyncQueue<Integer> queue = AsyncQueue.bounded(2);
        List<Integer> taken = new ArrayList<>();
        Mono<PipelineReport<Void>> run = Pipeline.from(Source.of("n", Flux.range(0, 10)))
                .to(Sink.toQueue("hand-over", queue)).run();
        StepVerifier.create(run)
                .expectSubscription()
                .then(() -> assertThat(queue.size()).as("full, the producer waits").isEqualTo(2))
                .then(() -> queue.asFlux().take(10).subscribe(taken::add))
                .assertNext(r -> assertThat(r.stage("hand-over").emitted()).isEqualTo(10))
                .verifyComplete();
        assertThat(taken).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(queue.isShutdown()).as("the sink does not shut the queue down").isFalse();
    }

    @Test
    void forEachAsyncRunsUpToItsConcurrency() {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        Sink<Integer, Void> sink = Sink.forEachAsync("store", (Integer n) -> Mono.fromRunnable(() ->
                        max.accumulateAndGet(inFlight.incrementAndGet(), Math::max))
                .then(Mono.delay(Duration.ofMillis(2)))
                .doOnTerminate(inFlight::decrementAndGet))
                .concurrency(3);
        PipelineReport<Void> r = Pipeline.from(Source.of("n", Flux.range(0, 30))).to(sink).run().block(Duration.ofSeconds(10));
        assertThat(r.stage("store").emitted()).isEqualTo(30);
        assertThat(max.get()).isBetween(2, 3);
        assertThatThrownBy(() -> Sink.forEach("f", (Integer n) -> { }).concurrency(2))
                .isInstanceOf(IllegalStateException.class).hasMessage("concurrency() applies to Sink.forEachAsync, not to sink 'f'");
    }

    @org.junit.jupiter.api.Test
    void everyNodeIsRenamedTheSameWayAndKeepsItsOptions() {
        Source<Integer> numbers = Source.fromIterable("n", java.util.List.of(1, 2, 3)).named("numbers");
        Stage<Integer, Integer> twice = Stage.mapAsync("m", (Integer n) -> reactor.core.publisher.Mono.just(n * 2))
                .concurrency(3).named("twice");
        Sink<Integer, java.util.List<Integer>> all = Sink.<Integer>collect("c").named("all");
        PipelineReport<java.util.List<Integer>> report = Pipeline.from(numbers).then(twice).to(all).run()
                .block(java.time.Duration.ofSeconds(10));
        assertThat(report.stages()).extracting(StageReport::name).containsExactly("numbers", "twice", "all");
        assertThat(report.result()).contains(java.util.List.of(2, 4, 6));
        assertThat(twice.toString()).contains("concurrency=3");
        assertThatThrownBy(() -> twice.named(" ")).isInstanceOf(IllegalArgumentException.class);
    }
}
