package dev.pipeline.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.pipeline.core.aio.Tasks;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.util.retry.Retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StageTest {

    static <T> PipelineBuilder<T> from(List<T> items) {
        return Pipeline.from(Source.fromIterable("source", items));
    }

    static <R> PipelineReport<R> run(Pipeline<R> p) {
        return p.run().block(Duration.ofSeconds(30));
    }

    @Nested
    class MapAndFilter {

        @Test
        void mapTransformsAndFilterKeeps() {
            StepVerifier.create(from(List.of(1, 2, 3, 4))
                            .then(Stage.filter("even", (Integer n) -> n % 2 == 0))
                            .then(Stage.map("square", (Integer n) -> n * n))
                            .toFlux())
                    .expectNext(4, 16)
                    .verifyComplete();
        }

        @Test
        void aMapReturningNullFailsTheRunNamingTheStageAndItem() {
            StepVerifier.create(from(List.of("a", "b")).then(Stage.map("nothing", (String s) -> s.equals("b") ? null : s)).toFlux())
                    .expectNext("a")
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(PipelineException.class)
                            .hasMessageContaining("stage 'nothing' failed on item b")
                            .hasMessageContaining("returned null"))
                    .verify();
        }

        @Test
        void moreThanFourInlineStagesInARowAllApply() {
            PipelineBuilder<Integer> b = from(List.of(1, 2, 3));
            for (int i = 0; i < 9; i++) {
                b = b.then(Stage.map("plus" + i, (Integer n) -> n + 1));
            }
            StepVerifier.create(b.then(Stage.filter("odd", (Integer n) -> n % 2 == 1)).toFlux())
                    .expectNext(11)
                    .verifyComplete();
        }

        @Test
        void inlineStagesAreCountedOneByOne() {
            PipelineReport<List<Integer>> r = run(from(List.of(1, 2, 3, 4, 5))
                    .then(Stage.map("inc", (Integer n) -> n + 1))
                    .then(Stage.filter("even", (Integer n) -> n % 2 == 0))
                    .then(Stage.map("half", (Integer n) -> n / 2))
                    .to(Sink.collect("out")));
            assertThat(r.result()).contains(List.of(1, 2, 3));
            assertThat(r.stage("inc").emitted()).isEqualTo(5);
            assertThat(r.stage("even").received()).isEqualTo(5);
            assertThat(r.stage("even").filtered()).isEqualTo(2);
            assertThat(r.stage("half").received()).isEqualTo(3);
            assertThat(r.stage("out").emitted()).isEqualTo(3);
            assertThat(r.balances()).isTrue();
        }
    }

    @Nested
    class MapAsync {

        @Test
        void runsUpToConcurrencyItemsAtOnce() {
            AtomicInteger inFlight = new AtomicInteger();
            AtomicInteger max = new AtomicInteger();
            StepVerifier.withVirtualTime(() -> from(List.of(1, 2, 3, 4, 5, 6, 7, 8))
                            .then(Stage.mapAsync("slow", (Integer n) -> Mono.fromRunnable(() ->
                                            max.accumulateAndGet(inFlight.incrementAndGet(), Math::max))
                                    .then(Tasks.sleep(Duration.ofSeconds(1)))
                                    .doOnTerminate(inFlight::decrementAndGet)
                                    .thenReturn(n)).concurrency(3))
                            .toFlux())
                    .thenAwait(Duration.ofSeconds(3))
                    .expectNextCount(8)
                    .verifyComplete();
            assertThat(max).hasValue(3);
        }

        @Test
        void keepsInputOrderByDefaultAndCompletionOrderWhenUnordered() {
            // item n takes (4 - n) seconds: the last one finishes first
            java.util.function.Function<Integer, Mono<Integer>> slowFirst =
                    n -> Tasks.sleep(Duration.ofSeconds(4 - n), n);
            StepVerifier.withVirtualTime(() -> from(List.of(1, 2, 3))
                            .then(Stage.mapAsync("ordered", slowFirst).concurrency(3)).toFlux())
                    .thenAwait(Duration.ofSeconds(3))
                    .expectNext(1, 2, 3)
                    .verifyComplete();
            StepVerifier.withVirtualTime(() -> from(List.of(1, 2, 3))
                            .then(Stage.mapAsync("unordered", slowFirst).concurrency(3).ordered(false)).toFlux())
                    .thenAwait(Duration.ofSeconds(3))
                    .expectNext(3, 2, 1)
                    .verifyComplete();
        }

        @Test
        void anEmptyResultDropsTheItemAsFiltered() {
            PipelineReport<List<Integer>> r = run(from(List.of(1, 2, 3))
                    .then(Stage.mapAsync("maybe", (Integer n) -> n == 2 ? Mono.<Integer>empty() : Mono.just(n)))
                    .to(Sink.collect("out")));
            assertThat(r.result()).contains(List.of(1, 3));
            assertThat(r.stage("maybe").filtered()).isEqualTo(1);
            assertThat(r.stage("maybe").balances()).isTrue();
        }
    }

    @Nested
    class TimeoutAndRetry {

        @Test
        void anAttemptPastTheTimeoutFailsWithItemTimeoutException() {
            StepVerifier.withVirtualTime(() -> from(List.of("x"))
                            .then(Stage.mapAsync("slow", (String s) -> Mono.<String>never()).timeout(Duration.ofSeconds(2)))
                            .toFlux())
                    .expectSubscription()
                    .expectNoEvent(Duration.ofMillis(1999))
                    .thenAwait(Duration.ofMillis(1))
                    .expectErrorSatisfies(e -> {
                        assertThat(e).isInstanceOf(PipelineException.class).hasMessageContaining("stage 'slow' failed on item x");
                        assertThat(e.getCause()).isInstanceOf(ItemTimeoutException.class);
                        assertThat(((ItemTimeoutException) e.getCause()).getTimeout()).isEqualTo(Duration.ofSeconds(2));
                    })
                    .verify();
        }

        @Test
        void retriesWithBackoffThenSucceedsAndCountsTheAttempts() {
            Map<Integer, Integer> attempts = Collections.synchronizedMap(new HashMap<>());
            Stage<Integer, Integer> flaky = Stage.mapAsync("flaky", (Integer n) -> Mono.fromCallable(() -> {
                int a = attempts.merge(n, 1, Integer::sum);
                if (a < 3) {
                    throw new IllegalStateException("attempt " + a);
                }
                return n;
            })).retry(Retry.backoff(5, Duration.ofMillis(100)));
            java.util.concurrent.atomic.AtomicReference<PipelineReport<List<Integer>>> report = new java.util.concurrent.atomic.AtomicReference<>();
            StepVerifier.withVirtualTime(() -> from(List.of(1, 2)).then(flaky).to(Sink.<Integer>collect("out")).run()
                            .doOnNext(report::set))
                    .thenAwait(Duration.ofSeconds(10))
                    .assertNext(r -> assertThat(r.result()).contains(List.of(1, 2)))
                    .verifyComplete();
            assertThat(report.get().stage("flaky").retried()).isEqualTo(4);
            assertThat(attempts).containsEntry(1, 3).containsEntry(2, 3);
        }

        @Test
        void whenRetriesRunOutThePolicyGetsTheOriginalErrorAndTheAttempts() {
            List<DeadLetter<?>> letters = Collections.synchronizedList(new ArrayList<>());
            Stage<Integer, Integer> broken = Stage.mapAsync("broken",
                            (Integer n) -> Mono.<Integer>error(new IllegalStateException("no " + n)))
                    .retry(Retry.backoff(2, Duration.ofMillis(10)))
                    .onError(ErrorPolicy.deadLetter(Sink.forEach("dlq", letters::add)));
            StepVerifier.withVirtualTime(() -> from(List.of(7)).then(broken).to(Sink.collect("out")).run())
                    .thenAwait(Duration.ofSeconds(1))
                    .assertNext(r -> assertThat(r.stage("broken").deadLettered()).isEqualTo(1))
                    .verifyComplete();
            assertThat(letters).singleElement().satisfies(l -> {
                assertThat(l.stage()).isEqualTo("broken");
                assertThat(l.item()).isEqualTo(7);
                assertThat(l.attempts()).isEqualTo(3);
                assertThat(l.error()).isInstanceOf(IllegalStateException.class).hasMessage("no 7");
            });
        }

        @Test
        void aSynchronousMapCanRetryToo() {
            AtomicInteger calls = new AtomicInteger();
            StepVerifier.withVirtualTime(() -> from(List.of(1))
                            .then(Stage.map("once-broken", (Integer n) -> {
                                if (calls.incrementAndGet() == 1) {
                                    throw new IllegalStateException("first call");
                                }
                                return n * 10;
                            }).retry(Retry.fixedDelay(1, Duration.ofSeconds(1))))
                            .toFlux())
                    .thenAwait(Duration.ofSeconds(1))
                    .expectNext(10)
                    .verifyComplete();
        }
    }

    @Nested
    class OneToMany {

        @Test
        void flatMapCountsInputsAndOutputsSeparately() {
            PipelineReport<List<String>> r = run(from(List.of("ab", "", "cde"))
                    .then(Stage.flatMap("letters", (String s) -> Flux.fromArray(s.split(""))
                            .filter(c -> !c.isEmpty())))
                    .to(Sink.collect("out")));
            assertThat(r.result()).contains(List.of("a", "b", "c", "d", "e"));
            StageReport letters = r.stage("letters");
            assertThat(letters.received()).isEqualTo(3);
            assertThat(letters.emitted()).isEqualTo(3);
            assertThat(letters.outputs()).isEqualTo(5);
            assertThat(letters.balances()).isTrue();
        }

        @Test
        void batchEmitsWhenFullOrWhenTheWaitRunsOut() {
            StepVerifier.withVirtualTime(() -> Pipeline.from(Source.of("ticks",
                                    Flux.concat(Flux.just(1, 2, 3, 4, 5), Mono.delay(Duration.ofSeconds(10)).thenReturn(6))))
                            .then(Stage.<Integer>batch("pairs", 2, Duration.ofSeconds(1)))
                            .toFlux())
                    .expectNext(List.of(1, 2), List.of(3, 4))
                    .expectNoEvent(Duration.ofMillis(999))
                    .thenAwait(Duration.ofMillis(1))
                    .expectNext(List.of(5))
                    .thenAwait(Duration.ofSeconds(10))
                    .expectNext(List.of(6))
                    .verifyComplete();
        }

        @Test
        void batchGivesAConsumerThatAsksWhatHasArrivedAndABusyOneFullLists() {
            // virtual time never moves: the last list goes out on the request, not after 10 s
            StepVerifier.withVirtualTime(() -> Pipeline.from(Source.of("ticks", Flux.concat(Flux.just(1, 2, 3, 4, 5), Flux.never())))
                            .then(Stage.<Integer>batch("pairs", 2, Duration.ofSeconds(10)))
                            .toFlux(), 1)
                    .expectNext(List.of(1, 2))
                    .thenRequest(1)
                    .expectNext(List.of(3, 4))
                    .thenRequest(1)
                    .expectNext(List.of(5))
                    .thenCancel()
                    .verify(Duration.ofSeconds(5));
        }

        @Test
        void batchAccountsItemsAndBatches() {
            PipelineReport<List<List<Integer>>> r = run(from(List.of(1, 2, 3, 4, 5))
                    .then(Stage.<Integer>batch("threes", 3, Duration.ofSeconds(5)))
                    .to(Sink.collect("out")));
            assertThat(r.stage("threes").received()).isEqualTo(5);
            assertThat(r.stage("threes").emitted()).isEqualTo(5);
            assertThat(r.stage("threes").outputs()).isEqualTo(2);
        }
    }

    @Nested
    class Throttle {

        @Test
        void letsAtMostThePermitsThroughPerWindow() {
            List<Long> at = new ArrayList<>();
            StepVerifier.withVirtualTime(() -> from(List.of(1, 2, 3, 4, 5))
                            .then(Stage.<Integer>throttle("two-per-second", 2, Duration.ofSeconds(1)))
                            .toFlux()
                            .doOnNext(n -> at.add(reactor.core.scheduler.Schedulers.parallel()
                                    .now(java.util.concurrent.TimeUnit.MILLISECONDS))))
                    .expectNext(1, 2)
                    .expectNoEvent(Duration.ofMillis(999))
                    .thenAwait(Duration.ofMillis(1))
                    .expectNext(3, 4)
                    .thenAwait(Duration.ofSeconds(1))
                    .expectNext(5)
                    .verifyComplete();
            assertThat(at).containsExactly(0L, 0L, 1000L, 1000L, 2000L);
        }
    }

    @Nested
    class Partitioned {

        @Test
        void keepsOrderWithinAKeyAndRunsKeysInParallel() {
            // every item takes 1 s; two keys of three items each in two lanes: 3 s, not 6
            List<String> seen = Collections.synchronizedList(new ArrayList<>());
            StepVerifier.withVirtualTime(() -> from(List.of("a1", "b1", "a2", "b2", "a3", "b3"))
                            .then(Stage.mapAsyncPartitioned("per-key", (String s) -> s.charAt(0) == 'a' ? 0 : 1,
                                    (String s) -> Tasks.sleep(Duration.ofSeconds(1), s).doOnNext(seen::add)).concurrency(2))
                            .toFlux())
                    .thenAwait(Duration.ofSeconds(3))
                    .expectNextCount(6)
                    .verifyComplete();
            assertThat(seen.stream().filter(s -> s.startsWith("a"))).containsExactly("a1", "a2", "a3");
            assertThat(seen.stream().filter(s -> s.startsWith("b"))).containsExactly("b1", "b2", "b3");
        }

        @Test
        void aFailingKeyFunctionFailsTheRunNamingTheStageAndItem() {
            StepVerifier.create(from(List.of("a", "boom"))
                            .then(Stage.mapAsyncPartitioned("keyed", (String s) -> {
                                if (s.equals("boom")) {
                                    throw new IllegalArgumentException("no key");
                                }
                                return s;
                            }, (String s) -> Mono.just(s)).concurrency(2))
                            .toFlux())
                    .expectNext("a")
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(PipelineException.class)
                            .hasMessageContaining("stage 'keyed' failed on item boom")
                            .hasMessageContaining("the key function failed"))
                    .verify();
        }
    }

    @Nested
    class Blocking {

        @Test
        void runsOnBoundedElastic() {
            StepVerifier.create(from(List.of(1)).then(Stage.blocking("io", (Integer n) -> Thread.currentThread().getName())).toFlux())
                    .assertNext(name -> assertThat(name).startsWith("boundedElastic-"))
                    .verifyComplete();
        }
    }

    @Nested
    class Custom {

        @Test
        void anyOperatorChainIsAStageCountedInAndOut() {
            PipelineReport<List<Integer>> r = run(from(List.of(1, 2, 3, 4))
                    .then(Stage.of("window-sums", (Flux<Integer> f) -> f.buffer(2).map(l -> l.get(0) + l.get(1))))
                    .to(Sink.collect("out")));
            assertThat(r.result()).contains(List.of(3, 7));
            assertThat(r.stage("window-sums").received()).isEqualTo(4);
            assertThat(r.stage("window-sums").outputs()).isEqualTo(2);
            assertThat(r.stage("window-sums").itemized()).isFalse();
        }

        @Test
        void anOperatorChainThatCannotBeBuiltFailsTheRunNamingTheStage() {
            StepVerifier.create(from(List.of(1)).then(Stage.<Integer, Integer>of("unbuildable", f -> {
                        throw new IllegalStateException("no chain");
                    })).to(Sink.collect("out")).run())
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(PipelineException.class)
                            .hasMessageContaining("stage 'unbuildable'").hasMessageContaining("no chain"))
                    .verify();
        }

        @Test
        void itsErrorsNameTheStage() {
            StepVerifier.create(from(List.of(1)).then(Stage.of("bad", (Flux<Integer> f) ->
                            f.map(n -> n / (n - 1)))).toFlux())
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(PipelineException.class)
                            .hasMessageContaining("stage 'bad'")
                            .hasCauseInstanceOf(ArithmeticException.class))
                    .verify();
        }
    }

    @Nested
    class Options {

        @Test
        void optionsThatDoNotApplyAreRejectedWithTheStageNamed() {
            assertThatThrownBy(() -> Stage.map("m", (Integer n) -> n).concurrency(2))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("concurrency() does not apply to map stage 'm'");
            assertThatThrownBy(() -> Stage.map("m", (Integer n) -> n).timeout(Duration.ofSeconds(1)))
                    .hasMessage("timeout() does not apply to map stage 'm'");
            assertThatThrownBy(() -> Stage.flatMap("f", (Integer n) -> Flux.just(n)).retry(Retry.max(1)))
                    .hasMessage("retry() does not apply to flatMap stage 'f'");
            assertThatThrownBy(() -> Stage.<Integer>batch("b", 2, Duration.ofSeconds(1)).onError(ErrorPolicy.skip()))
                    .hasMessage("onError() does not apply to batch stage 'b'");
            assertThatThrownBy(() -> Stage.mapAsync("a", (Integer n) -> Mono.just(n)).concurrency(0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("concurrency must be > 0, was 0");
            assertThatThrownBy(() -> Stage.map(" ", (Integer n) -> n)).hasMessage("name must not be blank");
        }

        @Test
        void optionsReturnCopiesSoAStageIsATemplate() {
            Stage<Integer, Integer> base = Stage.mapAsync("work", (Integer n) -> Mono.just(n));
            Stage<Integer, Integer> wide = base.concurrency(8);
            assertThat(base.toString()).doesNotContain("concurrency");
            assertThat(wide.toString()).contains("concurrency=8");
        }
    }
}
