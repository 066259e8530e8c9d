package dev.pipeline.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.pipeline.core.aio.AsyncQueue;
import dev.pipeline.core.aio.Tasks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PipelineTest {

    @AfterEach
    void resetVirtualTime() {
        VirtualTimeScheduler.reset();
    }

    @Test
    void runsAnyNumberOfTimesEachFromScratch() {
        AtomicInteger subscriptions = new AtomicInteger();
        Pipeline<List<Integer>> p = Pipeline.from(Source.of("numbers", Flux.range(1, 3).doOnSubscribe(s -> subscriptions.incrementAndGet())))
                .then(Stage.map("double", (Integer n) -> n * 2))
                .to(Sink.collect("out"))
                .named("doubler");
        assertThat(subscriptions).as("nothing happens before run").hasValue(0);
        PipelineReport<List<Integer>> first = p.run().block(Duration.ofSeconds(10));
        PipelineReport<List<Integer>> second = p.run().block(Duration.ofSeconds(10));
        assertThat(first.result()).contains(List.of(2, 4, 6));
        assertThat(second.result()).contains(List.of(2, 4, 6));
        assertThat(second.stage("double").received()).as("a fresh account per run").isEqualTo(3);
        assertThat(subscriptions).hasValue(2);
        assertThat(first.status()).isEqualTo(PipelineStatus.COMPLETED);
        assertThat(first.pipeline()).isEqualTo("doubler");
    }

    @Test
    void theReportReadsAsATable() {
        PipelineReport<List<Integer>> r = Pipeline.from(Source.fromIterable("numbers", List.of(1, 2, 3)))
                .then(Stage.filter("odd", (Integer n) -> n % 2 == 1))
                .to(Sink.collect("out")).run().block(Duration.ofSeconds(10));
        String table = r.toString();
        assertThat(table).startsWith("Pipeline 'pipeline' COMPLETED in ");
        assertThat(table).contains("stage", "received", "emitted", "filtered", "in-flight", "queue-max");
        assertThat(table.lines().filter(l -> l.startsWith("odd "))).singleElement()
                .satisfies(l -> assertThat(l.trim().split("\\s+")).startsWith("odd", "filter", "3", "2", "2", "1"));
        assertThatThrownBy(() -> r.stage("nope"))
                .hasMessage("no stage 'nope' in pipeline 'pipeline'; stages are [numbers, odd, out]");
    }

    @Test
    void everyPartNeedsItsOwnName() {
        assertThatThrownBy(() -> Pipeline.from(Source.fromIterable("x", List.of(1)))
                .then(Stage.map("x", (Integer n) -> n)).to(Sink.collect("out")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the name 'x' is used twice");
        assertThatThrownBy(() -> Pipeline.from(Source.fromIterable("x", List.of(1))).workers(2))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("workers(2) must directly follow buffer(name, capacity)");
    }

    @Test
    void aBufferFeedsSeveralWorkersAndReportsItsDepth() {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        PipelineReport<List<Integer>> r = Pipeline.from(Source.of("numbers", Flux.range(0, 200)))
                .buffer("hand-off", 8)
                .workers(3)
                .then(Stage.mapAsync("work", (Integer n) -> Mono.fromCallable(() -> {
                    max.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                    return n;
                }).subscribeOn(reactor.core.scheduler.Schedulers.parallel()).doOnTerminate(inFlight::decrementAndGet)))
                .to(Sink.collect("out"))
                .run().block(Duration.ofSeconds(30));
        assertThat(r.result().orElseThrow()).hasSize(200).doesNotHaveDuplicates();
        StageReport buffer = r.stage("hand-off");
        assertThat(buffer.kind()).isEqualTo("buffer");
        assertThat(buffer.workers()).isEqualTo(3);
        assertThat(buffer.received()).isEqualTo(200);
        assertThat(buffer.emitted()).isEqualTo(200);
        assertThat(buffer.maxQueueDepth()).isBetween(1, 8);
        assertThat(r.stage("work").workers()).isEqualTo(3);
        assertThat(max.get()).isLessThanOrEqualTo(3);
        assertThat(r.balances()).isTrue();
    }

    @Test
    void toFluxRunsTheStagesWithoutASink() {
        StepVerifier.create(Pipeline.from(Source.fromIterable("w", List.of("a", "bb", "ccc")))
                        .then(Stage.map("len", String::length))
                        .buffer("q", 2)
                        .then(Stage.filter("long", (Integer n) -> n > 1))
                        .toFlux())
                .expectNext(2, 3)
                .verifyComplete();
    }

    @Test
    void aSourceFromAQueueEndsWhenTheQueueShutsDown() {
        AsyncQueue<String> queue = AsyncQueue.bounded(4);
        RunningPipeline<List<String>> run = Pipeline.from(Source.fromQueue("inbox", queue))
                .then(Stage.map("upper", String::toUpperCase))
                .to(Sink.collect("out"))
                .start();
        StepVerifier.create(queue.putAll(Flux.just("a", "b", "c")).then(Mono.fromRunnable(queue::shutdown)).then(queue.join()))
                .verifyComplete();
        PipelineReport<List<String>> r = run.await().block(Duration.ofSeconds(10));
        assertThat(r.result()).contains(List.of("A", "B", "C"));
    }

    @Test
    void stopFinishesTheItemsInFlightAndLosesNone() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.getOrSet();
        RunningPipeline<List<Long>> run = Pipeline.from(Source.of("ticks", Flux.interval(Duration.ofSeconds(1))))
                .then(Stage.mapAsync("slow", (Long n) -> Tasks.sleep(Duration.ofSeconds(3), n)).concurrency(4))
                .to(Sink.collect("out"))
                .start();
        vts.advanceTimeBy(Duration.ofMillis(4500)); // ticks 0..3 emitted at 1,2,3,4 s; 0 done at 4 s
        PipelineReport<List<Long>> live = run.report();
        assertThat(live.status()).isEqualTo(PipelineStatus.RUNNING);
        assertThat(live.stage("slow").inFlight()).isEqualTo(3);
        Mono<PipelineReport<List<Long>>> stopping = run.stop(Duration.ofSeconds(10));
        vts.advanceTimeBy(Duration.ofSeconds(3)); // the three in flight finish; no new tick is taken
        PipelineReport<List<Long>> r = stopping.block(Duration.ofSeconds(5));
        assertThat(r.status()).isEqualTo(PipelineStatus.STOPPED);
        assertThat(r.result()).contains(List.of(0L, 1L, 2L, 3L));
        assertThat(r.stage("ticks").emitted()).isEqualTo(4);
        assertThat(r.cutOff()).isZero();
        assertThat(r.balances()).isTrue();
    }

    @Test
    void stopCutsOffWhatTheGraceDoesNotCover() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.getOrSet();
        AtomicInteger cancelled = new AtomicInteger();
        RunningPipeline<List<Long>> run = Pipeline.from(Source.of("ticks", Flux.interval(Duration.ofSeconds(1))))
                .then(Stage.mapAsync("slow", (Long n) -> Tasks.sleep(Duration.ofSeconds(10), n)
                        .doOnCancel(cancelled::incrementAndGet)).concurrency(4))
                .to(Sink.collect("out"))
                .start();
        vts.advanceTimeBy(Duration.ofMillis(3500));
        Mono<PipelineReport<List<Long>>> stopping = run.stop(Duration.ofSeconds(2));
        vts.advanceTimeBy(Duration.ofSeconds(2));
        PipelineReport<List<Long>> r = stopping.block(Duration.ofSeconds(5));
        assertThat(r.status()).isEqualTo(PipelineStatus.STOPPED);
        assertThat(r.cutOff()).isEqualTo(3);
        assertThat(cancelled).hasValue(3);
        assertThat(r.toString()).contains("3 item(s) were cut off in flight");
        assertThat(r.balances()).isTrue();
    }

    @Test
    void cancelReleasesEverything() {
        AtomicBoolean sourceReleased = new AtomicBoolean();
        AtomicInteger inFlightCancelled = new AtomicInteger();
        Flux<Integer> source = Flux.using(() -> "resource", r -> Flux.range(0, 1000), r -> sourceReleased.set(true));
        RunningPipeline<Void> run = Pipeline.from(Source.of("numbers", source))
                .then(Stage.mapAsync("forever", (Integer n) -> Mono.<Integer>never().doOnCancel(inFlightCancelled::incrementAndGet))
                        .concurrency(5))
                .to(Sink.forEach("drop", (Integer n) -> { }))
                .start();
        assertThat(run.report().stage("forever").inFlight()).isEqualTo(5);
        PipelineReport<Void> r = run.cancel().block(Duration.ofSeconds(5));
        assertThat(r.status()).isEqualTo(PipelineStatus.CANCELLED);
        assertThat(sourceReleased).isTrue();
        assertThat(inFlightCancelled).hasValue(5);
        assertThat(r.cutOff()).isEqualTo(5);
        assertThat(run.status()).isEqualTo(PipelineStatus.CANCELLED);
    }

    @Test
    void cancellingRunCancelsTheRun() {
        AtomicBoolean released = new AtomicBoolean();
        Pipeline<Void> p = Pipeline.from(Source.of("never", Flux.<Integer>never().doOnCancel(() -> released.set(true))))
                .to(Sink.forEach("drop", (Integer n) -> { }));
        StepVerifier.create(p.run()).expectSubscription().thenCancel().verify();
        assertThat(released).isTrue();
    }

    @Test
    void progressSendsSnapshotsThenTheFinalReport() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.getOrSet();
        RunningPipeline<List<Long>> run = Pipeline.from(Source.of("ticks", Flux.interval(Duration.ofSeconds(1)).take(5)))
                .to(Sink.collect("out"))
                .start();
        List<PipelineReport<List<Long>>> seen = Collections.synchronizedList(new ArrayList<>());
        run.progress(Duration.ofMillis(1400)).subscribe(seen::add); // at 1.4, 2.8, 4.2 s: never on a tick
        vts.advanceTimeBy(Duration.ofSeconds(6));
        assertThat(seen).extracting(PipelineReport::status)
                .containsExactly(PipelineStatus.RUNNING, PipelineStatus.RUNNING, PipelineStatus.RUNNING, PipelineStatus.COMPLETED);
        assertThat(seen).extracting(r -> r.stage("ticks").emitted()).containsExactly(1L, 2L, 4L, 5L);
    }

    @Test
    void listenersHearTheStartRejectionsAndEnd() {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        Pipeline.from(Source.fromIterable("numbers", List.of(1, 2, 3)))
                .then(Stage.map("invert", (Integer n) -> 6 / (n - 2)).onError(ErrorPolicy.skip()))
                .to(Sink.collect("out"))
                .withListener(new PipelineListener() {
                    @Override
                    public void onStart(RunningPipeline<?> run) {
                        events.add("start " + run.status());
                    }

                    @Override
                    public void onItemRejected(String stage, Object item, Throwable error, String action) {
                        events.add(action + " " + stage + " " + item + " " + error.getClass().getSimpleName());
                    }

                    @Override
                    public void onFinish(PipelineReport<?> report) {
                        events.add("finish " + report.status() + " skipped=" + report.stage("invert").skipped());
                    }
                })
                .run().block(Duration.ofSeconds(10));
        assertThat(events).containsExactly("start RUNNING", "skipped invert 2 ArithmeticException", "finish COMPLETED skipped=1");
    }

    @Test
    void aSourceFailureNamesTheSource() {
        StepVerifier.create(Pipeline.from(Source.of("feed", Flux.concat(Flux.just(1), Flux.<Integer>error(new IllegalStateException("feed down")))))
                        .then(Stage.map("id", (Integer n) -> n))
                        .to(Sink.collect("out")).run())
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(PipelineException.class).hasMessageContaining("stage 'feed'")
                            .hasMessageContaining("feed down");
                    PipelineReport<?> report = ((PipelineException) e).report().orElseThrow();
                    assertThat(report.status()).isEqualTo(PipelineStatus.FAILED);
                    assertThat(report.stage("out").received()).isEqualTo(1);
                })
                .verify();
    }
}
