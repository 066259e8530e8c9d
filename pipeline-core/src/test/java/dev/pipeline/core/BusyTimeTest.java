package dev.pipeline.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.util.retry.Retry;

/**
 * A node's busy time is the time spent in its own calls, summed over attempts, measured in
 * virtual time with stages of known cost: never the wait for a slower node downstream, never
 * a retry's backoff.
 */
class BusyTimeTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static <R> PipelineReport<R> runVirtually(Pipeline<R> pipeline, Duration enough) {
        List<PipelineReport<R>> out = new ArrayList<>();
        StepVerifier.withVirtualTime(pipeline::run)
                .thenAwait(enough)
                .consumeNextWith(out::add)
                .expectComplete()
                .verify(WAIT);
        return out.get(0);
    }

    private static Mono<Integer> after(Duration cost, int value) {
        return Mono.delay(cost).thenReturn(value);
    }

    @Nested
    class Stages {

        @Test
        void aFastStageBeforeASlowOneCountsOnlyItsOwnTime() {
            PipelineReport<Void> report = runVirtually(Pipeline.from(Source.fromIterable("n", List.of(1, 2, 3, 4, 5)))
                    .then(Stage.mapAsync("fast", (Integer n) -> after(Duration.ofMillis(100), n)))
                    .then(Stage.mapAsync("slow", (Integer n) -> after(Duration.ofSeconds(1), n)))
                    .to(Sink.forEach("out", n -> { })), Duration.ofMinutes(1));

            assertThat(report.stage("fast").busy()).isEqualTo(Duration.ofMillis(500));
            assertThat(report.stage("slow").busy()).isEqualTo(Duration.ofSeconds(5));
        }

        @Test
        void concurrentCallsAddUp() {
            PipelineReport<Void> report = runVirtually(Pipeline.from(Source.fromIterable("n", List.of(1, 2, 3, 4)))
                    .then(Stage.mapAsync("io", (Integer n) -> after(Duration.ofSeconds(1), n)).concurrency(4))
                    .to(Sink.forEach("out", n -> { })), Duration.ofMinutes(1));

            assertThat(report.duration()).isEqualTo(Duration.ofSeconds(1));
            assertThat(report.stage("io").busy()).isEqualTo(Duration.ofSeconds(4));
        }

        @Test
        void retriesAddTheirAttemptsButNotTheirBackoff() {
            AtomicInteger calls = new AtomicInteger();
            PipelineReport<Void> report = runVirtually(Pipeline.from(Source.fromIterable("n", List.of(1)))
                    .then(Stage.mapAsync("flaky", (Integer n) -> Mono.delay(Duration.ofMillis(10))
                                    .then(calls.incrementAndGet() < 3 ? Mono.error(new IllegalStateException("again"))
                                            : Mono.just(n)))
                            .retry(Retry.fixedDelay(5, Duration.ofSeconds(1))))
                    .to(Sink.forEach("out", n -> { })), Duration.ofMinutes(1));

            assertThat(report.stage("flaky").retried()).isEqualTo(2);
            assertThat(report.duration()).isEqualTo(Duration.ofMillis(2030));
            assertThat(report.stage("flaky").busy()).isEqualTo(Duration.ofMillis(30));
        }

        @Test
        void aStageWaitingForItsSourceIsNotBusy() {
            PipelineReport<Void> report = runVirtually(Pipeline
                    // deferred: the interval must take the virtual scheduler of the run, not the one at assembly
                    .from(Source.of("ticks", Flux.defer(() -> Flux.interval(Duration.ofSeconds(1)).take(3).map(Long::intValue))))
                    .then(Stage.mapAsync("work", (Integer n) -> after(Duration.ofMillis(10), n)))
                    .to(Sink.forEach("out", n -> { })), Duration.ofMinutes(1));

            assertThat(report.stage("work").busy()).isEqualTo(Duration.ofMillis(30));
        }
    }

    @Nested
    class Sinks {

        @Test
        void anAsyncSinkCountsTheTimeOfItsActions() {
            PipelineReport<Void> report = runVirtually(Pipeline.from(Source.fromIterable("n", List.of(1, 2, 3)))
                    .to(Sink.forEachAsync("store", (Integer n) -> Mono.delay(Duration.ofMillis(200)))),
                    Duration.ofMinutes(1));

            assertThat(report.stage("store").busy()).isEqualTo(Duration.ofMillis(600));
        }

        @Test
        void aSinkThatAccountsForItselfCountsTheCallsItGuards() {
            Sink<Integer, Long> batches = Sink.create("batches", (Flux<Integer> items, StageContext ctx) -> items
                    .buffer(2)
                    .concatMap(batch -> ctx.guard(Mono.delay(Duration.ofMillis(300)))
                            .doOnSuccess(v -> ctx.completed(batch.size())))
                    .count());
            PipelineReport<Long> report = runVirtually(Pipeline.from(Source.fromIterable("n", List.of(1, 2, 3, 4, 5)))
                    .to(batches), Duration.ofMinutes(1));

            assertThat(report.result()).contains(3L);
            assertThat(report.stage("batches").emitted()).isEqualTo(5);
            assertThat(report.stage("batches").busy()).isEqualTo(Duration.ofMillis(900));
        }

        @Test
        void aSlowSinkIsTheBusiestNode() {
            PipelineReport<Void> report = runVirtually(Pipeline.from(Source.fromIterable("n", List.of(1, 2, 3, 4)))
                    .then(Stage.mapAsync("fetch", (Integer n) -> after(Duration.ofMillis(50), n)).concurrency(4))
                    .then(Stage.map("validate", (Integer n) -> n))
                    .to(Sink.forEachAsync("store", (Integer n) -> Mono.delay(Duration.ofSeconds(1)))),
                    Duration.ofMinutes(1));

            assertThat(report.stage("store").busy()).isEqualTo(Duration.ofSeconds(4));
            assertThat(report.stage("fetch").busy()).isEqualTo(Duration.ofMillis(200));
            assertThat(report.stages()).allSatisfy(s -> {
                if (!s.name().equals("store")) {
                    assertThat(s.busy()).isLessThan(report.stage("store").busy());
                }
            });
        }
    }
}
