package dev.pipeline.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.pipeline.core.aio.Tasks;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ErrorPolicyTest {

    private static Integer parse(String s) {
        return Integer.valueOf(s);
    }

    private static PipelineBuilder<String> words() {
        return Pipeline.from(Source.fromIterable("words", List.of("1", "two", "3", "four", "5")));
    }

    @Test
    void failFastFailsTheRunNamingTheStageAndTheItemWithTheReportAttached() {
        StepVerifier.create(words().then(Stage.map("parse", ErrorPolicyTest::parse)).to(Sink.collect("out")).run())
                .expectErrorSatisfies(e -> {
                    PipelineException pe = (PipelineException) e;
                    assertThat(pe).hasMessage("stage 'parse' failed on item two: NumberFormatException: For input string: \"two\"");
                    assertThat(pe.stage()).isEqualTo("parse");
                    assertThat(pe.item()).contains("two");
                    assertThat(pe).hasCauseInstanceOf(NumberFormatException.class);
                    PipelineReport<?> report = pe.report().orElseThrow();
                    assertThat(report.status()).isEqualTo(PipelineStatus.FAILED);
                    assertThat(report.stage("parse").failed()).isEqualTo(1);
                    assertThat(report.stage("parse").emitted()).isEqualTo(1);
                    assertThat(report.balances()).isTrue();
                })
                .verify();
    }

    @Test
    void skipDropsCountsAndGoesOn() {
        PipelineReport<List<Integer>> r = words()
                .then(Stage.map("parse", ErrorPolicyTest::parse).onError(ErrorPolicy.skip()))
                .to(Sink.collect("out")).run().block(Duration.ofSeconds(10));
        assertThat(r.result()).contains(List.of(1, 3, 5));
        assertThat(r.stage("parse").skipped()).isEqualTo(2);
        assertThat(r.stage("parse").received()).isEqualTo(5);
        assertThat(r.balances()).isTrue();
    }

    @Test
    void deadLetterKeepsTheItemTheStageTheErrorAndTheAttempts() {
        List<DeadLetter<?>> letters = Collections.synchronizedList(new ArrayList<>());
        PipelineReport<List<Integer>> r = words()
                .then(Stage.map("parse", ErrorPolicyTest::parse).onError(ErrorPolicy.deadLetter(Sink.forEach("bad", letters::add))))
                .to(Sink.collect("out")).run().block(Duration.ofSeconds(10));
        assertThat(r.result()).contains(List.of(1, 3, 5));
        assertThat(letters).extracting(l -> (Object) l.item()).containsExactly("two", "four");
        assertThat(letters).allSatisfy(l -> {
            assertThat(l.stage()).isEqualTo("parse");
            assertThat(l.attempts()).isEqualTo(1);
            assertThat(l.error()).isInstanceOf(NumberFormatException.class);
            assertThat(l.reason()).startsWith("NumberFormatException: For input string");
        });
        assertThat(r.stage("parse").deadLettered()).isEqualTo(2);
        assertThat(r.stage("bad").emitted()).as("the dead-letter sink is in the report").isEqualTo(2);
        assertThat(r.balances()).isTrue();
    }

    @Test
    void oneDeadLetterSinkServesSeveralStages() {
        List<DeadLetter<?>> letters = Collections.synchronizedList(new ArrayList<>());
        ErrorPolicy dlq = ErrorPolicy.deadLetter(Sink.forEach("dlq", letters::add));
        PipelineReport<List<Integer>> r = words()
                .then(Stage.map("parse", ErrorPolicyTest::parse).onError(dlq))
                .then(Stage.mapAsync("check", (Integer n) -> n == 3 ? Mono.<Integer>error(new IllegalArgumentException("3"))
                        : Mono.just(n)).onError(dlq))
                .to(Sink.collect("out")).run().block(Duration.ofSeconds(10));
        assertThat(r.result()).contains(List.of(1, 5));
        assertThat(letters).extracting(DeadLetter::stage).containsExactlyInAnyOrder("parse", "parse", "check");
    }

    @Test
    void aSlowDeadLetterSinkSlowsTheStageDownAndLosesNothing() {
        AtomicLong stored = new AtomicLong();
        Sink<DeadLetter<?>, Void> slow = Sink.forEachAsync("slow-dlq", (DeadLetter<?> l) ->
                Tasks.sleep(Duration.ofMillis(1)).doOnSuccess(v -> stored.incrementAndGet()));
        PipelineReport<Void> r = Pipeline.from(Source.of("numbers", Flux.range(0, 200)))
                .then(Stage.map("reject-all", (Integer n) -> {
                    throw new IllegalStateException("bad " + n);
                }).onError(ErrorPolicy.deadLetter(slow, 2)))
                .to(Sink.forEach("none", (Object o) -> { }))
                .run().block(Duration.ofSeconds(30));
        assertThat(stored).hasValue(200);
        assertThat(r.stage("reject-all").deadLettered()).isEqualTo(200);
    }

    @Test
    void aFailingDeadLetterSinkFailsTheRun() {
        Sink<DeadLetter<?>, Void> broken = Sink.forEach("broken-dlq", (DeadLetter<?> l) -> {
            throw new IllegalStateException("disk full");
        });
        StepVerifier.create(Pipeline.from(Source.of("numbers", Flux.range(0, 10)))
                        .then(Stage.mapAsync("odd-fails", (Integer n) -> n % 2 == 1
                                ? Mono.<Integer>error(new IllegalArgumentException("odd")) : Mono.just(n))
                                .onError(ErrorPolicy.deadLetter(broken)))
                        .to(Sink.collect("out")).run())
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(PipelineException.class);
                    assertThat(((PipelineException) e).stage()).isEqualTo("broken-dlq");
                    assertThat(e).hasRootCauseMessage("disk full");
                })
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void aDeadLetterSinkCannotHaveADeadLetterPolicy() {
        Sink<DeadLetter<?>, Void> dlq = Sink.forEach("dlq", (DeadLetter<?> l) -> { });
        Sink<DeadLetter<?>, Void> nested = Sink.<DeadLetter<?>>forEach("nested", l -> { }).onError(ErrorPolicy.deadLetter(dlq));
        PipelineBuilder<Integer> b = words().then(Stage.map("parse", ErrorPolicyTest::parse).onError(ErrorPolicy.deadLetter(nested)));
        assertThatThrownBy(() -> b.to(Sink.collect("out")))
                .as("rejected when the pipeline is built, not when it runs")
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dead-letter sink 'nested' has a dead-letter policy itself; give it failFast() or skip()");
    }

    @Test
    void onlySinksWithItemsToBlameTakeAPolicy() {
        assertThatThrownBy(() -> Sink.<Integer>collect("all").onError(ErrorPolicy.skip()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("onError() does not apply to sink 'all'");
        assertThat(Sink.forEachAsync("each", (Integer n) -> Mono.empty()).onError(ErrorPolicy.skip()).name()).isEqualTo("each");
    }

    @Test
    void aSourceCanRejectBadRecordsThroughItsContext() {
        Source<Integer> parsed = Source.create("lines", ctx -> Flux.just("1", "x", "3")
                        .concatMap(line -> {
                            try {
                                return Mono.just(Integer.parseInt(line));
                            } catch (NumberFormatException e) {
                                return ctx.reject(line, e, 1).then(Mono.<Integer>empty());
                            }
                        }))
                .onError(ErrorPolicy.skip());
        PipelineReport<List<Integer>> r = Pipeline.from(parsed).to(Sink.collect("out")).run().block(Duration.ofSeconds(10));
        assertThat(r.result()).contains(List.of(1, 3));
        assertThat(r.stage("lines").received()).isEqualTo(3);
        assertThat(r.stage("lines").skipped()).isEqualTo(1);
        StepVerifier.create(Source.create("strict", ctx -> ctx.reject("raw", new IllegalStateException("bad"), 1)).flux())
                .expectErrorSatisfies(e -> assertThat(e).hasMessage("stage 'strict' failed on item raw: IllegalStateException: bad"))
                .verify();
    }

    @Test
    void aSinkWithAContextAccountsForItsOwnBatches() {
        Sink<Integer, Long> batched = Sink.<Integer, Long>create("batched", (items, ctx) -> items.buffer(2)
                .concatMap(batch -> batch.contains(3)
                        ? Flux.fromIterable(batch).concatMap(n -> n == 3
                                ? ctx.reject(n, new IllegalArgumentException("no threes"), 1).then(Mono.<Integer>empty())
                                : Mono.fromRunnable(() -> ctx.completed(1)))
                        : Mono.fromRunnable(() -> ctx.completed(batch.size())))
                .then(Mono.just(42L)))
                .onError(ErrorPolicy.skip());
        PipelineReport<Long> r = Pipeline.from(Source.fromIterable("n", List.of(1, 2, 3, 4, 5))).to(batched)
                .run().block(Duration.ofSeconds(10));
        assertThat(r.result()).contains(42L);
        StageReport sink = r.stage("batched");
        assertThat(sink.received()).isEqualTo(5);
        assertThat(sink.emitted()).isEqualTo(4);
        assertThat(sink.skipped()).isEqualTo(1);
        assertThat(sink.balances()).isTrue();
    }

    @Test
    void policiesPrintThemselves() {
        assertThat(ErrorPolicy.failFast()).hasToString("failFast");
        assertThat(ErrorPolicy.skip()).hasToString("skip");
        assertThat(ErrorPolicy.deadLetter(Sink.forEach("q", (DeadLetter<?> l) -> { }))).hasToString("deadLetter(q)");
        assertThatThrownBy(() -> ErrorPolicy.deadLetter(Sink.forEach("q", (DeadLetter<?> l) -> { }), 0))
                .hasMessage("bufferCapacity must be > 0, was 0");
    }
}
