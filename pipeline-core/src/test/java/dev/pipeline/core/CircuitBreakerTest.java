package dev.pipeline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.util.retry.Retry;

/** Circuit breakers on stages and sinks, in virtual time: what is refused, what is retried, what the report says. */
class CircuitBreakerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static <R> PipelineReport<R> runVirtually(Pipeline<R> pipeline) {
        List<PipelineReport<R>> out = new ArrayList<>();
        StepVerifier.withVirtualTime(pipeline::run)
                .thenAwait(Duration.ofHours(1))
                .consumeNextWith(out::add)
                .expectComplete()
                .verify(WAIT);
        return out.get(0);
    }

    private static Duration now() {
        return Duration.ofMillis(Schedulers.parallel().now(TimeUnit.MILLISECONDS));
    }

    /** A dependency that is down: every call fails after 100 ms. */
    private static Mono<Integer> down(Integer n, AtomicInteger calls) {
        return Mono.delay(Duration.ofMillis(100)).then(Mono.fromCallable(() -> {
            calls.incrementAndGet();
            throw new IllegalStateException("503 from the API");
        }));
    }

    private static ErrorPolicy collectInto(List<DeadLetter<?>> letters) {
        return ErrorPolicy.deadLetter(Sink.forEach("letters", letters::add));
    }

    @Nested
    class OnAStage {

        @Test
        void opensAfterConsecutiveFailuresAndFailsTheRestFastToTheErrorPolicy() {
            AtomicInteger calls = new AtomicInteger();
            List<DeadLetter<?>> letters = new ArrayList<>();
            Breaker api = Breaker.consecutiveFailures("api", 3, Duration.ofSeconds(10));
            PipelineReport<Void> report = runVirtually(Pipeline.from(Source.fromIterable("n", List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)))
                    .then(Stage.mapAsync("call", (Integer n) -> down(n, calls)).circuitBreaker(api)
                            .onError(collectInto(letters)))
                    .to(Sink.forEach("out", n -> { })));

            assertThat(calls).hasValue(3);
            assertThat(report.duration()).isEqualTo(Duration.ofMillis(300));
            assertThat(report.stage("call").deadLettered()).isEqualTo(10);
            assertThat(report.balances()).isTrue();
            assertThat(letters).hasSize(10);
            assertThat(letters.subList(0, 3)).allSatisfy(l -> assertThat(l.error()).isInstanceOf(IllegalStateException.class));
            assertThat(letters.subList(3, 10)).allSatisfy(l -> {
                assertThat(l.error()).isInstanceOf(CircuitOpenException.class)
                        .hasMessageContaining("circuit breaker 'api' is OPEN since " + Instant.ofEpochMilli(300));
                assertThat(((CircuitOpenException) l.error()).openSince()).contains(Instant.ofEpochMilli(300));
                assertThat(l.attempts()).isEqualTo(1);
            });
            CircuitBreakerReport b = report.breakers().get(0);
            assertThat(report.breakers()).hasSize(1);
            assertThat(b.name()).isEqualTo("api");
            assertThat(b.nodes()).containsExactly("call");
            assertThat(b.state()).isEqualTo("OPEN");
            assertThat(b.shortCircuited()).isEqualTo(7);
            assertThat(b.transitions()).containsExactly(
                    new CircuitBreakerReport.Transition("CLOSED", "OPEN", Duration.ofMillis(300)));
            assertThat(report.toString()).contains("circuit breaker 'api' (call): OPEN, 7 short-circuited, [CLOSED->OPEN at 0.300 s]");
        }

        @Test
        void retriesStopOnceTheCircuitIsOpen() {
            AtomicInteger calls = new AtomicInteger();
            List<DeadLetter<?>> letters = new ArrayList<>();
            PipelineReport<Void> report = runVirtually(Pipeline.from(Source.fromIterable("n", List.of(1, 2)))
                    .then(Stage.mapAsync("call", (Integer n) -> down(n, calls))
                            .retry(Retry.fixedDelay(10, Duration.ofSeconds(1)))
                            .circuitBreaker(Breaker.consecutiveFailures("api", 3, Duration.ofMinutes(1)))
                            .onError(collectInto(letters)))
                    .to(Sink.forEach("out", n -> { })));

            // three calls 1 s apart open it; the fourth attempt is refused and not retried
            assertThat(calls).hasValue(3);
            assertThat(report.duration()).isEqualTo(Duration.ofMillis(3300));
            assertThat(letters).extracting(DeadLetter::attempts).containsExactly(4, 1);
            assertThat(letters).allSatisfy(l -> assertThat(l.error()).isInstanceOf(CircuitOpenException.class));
            assertThat(report.stage("call").retried()).isEqualTo(3);
            assertThat(report.breakers().get(0).shortCircuited()).isEqualTo(2);
        }

        @Test
        void halfOpensAfterItsOpenPeriodAndClosesWhenTheProbeSucceeds() {
            // items arrive once a second; the API is down until 5.5 s
            AtomicInteger calls = new AtomicInteger();
            List<DeadLetter<?>> letters = new ArrayList<>();
            PipelineReport<List<Integer>> report = runVirtually(Pipeline
                    .from(Source.of("ticks", Flux.defer(() -> Flux.interval(Duration.ofSeconds(1)).take(8).map(t -> t.intValue() + 1))))
                    .then(Stage.mapAsync("call", (Integer n) -> Mono.fromCallable(() -> {
                                calls.incrementAndGet();
                                if (now().compareTo(Duration.ofMillis(5500)) < 0) {
                                    throw new IllegalStateException("down at " + now());
                                }
                                return n;
                            }))
                            .circuitBreaker(Breaker.consecutiveFailures("api", 2, Duration.ofSeconds(3)))
                            .onError(collectInto(letters)))
                    .to(Sink.collect("out")));

            // 1 s and 2 s fail and open it; 3, 4, 5 s are refused (open until after 5 s); 6 s is the probe
            assertThat(calls).hasValue(5);
            assertThat(report.result()).contains(List.of(6, 7, 8));
            assertThat(letters).extracting(l -> (Object) l.item()).containsExactly(1, 2, 3, 4, 5);
            CircuitBreakerReport b = report.breakers().get(0);
            assertThat(b.state()).isEqualTo("CLOSED");
            assertThat(b.shortCircuited()).isEqualTo(3);
            assertThat(b.transitions()).containsExactly(
                    new CircuitBreakerReport.Transition("CLOSED", "OPEN", Duration.ofSeconds(2)),
                    new CircuitBreakerReport.Transition("OPEN", "HALF_OPEN", Duration.ofSeconds(6)),
                    new CircuitBreakerReport.Transition("HALF_OPEN", "CLOSED", Duration.ofSeconds(6)));
        }

        @Test
        void underFailFastTheRunFailsNamingTheBreaker() {
            AtomicInteger calls = new AtomicInteger();
            StepVerifier.withVirtualTime(() -> Pipeline.from(Source.fromIterable("n", List.of(1, 2, 3)))
                            .then(Stage.mapAsync("call", (Integer n) -> down(n, calls))
                                    .retry(Retry.fixedDelay(100, Duration.ofSeconds(1)))
                                    .circuitBreaker(Breaker.consecutiveFailures("pricing", 2, Duration.ofMinutes(1))))
                            .to(Sink.forEach("out", n -> { })).run())
                    .thenAwait(Duration.ofMinutes(5))
                    .expectErrorSatisfies(e -> {
                        assertThat(e).isInstanceOf(PipelineException.class)
                                .hasMessageContaining("stage 'call'")
                                .hasMessageContaining("circuit breaker 'pricing' is OPEN since");
                        assertThat(e.getCause()).isInstanceOf(CircuitOpenException.class);
                        assertThat(((PipelineException) e).attempts()).isEqualTo(3);
                    })
                    .verify(WAIT);
            assertThat(calls).hasValue(2);
        }

        @Test
        void aTimeoutCountsAsAFailure() {
            List<DeadLetter<?>> letters = new ArrayList<>();
            PipelineReport<Void> report = runVirtually(Pipeline.from(Source.fromIterable("n", List.of(1, 2, 3)))
                    .then(Stage.mapAsync("call", (Integer n) -> Mono.never())
                            .timeout(Duration.ofSeconds(1))
                            .circuitBreaker(Breaker.consecutiveFailures("api", 2, Duration.ofMinutes(1)))
                            .onError(collectInto(letters)))
                    .to(Sink.forEach("out", n -> { })));

            assertThat(letters).extracting(l -> l.error().getClass().getSimpleName())
                    .containsExactly("ItemTimeoutException", "ItemTimeoutException", "CircuitOpenException");
            assertThat(report.duration()).isEqualTo(Duration.ofSeconds(2));
        }

        @Test
        void aBreakerSharedByTwoStagesIsReportedOnceWithBoth() {
            Breaker api = Breaker.consecutiveFailures("api", 2, Duration.ofMinutes(1));
            AtomicInteger calls = new AtomicInteger();
            PipelineReport<Void> report = runVirtually(Pipeline.from(Source.fromIterable("n", List.of(1, 2, 3)))
                    .then(Stage.mapAsync("first", (Integer n) -> Mono.just(n)).circuitBreaker(api))
                    .then(Stage.mapAsync("second", (Integer n) -> down(n, calls)).circuitBreaker(api)
                            .onError(ErrorPolicy.skip()))
                    .to(Sink.forEach("out", n -> { })));

            // the calls alternate success (first) and failure (second): never two failures in a row
            assertThat(report.breakers()).singleElement().satisfies(b -> {
                assertThat(b.nodes()).containsExactly("first", "second");
                assertThat(b.state()).isEqualTo("CLOSED");
                assertThat(b.shortCircuited()).isZero();
            });
            assertThat(calls).hasValue(3);
            assertThat(report.stage("second").skipped()).isEqualTo(3);
        }

        @Test
        void cancellingACallInFlightGivesItsPermissionBack() {
            Breaker api = Breaker.consecutiveFailures("api", 1, Duration.ofMinutes(1));
            api.resilience4j().transitionToOpenState();
            api.resilience4j().transitionToHalfOpenState(); // one probe allowed
            StepVerifier.create(Pipeline.from(Source.fromIterable("n", List.of(1)))
                            .then(Stage.mapAsync("call", (Integer n) -> Mono.<Integer>never()).circuitBreaker(api))
                            .to(Sink.forEach("out", n -> { })).run())
                    .expectSubscription()
                    .thenCancel()
                    .verify(WAIT);

            assertThat(api.state()).isEqualTo("HALF_OPEN");
            assertThat(api.resilience4j().tryAcquirePermission()).as("the cancelled probe's permission is back").isTrue();
        }

        @Test
        void everyCallIsAccountedForUnderConcurrency() {
            int items = 5_000;
            AtomicLong calls = new AtomicLong();
            Breaker api = Breaker.of("flaky", CircuitBreakerConfig.custom()
                    .slidingWindowSize(20).minimumNumberOfCalls(20).failureRateThreshold(40f)
                    .waitDurationInOpenState(Duration.ofMillis(1)).permittedNumberOfCallsInHalfOpenState(3).build());
            List<DeadLetter<?>> letters = java.util.Collections.synchronizedList(new ArrayList<>());
            PipelineReport<Void> report = Pipeline.from(Source.of("n", Flux.range(0, items)))
                    .then(Stage.mapAsync("call", (Integer n) -> Mono.fromCallable(() -> {
                                calls.incrementAndGet();
                                if (ThreadLocalRandom.current().nextInt(100) < 35) {
                                    throw new IllegalStateException("flaky");
                                }
                                return n;
                            }).subscribeOn(Schedulers.parallel()))
                            .concurrency(16).ordered(false).circuitBreaker(api).onError(collectInto(letters)))
                    .to(Sink.forEach("out", n -> { }))
                    .run().block(Duration.ofSeconds(60));

            assertThat(report).isNotNull();
            StageReport call = report.stage("call");
            long refused = letters.stream().filter(l -> l.error() instanceof CircuitOpenException).count();
            assertThat(call.emitted() + call.deadLettered()).isEqualTo(items);
            assertThat(report.breakers().get(0).shortCircuited()).isEqualTo(refused);
            assertThat(calls.get() + refused).isEqualTo(items);
        }
    }

    @Nested
    class OnASink {

        @Test
        void anAsyncSinkFailsItemsFastWhileOpen() {
            AtomicInteger calls = new AtomicInteger();
            List<DeadLetter<?>> letters = new ArrayList<>();
            PipelineReport<Void> report = runVirtually(Pipeline.from(Source.fromIterable("n", List.of(1, 2, 3, 4)))
                    .to(Sink.forEachAsync("store", (Integer n) -> down(n, calls))
                            .circuitBreaker(Breaker.consecutiveFailures("db", 2, Duration.ofMinutes(1)))
                            .onError(collectInto(letters))));

            assertThat(calls).hasValue(2);
            assertThat(report.stage("store").deadLettered()).isEqualTo(4);
            assertThat(report.breakers()).singleElement().satisfies(b -> {
                assertThat(b.nodes()).containsExactly("store");
                assertThat(b.shortCircuited()).isEqualTo(2);
            });
        }

        @Test
        void aConnectorSinkGuardsItsCalls() {
            AtomicInteger batches = new AtomicInteger();
            Sink<Integer, Long> store = Sink.create("store", (Flux<Integer> items, StageContext ctx) -> items.buffer(2)
                    .concatMap(batch -> ctx.guard(Mono.fromCallable(() -> {
                                batches.incrementAndGet();
                                throw new IllegalStateException("db down");
                            }))
                            .onErrorResume(e -> Flux.fromIterable(batch).concatMap(i -> ctx.reject(i, e, 1)).then(Mono.empty())))
                    .count());
            List<DeadLetter<?>> letters = new ArrayList<>();
            PipelineReport<Long> report = runVirtually(Pipeline.from(Source.fromIterable("n", List.of(1, 2, 3, 4, 5, 6)))
                    .to(store.circuitBreaker(Breaker.consecutiveFailures("db", 1, Duration.ofMinutes(1)))
                            .onError(collectInto(letters))));

            assertThat(batches).hasValue(1);
            assertThat(letters).extracting(l -> l.error().getClass().getSimpleName())
                    .containsExactly("IllegalStateException", "IllegalStateException", "CircuitOpenException",
                            "CircuitOpenException", "CircuitOpenException", "CircuitOpenException");
            assertThat(report.breakers().get(0).shortCircuited()).isEqualTo(2);
        }
    }

    @Nested
    class Options {

        @Test
        void onlyStagesThatMakeOneCallPerItemTakeABreaker() {
            Breaker b = Breaker.of(CircuitBreaker.ofDefaults("b"));
            assertThatThrownBy(() -> Stage.batch("rows", 10, Duration.ofSeconds(1)).circuitBreaker(b))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("batch stage 'rows'");
            assertThatThrownBy(() -> Stage.flatMap("split", (String s) -> Flux.just(s)).circuitBreaker(b))
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> Sink.collect("all").circuitBreaker(b))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("sink 'all'");
            assertThatThrownBy(() -> Stage.map("m", (String s) -> s).circuitBreaker(null))
                    .isInstanceOf(NullPointerException.class).hasMessage("breaker must not be null");
        }

        @Test
        void aMapWithABreakerStillMapsEveryItem() {
            StepVerifier.create(Pipeline.from(Source.fromIterable("n", List.of(1, 2, 3)))
                            .then(Stage.map("double", (Integer n) -> n * 2).circuitBreaker(Breaker.of(CircuitBreaker.ofDefaults("b"))))
                            .toFlux())
                    .expectNext(2, 4, 6)
                    .verifyComplete();
        }

        @Test
        void aBreakerOfOneFailureOpensOnTheFirstFailureAfterSuccesses() {
            // resilience4j's lock-free window of one call fails (its issue 2334): Breaker avoids it
            List<DeadLetter<?>> letters = new ArrayList<>();
            PipelineReport<Void> report = runVirtually(Pipeline.from(Source.fromIterable("n", List.of(1, 2, 3, 4, 5)))
                    .then(Stage.mapAsync("call", (Integer n) -> n == 3 ? Mono.<Integer>error(new IllegalStateException("three"))
                            : Mono.just(n)).circuitBreaker(Breaker.consecutiveFailures("one", 1, Duration.ofMinutes(1)))
                            .onError(collectInto(letters)))
                    .to(Sink.forEach("out", n -> { })));

            assertThat(report.stage("call").emitted()).isEqualTo(2);
            assertThat(letters).extracting(l -> l.error().getClass().getSimpleName())
                    .containsExactly("IllegalStateException", "CircuitOpenException", "CircuitOpenException");
        }

        @Test
        void consecutiveFailuresChecksItsArguments() {
            assertThatThrownBy(() -> Breaker.consecutiveFailures("b", 0, Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("failures must be > 0, was 0");
            assertThatThrownBy(() -> Breaker.consecutiveFailures("b", 1, Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("openFor must be > 0, was PT0S");
        }
    }
}
