package dev.pipeline.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** Acknowledged sources: each delivery is settled once, when it and everything derived from it have left the run. */
class AcknowledgedSourceTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** Deliveries 1..n whose settlements are recorded; a check run at settlement time records violations. */
    static final class Deliveries {
        final Map<Integer, Settlement> settled = new ConcurrentHashMap<>();
        final List<String> violations = new CopyOnWriteArrayList<>();
        final AtomicInteger emitted = new AtomicInteger();
        volatile IntPredicate readyToSettle = i -> true;

        Source<Integer> source(String name, int n) {
            return Source.acknowledged(name, ctx -> Flux.range(1, n).map(i -> {
                emitted.incrementAndGet();
                return Delivery.of(i, i % 10 == 0, s -> settle(i, s));
            }));
        }

        void settle(int i, Settlement s) {
            if (settled.putIfAbsent(i, s) != null) {
                violations.add(i + " settled twice");
            }
            if (!readyToSettle.test(i)) {
                violations.add(i + " settled (" + s + ") before it was done");
            }
        }

        Set<Integer> settledAs(Settlement s) {
            Set<Integer> out = ConcurrentHashMap.newKeySet();
            settled.forEach((i, v) -> {
                if (v == s) {
                    out.add(i);
                }
            });
            return out;
        }
    }

    private static <R> PipelineReport<R> run(Pipeline<R> pipeline) {
        java.util.concurrent.atomic.AtomicReference<PipelineReport<R>> out = new java.util.concurrent.atomic.AtomicReference<>();
        pipeline.run().as(StepVerifier::create).assertNext(out::set).expectComplete().verify(WAIT);
        return out.get();
    }

    /** Runs a pipeline that must fail; returns its final report. */
    private static PipelineReport<?> failing(Pipeline<?> pipeline) {
        java.util.concurrent.atomic.AtomicReference<PipelineReport<?>> out = new java.util.concurrent.atomic.AtomicReference<>();
        pipeline.run().as(StepVerifier::create)
                .expectErrorSatisfies(e -> out.set(((PipelineException) e).report().orElseThrow()))
                .verify(WAIT);
        return out.get();
    }

    @Nested
    class Sinks_ {

        @Test
        void settlesEachItemOnceAfterTheSinkStoredIt() {
            Deliveries d = new Deliveries();
            Set<Integer> stored = ConcurrentHashMap.newKeySet();
            d.readyToSettle = stored::contains;
            PipelineReport<Void> report = run(Pipeline.from(d.source("queue", 1000))
                    .then(Stage.map("double", (Integer i) -> i * 2))
                    .then(Stage.map("half", (Integer i) -> i / 2))
                    .to(Sink.forEach("store", stored::add)));

            assertThat(d.violations).isEmpty();
            assertThat(d.settledAs(Settlement.STORED)).hasSize(1000);
            AckReport acks = report.acks("queue");
            assertThat(acks.delivered()).isEqualTo(1000);
            assertThat(acks.redelivered()).isEqualTo(100);
            assertThat(acks.stored()).isEqualTo(1000);
            assertThat(acks.inFlight()).isZero();
            assertThat(acks.maxInFlight()).isBetween(1L, 1000L);
            assertThat(report.toString()).contains("acks 'queue': 1000 delivered (100 redelivered), 1000 acked");
        }

        @Test
        void anAsyncSinkSettlesWhenItsMonoCompletes() {
            Deliveries d = new Deliveries();
            Set<Integer> stored = ConcurrentHashMap.newKeySet();
            d.readyToSettle = stored::contains;
            run(Pipeline.from(d.source("queue", 500))
                    .then(Stage.mapAsync("fetch", (Integer i) -> Mono.just(i).delayElement(Duration.ofMillis(i % 3)))
                            .concurrency(8).ordered(false))
                    .to(Sink.forEachAsync("store", (Integer i) -> Mono.delay(Duration.ofMillis(i % 2))
                            .doOnNext(x -> stored.add(i))).concurrency(4)));
            assertThat(d.violations).isEmpty();
            assertThat(d.settledAs(Settlement.STORED)).hasSize(500);
        }

        @Test
        void aCollectSinkSettlesItsItemsWhenTheListIsComplete() {
            Deliveries d = new Deliveries();
            AtomicInteger passed = new AtomicInteger();
            d.readyToSettle = i -> passed.get() == 100;
            PipelineReport<List<Integer>> report = run(Pipeline.from(d.source("queue", 100))
                    .then(Stage.map("count", (Integer i) -> {
                        passed.incrementAndGet();
                        return i;
                    }))
                    .to(Sink.collect("all")));
            assertThat(report.result().orElseThrow()).hasSize(100);
            assertThat(d.violations).isEmpty();
            assertThat(d.settledAs(Settlement.STORED)).hasSize(100);
        }

        @Test
        void aContextSinkSettlesByCountInOrderAndByItemOutOfOrder() {
            Deliveries d = new Deliveries();
            Set<Integer> committed = ConcurrentHashMap.newKeySet();
            d.readyToSettle = i -> committed.contains(i) || i % 7 == 0;
            run(Pipeline.from(d.source("queue", 300))
                    .to(Sink.<Integer, Long>create("db", (items, ctx) -> items.buffer(10)
                            .flatMap(batch -> Mono.delay(Duration.ofMillis(batch.get(0) % 3))
                                    .flatMap(x -> {
                                        List<Integer> good = batch.stream().filter(i -> i % 7 != 0).toList();
                                        committed.addAll(good);
                                        // batches finish out of order: name the items
                                        ctx.completed(good);
                                        return Flux.fromIterable(batch).filter(i -> i % 7 == 0)
                                                .concatMap(i -> ctx.reject(i, new IllegalStateException("bad row " + i), 1))
                                                .then(Mono.just(batch.size()));
                                    }), 4)
                            .count())
                            .onError(ErrorPolicy.skip())));
            assertThat(d.violations).isEmpty();
            assertThat(d.settledAs(Settlement.STORED)).hasSize(300 - 42);
            assertThat(d.settledAs(Settlement.SKIPPED)).hasSize(42).allMatch(i -> i % 7 == 0);
        }

        @Test
        void aContextSinkCompletingByCountSettlesTheOldestItems() {
            Deliveries d = new Deliveries();
            Set<Integer> committed = ConcurrentHashMap.newKeySet();
            d.readyToSettle = committed::contains;
            run(Pipeline.from(d.source("queue", 250))
                    .to(Sink.<Integer, Long>create("db", (items, ctx) -> items.buffer(20)
                            .concatMap(batch -> Mono.delay(Duration.ofMillis(1)).doOnNext(x -> {
                                committed.addAll(batch);
                                ctx.completed(batch.size());
                            }))
                            .count())));
            assertThat(d.violations).isEmpty();
            assertThat(d.settledAs(Settlement.STORED)).hasSize(250);
        }

        @Test
        void aSinkOfTheWholeStreamSettlesEachItemOnceItsConsumerHasIt() {
            Deliveries d = new Deliveries();
            Set<Integer> consumed = ConcurrentHashMap.newKeySet();
            d.readyToSettle = consumed::contains;
            PipelineReport<Long> report = run(Pipeline.from(d.source("queue", 50))
                    .to(Sink.of("whole", (Flux<Integer> items) -> items.doOnNext(consumed::add).count())));
            assertThat(d.violations).isEmpty();
            assertThat(d.settledAs(Settlement.STORED)).hasSize(50);
            assertThat(report.result()).contains(50L);
            assertThat(report.acks("queue").inFlight()).isZero();
        }

        /**
         * A broker with a prefetch: it delivers at most {@code prefetch} unsettled messages and
         * the next one only when one settles, as RabbitMQ's {@code basicQos} and a Kafka source's
         * in-flight bound do. A sink that settled only when the stream ends would stall it.
         */
        Source<Integer> prefetching(String name, int n, int prefetch, Deliveries d) {
            return Source.acknowledged(name, ctx -> {
                Sinks.Many<Integer> next = Sinks.many().unicast().onBackpressureBuffer();
                AtomicInteger sent = new AtomicInteger();
                Runnable deliverOne = () -> {
                    int i = sent.incrementAndGet();
                    if (i <= n) {
                        next.emitNext(i, Sinks.EmitFailureHandler.busyLooping(WAIT));
                    }
                    if (i == n) {
                        next.emitComplete(Sinks.EmitFailureHandler.busyLooping(WAIT));
                    }
                };
                return next.asFlux()
                        .doOnSubscribe(s -> {
                            for (int k = 0; k < prefetch; k++) {
                                deliverOne.run();
                            }
                        })
                        .map(i -> Delivery.of(i, false, s -> {
                            d.settle(i, s);
                            deliverOne.run();
                        }));
            });
        }

        @Test
        void aSinkOfTheWholeStreamDoesNotStallABrokerAtItsPrefetch() {
            Deliveries d = new Deliveries();
            Set<Integer> consumed = ConcurrentHashMap.newKeySet();
            d.readyToSettle = consumed::contains;
            PipelineReport<Long> report = run(Pipeline.from(prefetching("broker", 2000, 4, d))
                    .then(Stage.map("inc", (Integer i) -> i + 1))
                    .to(Sink.of("whole", (Flux<Integer> items) -> items.doOnNext(i -> consumed.add(i - 1)).count())));
            assertThat(d.violations).isEmpty();
            assertThat(d.settledAs(Settlement.STORED)).hasSize(2000);
            assertThat(report.result()).contains(2000L);
            assertThat(report.acks("broker").stored()).isEqualTo(2000);
            assertThat(report.acks("broker").maxInFlight()).isBetween(1L, 4L);
        }

        @Test
        void toQueueSettlesEachItemOnceTheQueueHasItAndDoesNotStallABroker() {
            Deliveries d = new Deliveries();
            dev.pipeline.core.aio.AsyncQueue<Integer> queue = dev.pipeline.core.aio.AsyncQueue.bounded(3);
            List<Integer> taken = new CopyOnWriteArrayList<>();
            reactor.core.Disposable taker = Flux.defer(() -> queue.take().repeat()).subscribe(taken::add);
            try {
                PipelineReport<Void> report = run(Pipeline.from(prefetching("broker", 2000, 4, d))
                        .to(Sink.toQueue("hand-on", queue)));
                assertThat(d.violations).isEmpty();
                assertThat(d.settledAs(Settlement.STORED)).hasSize(2000);
                assertThat(report.acks("broker").stored()).isEqualTo(2000);
                assertThat(report.stage("hand-on").emitted()).isEqualTo(2000);
                assertThat(taken.size() + queue.size()).isEqualTo(2000);
            } finally {
                taker.dispose();
            }
        }

        @Test
        void toFluxSettlesAnItemOnceTheSubscriberHasIt() {
            Deliveries d = new Deliveries();
            Set<Integer> received = ConcurrentHashMap.newKeySet();
            d.readyToSettle = received::contains;
            Pipeline.from(d.source("queue", 100)).then(Stage.map("inc", (Integer i) -> i + 1000)).toFlux()
                    .doOnNext(i -> received.add(i - 1000))
                    .as(StepVerifier::create).expectNextCount(100).expectComplete().verify(WAIT);
            assertThat(d.violations).isEmpty();
            assertThat(d.settledAs(Settlement.STORED)).hasSize(100);
        }

        @Test
        void toFluxHandsOnValuesEvenToAFusingDownstream() {
            Deliveries d = new Deliveries();
            Pipeline.from(d.source("queue", 100)).toFlux()
                    .publishOn(Schedulers.parallel()) // asks its upstream for fusion
                    .map(i -> i + 0)
                    .as(StepVerifier::create).expectNextCount(100).expectComplete().verify(WAIT);
            assertThat(d.settledAs(Settlement.STORED)).hasSize(100);
        }
    }

    @Nested
    class Outcomes {

        @Test
        void filteredItemsSettleAsFilteredInlineOrNot() {
            Deliveries d = new Deliveries();
            Set<Integer> stored = ConcurrentHashMap.newKeySet();
            PipelineReport<Void> report = run(Pipeline.from(d.source("queue", 300))
                    .then(Stage.filter("odd", (Integer i) -> i % 2 == 1))
                    // a retry makes it a per-item stage rather than an inline one
                    .then(Stage.filter("not-3", (Integer i) -> i % 3 != 0).retry(reactor.util.retry.Retry.max(1)))
                    .then(Stage.mapAsync("not-5", (Integer i) -> i % 5 == 0 ? Mono.empty() : Mono.just(i)))
                    .to(Sink.forEach("store", stored::add)));
            assertThat(d.violations).isEmpty();
            assertThat(d.settledAs(Settlement.STORED)).isEqualTo(stored);
            assertThat(d.settledAs(Settlement.FILTERED)).hasSize(300 - stored.size());
            assertThat(report.acks("queue").filtered()).isEqualTo(300 - stored.size());
        }

        @Test
        void skippedItemsSettleAsSkipped() {
            Deliveries d = new Deliveries();
            run(Pipeline.from(d.source("queue", 100))
                    .then(Stage.map("inline", (Integer i) -> {
                        if (i % 10 == 1) {
                            throw new IllegalStateException("bad " + i);
                        }
                        return i;
                    }).onError(ErrorPolicy.skip()))
                    .then(Stage.mapAsync("async", (Integer i) -> i % 10 == 2
                            ? Mono.error(new IllegalStateException("bad " + i)) : Mono.just(i)).onError(ErrorPolicy.skip()))
                    .to(Sink.forEach("store", (Integer i) -> {
                        if (i % 10 == 3) {
                            throw new IllegalStateException("bad " + i);
                        }
                    }).onError(ErrorPolicy.skip())));
            assertThat(d.violations).isEmpty();
            assertThat(d.settledAs(Settlement.SKIPPED)).hasSize(30).allMatch(i -> i % 10 >= 1 && i % 10 <= 3);
            assertThat(d.settledAs(Settlement.STORED)).hasSize(70);
        }

        @Test
        void deadLetteredItemsSettleOnceTheDeadLetterSinkStoredThem() {
            Deliveries d = new Deliveries();
            Set<Object> lettered = ConcurrentHashMap.newKeySet();
            Set<Integer> stored = ConcurrentHashMap.newKeySet();
            d.readyToSettle = i -> stored.contains(i) || lettered.contains(i);
            PipelineReport<Void> report = run(Pipeline.from(d.source("queue", 200))
                    .then(Stage.mapAsync("check", (Integer i) -> i % 4 == 0
                            ? Mono.error(new IllegalArgumentException("bad " + i)) : Mono.just(i))
                            .onError(ErrorPolicy.deadLetter(Sink.forEachAsync("letters", (DeadLetter<?> l) ->
                                    Mono.delay(Duration.ofMillis(2)).doOnNext(x -> lettered.add(l.item()))))))
                    .to(Sink.forEach("store", stored::add)));
            assertThat(d.violations).isEmpty();
            assertThat(d.settledAs(Settlement.DEAD_LETTERED)).hasSize(50).allMatch(i -> i % 4 == 0);
            assertThat(report.acks("queue").deadLettered()).isEqualTo(50);
            assertThat(report.acks("queue").acked()).isEqualTo(150);
        }

        @Test
        void aFailingDeadLetterSinkSettlesNothingItGot() {
            Deliveries d = new Deliveries();
            PipelineReport<?> report = failing(Pipeline.from(d.source("queue", 200))
                    .then(Stage.mapAsync("check", (Integer i) -> i == 20
                            ? Mono.error(new IllegalArgumentException("bad " + i)) : Mono.just(i))
                            .onError(ErrorPolicy.deadLetter(Sink.forEach("letters", (DeadLetter<?> l) -> {
                                throw new IllegalStateException("letters are down");
                            }))))
                    .to(Sink.forEach("store", i -> { })));
            assertThat(d.violations).isEmpty();
            assertThat(d.settled).doesNotContainKey(20);
            assertThat(d.settled.values()).containsOnly(Settlement.STORED);
            AckReport acks = report.acks("queue");
            assertThat(acks.inFlight()).isEqualTo(acks.delivered() - d.settled.size()).isPositive();
        }

        @Test
        void aFailedRunSettlesNothingInFlight() {
            Deliveries d = new Deliveries();
            Set<Integer> stored = ConcurrentHashMap.newKeySet();
            d.readyToSettle = stored::contains;
            PipelineReport<?> report = failing(Pipeline.from(d.source("queue", 10_000))
                    .then(Stage.mapAsync("work", (Integer i) -> i == 300
                            ? Mono.error(new IllegalStateException("boom")) : Mono.just(i).delayElement(Duration.ofMillis(i % 3)))
                            .concurrency(16).ordered(false))
                    .to(Sink.forEach("store", stored::add)));
            assertThat(d.violations).isEmpty();
            assertThat(d.settled).doesNotContainKey(300);
            assertThat(d.settled.keySet()).isEqualTo(stored);
            AckReport acks = report.acks("queue");
            assertThat(acks.inFlight()).isEqualTo(acks.delivered() - acks.settled()).isPositive();
            assertThat(report.toString()).contains("unacked in flight");
        }

        @Test
        void aCancelledRunSettlesNothingAfterTheCancel() {
            Deliveries d = new Deliveries();
            Sinks.Empty<Void> release = Sinks.empty();
            AtomicInteger waiting = new AtomicInteger();
            java.util.concurrent.CountDownLatch tenWaiting = new java.util.concurrent.CountDownLatch(10);
            RunningPipeline<Void> running = Pipeline.from(d.source("queue", 1000))
                    .to(Sink.forEachAsync("store", (Integer i) -> {
                        waiting.incrementAndGet();
                        tenWaiting.countDown();
                        return release.asMono();
                    }).concurrency(10))
                    .start();
            try {
                assertThat(tenWaiting.await(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            PipelineReport<Void> report = running.cancel().block(WAIT);
            release.tryEmitEmpty(); // the sink's calls complete after the cancel: nothing may settle
            assertThat(d.settled).isEmpty();
            assertThat(report.status()).isEqualTo(PipelineStatus.CANCELLED);
            assertThat(report.acks("queue").inFlight()).isEqualTo(report.acks("queue").delivered()).isGreaterThanOrEqualTo(10);
        }
    }

    @Nested
    class DerivedItems {

        @Test
        void aFlatMappedItemSettlesOnceAllItsChildrenAreStored() {
            Deliveries d = new Deliveries();
            Map<Integer, AtomicInteger> children = new ConcurrentHashMap<>();
            d.readyToSettle = i -> i % 5 == 0 || children.getOrDefault(i, new AtomicInteger()).get() == 3;
            run(Pipeline.from(d.source("queue", 300))
                    .then(Stage.flatMap("explode", (Integer i) -> i % 5 == 0 ? Flux.empty()
                            : Flux.just(i * 10, i * 10 + 1, i * 10 + 2)).concurrency(4))
                    .to(Sink.forEachAsync("store", (Integer c) -> Mono.delay(Duration.ofMillis(c % 3))
                            .doOnNext(x -> children.computeIfAbsent(c / 10, k -> new AtomicInteger()).incrementAndGet()))
                            .concurrency(8)));
            assertThat(d.violations).isEmpty();
            assertThat(d.settledAs(Settlement.STORED)).hasSize(240);
            assertThat(d.settledAs(Settlement.FILTERED)).hasSize(60).allMatch(i -> i % 5 == 0);
        }

        @Test
        void aBroadcastItemSettlesOnceEveryCopyIsDone() {
            Deliveries d = new Deliveries();
            Set<Integer> audited = ConcurrentHashMap.newKeySet();
            Set<Integer> stored = ConcurrentHashMap.newKeySet();
            d.readyToSettle = i -> audited.contains(i) && (stored.contains(i) || i % 3 == 0);
            run(Pipeline.from(d.source("queue", 400))
                    .broadcast("copy",
                            Branch.to("audit", Sink.forEachAsync("audit-log", (Integer i) -> Mono.delay(Duration.ofMillis(i % 4))
                                    .doOnNext(x -> audited.add(i))).concurrency(4)),
                            Branch.to("main", (PipelineBuilder<Integer> b) -> b.then(Stage.filter("not-3", (Integer i) -> i % 3 != 0)),
                                    Sink.forEach("store", stored::add)))
                    .end());
            assertThat(d.violations).isEmpty();
            // the worst of the copies: stored beats filtered
            assertThat(d.settledAs(Settlement.STORED)).hasSize(400);
        }

        @Test
        void aBroadcastSettlesAsTheWorstOfItsCopies() {
            Deliveries d = new Deliveries();
            run(Pipeline.from(d.source("queue", 100))
                    .broadcast("copy",
                            Branch.to("a", (PipelineBuilder<Integer> b) -> b.then(Stage.mapAsync("a-check", (Integer i) -> i % 2 == 0
                                    ? Mono.error(new IllegalStateException("bad")) : Mono.just(i))
                                    .onError(ErrorPolicy.deadLetter(Sink.forEach("a-letters", l -> { })))),
                                    Sink.forEach("a-out", i -> { })),
                            Branch.to("b", (PipelineBuilder<Integer> b) -> b.then(Stage.filter("b-keep", (Integer i) -> i % 3 != 0)),
                                    Sink.forEach("b-out", i -> { })))
                    .end());
            assertThat(d.violations).isEmpty();
            assertThat(d.settledAs(Settlement.DEAD_LETTERED)).hasSize(50).allMatch(i -> i % 2 == 0);
            assertThat(d.settledAs(Settlement.STORED)).hasSize(50);
        }

        @Test
        void aRoutedItemSettlesInItsBranch() {
            Deliveries d = new Deliveries();
            Set<Integer> evens = ConcurrentHashMap.newKeySet();
            Set<Integer> odds = ConcurrentHashMap.newKeySet();
            d.readyToSettle = i -> evens.contains(i) || odds.contains(i) || i % 10 == 5;
            run(Pipeline.from(d.source("queue", 300))
                    .route(Route.by("parity", (Integer i) -> i % 10 == 5 ? "nowhere" : i % 2 == 0 ? "even" : "odd")
                                    .onError(ErrorPolicy.skip()),
                            Branch.to("even", Sink.forEachAsync("evens", (Integer i) -> Mono.delay(Duration.ofMillis(1))
                                    .doOnNext(x -> evens.add(i)))),
                            Branch.to("odd", Sink.forEach("odds", odds::add)))
                    .end());
            assertThat(d.violations).isEmpty();
            assertThat(d.settledAs(Settlement.STORED)).hasSize(270);
            assertThat(d.settledAs(Settlement.SKIPPED)).hasSize(30);
        }

        @Test
        void aBatchSettlesAllItsMembersOnceStored() {
            Deliveries d = new Deliveries();
            Set<Integer> stored = ConcurrentHashMap.newKeySet();
            d.readyToSettle = stored::contains;
            run(Pipeline.from(d.source("queue", 95))
                    .then(Stage.batch("tens", 10, Duration.ofSeconds(5)))
                    .to(Sink.forEachAsync("insert", (List<Integer> batch) -> Mono.delay(Duration.ofMillis(2))
                            .doOnNext(x -> stored.addAll(batch)))));
            assertThat(d.violations).isEmpty();
            assertThat(d.settledAs(Settlement.STORED)).hasSize(95);
        }

        @Test
        void buffersWorkersPartitionsAndRetriesCarryTheTicket() {
            Deliveries d = new Deliveries();
            Set<Integer> stored = ConcurrentHashMap.newKeySet();
            d.readyToSettle = stored::contains;
            Map<Integer, AtomicInteger> tries = new ConcurrentHashMap<>();
            run(Pipeline.from(d.source("queue", 400))
                    .buffer("hand-off", 16).workers(3)
                    .then(Stage.mapAsync("flaky", (Integer i) -> tries.computeIfAbsent(i, k -> new AtomicInteger()).incrementAndGet() < 2
                            && i % 3 == 0 ? Mono.error(new IllegalStateException("try again")) : Mono.just(i))
                            .retry(reactor.util.retry.Retry.max(2)))
                    .then(Stage.mapAsyncPartitioned("per-key", (Integer i) -> i % 7, (Integer i) -> Mono.just(i)
                            .publishOn(Schedulers.parallel())).concurrency(4))
                    .then(Stage.throttle("limit", 1000, Duration.ofMillis(10)))
                    .to(Sink.forEach("store", stored::add)));
            assertThat(d.violations).isEmpty();
            assertThat(d.settledAs(Settlement.STORED)).hasSize(400);
        }

        @Test
        void aMergeOfAcknowledgedAndPlainSourcesSettlesOnlyTheDeliveries() {
            Deliveries d = new Deliveries();
            Set<Integer> stored = ConcurrentHashMap.newKeySet();
            PipelineReport<Void> report = run(Pipeline.merge("both",
                            Pipeline.from(d.source("queue", 100)),
                            Pipeline.from(Source.fromIterable("plain", java.util.stream.IntStream.rangeClosed(1001, 1100).boxed().toList())))
                    .then(Stage.batch("pairs", 2, Duration.ofMillis(50)))
                    .to(Sink.forEach("store", (List<Integer> b) -> stored.addAll(b))));
            assertThat(stored).hasSize(200);
            assertThat(d.settledAs(Settlement.STORED)).hasSize(100);
            assertThat(report.acks()).extracting(AckReport::source).containsExactly("queue");
        }

        @Test
        void aCustomStageIsRefusedAfterAnAcknowledgedSource() {
            Deliveries d = new Deliveries();
            Pipeline<Void> p = Pipeline.from(d.source("queue", 10))
                    .then(Stage.of("custom", (Flux<Integer> in) -> in.map(i -> i + 1)))
                    .to(Sink.forEach("store", i -> { }));
            p.run().as(StepVerifier::create)
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(PipelineException.class)
                            .hasMessageContaining("custom").hasMessageContaining("acknowledged source"))
                    .verify(WAIT);
            assertThat(d.settled).isEmpty();
        }
    }

    @Nested
    class Reports {

        @Test
        void aPipelineWithoutAcknowledgedSourcesHasNoAckReport() {
            PipelineReport<Void> report = run(Pipeline.from(Source.fromIterable("n", List.of(1, 2, 3)))
                    .to(Sink.forEach("s", i -> { })));
            assertThat(report.acks()).isEmpty();
            assertThat(report.toString()).doesNotContain("acks '");
        }

        @Test
        void theLongestWaitIsMeasuredInTheRunsTime() {
            Deliveries d = new Deliveries();
            StepVerifier.withVirtualTime(() -> Pipeline.from(d.source("queue", 3))
                            .to(Sink.forEachAsync("slow", (Integer i) -> Mono.delay(Duration.ofSeconds(i))))
                            .run())
                    .thenAwait(Duration.ofSeconds(10))
                    .assertNext(r -> {
                        assertThat(r.acks("queue").longestWait()).isEqualTo(Duration.ofSeconds(3));
                        assertThat(r.acks("queue").maxInFlight()).isGreaterThanOrEqualTo(1);
                    })
                    .expectComplete()
                    .verify(WAIT);
        }

        @Test
        void whenRunEndsCompletesWhenTheRunHasEnded() {
            AtomicInteger ends = new AtomicInteger();
            run(Pipeline.from(Source.acknowledged("queue", ctx -> {
                        ctx.whenRunEnds().subscribe(null, null, ends::incrementAndGet);
                        return Flux.range(1, 5).map(i -> Delivery.of(i, false, s -> { }));
                    }))
                    .to(Sink.forEach("s", i -> { })));
            assertThat(ends).hasValue(1);
        }
    }

    @Nested
    class Concurrency {

        @Test
        void underContentionEveryDeliverySettlesOnceAfterAllItsPieces() {
            for (int round = 0; round < 15; round++) {
                int n = 2000;
                Deliveries d = new Deliveries();
                Map<Integer, AtomicInteger> pieces = new ConcurrentHashMap<>();
                // each item: two flatMap children stored by one branch, its batch stored by the other
                d.readyToSettle = i -> pieces.getOrDefault(i, new AtomicInteger()).get() == 3;
                java.util.function.IntConsumer piece = i -> pieces.computeIfAbsent(i, k -> new AtomicInteger()).incrementAndGet();
                PipelineReport<Void> report = run(Pipeline.from(d.source("queue", n))
                        .buffer("hand-off", 32).workers(2)
                        .broadcast("copy",
                                Branch.to("children", (PipelineBuilder<Integer> b) -> b
                                                .then(Stage.flatMap("two", (Integer i) -> Flux.just(i, -i)
                                                        .publishOn(Schedulers.parallel())).concurrency(4)),
                                        Sink.forEachAsync("store-children", (Integer c) -> Mono.fromRunnable(() -> piece.accept(Math.abs(c)))
                                                .subscribeOn(Schedulers.parallel()).then()).concurrency(8)),
                                Branch.to("batches", (PipelineBuilder<Integer> b) -> b
                                                .then(Stage.batch("sevens", 7, Duration.ofMillis(5))),
                                        Sink.forEachAsync("store-batches", (List<Integer> batch) -> Mono.fromRunnable(() ->
                                                batch.forEach(piece::accept)).subscribeOn(Schedulers.parallel()).then()).concurrency(4)))
                        .end());
                assertThat(d.violations).as("round %d", round).isEmpty();
                assertThat(d.settledAs(Settlement.STORED)).as("round %d", round).hasSize(n);
                assertThat(report.acks("queue").inFlight()).isZero();
            }
        }
    }

    @Nested
    class Guide {

        /** Stands in for a broker's channel: acks and nacks by delivery tag. */
        final Map<Long, String> broker = new ConcurrentHashMap<>();

        void ack(long tag) {
            broker.put(tag, "ack");
        }

        void nack(long tag) {
            broker.put(tag, "nack");
        }

        @Test
        void aBrokerAcksWhatWasStoredAndNacksWhatWasDeadLettered() {
            List<String> messages = List.of("order-1", "order-2", "bad", "order-4");
            List<Object> letters = new CopyOnWriteArrayList<>();
            List<String> db = new CopyOnWriteArrayList<>();
            // tag::acknowledged[]
            Source<String> queue = Source.acknowledged("orders", ctx -> Flux.range(0, messages.size())
                    .map(i -> {
                        long tag = i + 1;   // the broker's delivery tag
                        return Delivery.of(messages.get(i), false, settlement -> {
                            if (settlement == Settlement.DEAD_LETTERED) {
                                nack(tag);  // to the broker's dead-letter exchange
                            } else {
                                ack(tag);   // stored, filtered or skipped: done for good
                            }
                        });
                    }));
            PipelineReport<Void> report = Pipeline.from(queue)
                    .then(Stage.mapAsync("validate", (String m) -> m.equals("bad")
                                    ? Mono.error(new IllegalArgumentException("not an order: " + m))
                                    : Mono.just(m.toUpperCase()))
                            .onError(ErrorPolicy.deadLetter(Sink.forEach("letters", letters::add))))
                    .to(Sink.forEach("db", db::add))
                    .run().block();
            // end::acknowledged[]
            assertThat(db).containsExactly("ORDER-1", "ORDER-2", "ORDER-4");
            assertThat(letters).hasSize(1);
            assertThat(broker).containsEntry(1L, "ack").containsEntry(2L, "ack").containsEntry(3L, "nack")
                    .containsEntry(4L, "ack");
            assertThat(report.acks("orders").toString()).isEqualTo(
                    "acks 'orders': 4 delivered (0 redelivered), 3 acked (3 stored, 0 filtered, 0 skipped), 1 dead-lettered,"
                            + " 0 unacked in flight (max " + report.acks("orders").maxInFlight() + "), longest wait "
                            + String.format(java.util.Locale.ROOT, "%.3f", report.acks("orders").longestWait().toNanos() / 1e9) + " s");
        }
    }
}
