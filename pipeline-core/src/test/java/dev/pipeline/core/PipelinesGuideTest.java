package dev.pipeline.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import dev.pipeline.core.aio.AsyncQueue;
import dev.pipeline.core.aio.Tasks;
import dev.pipeline.core.micrometer.MicrometerPipelineListener;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Scannable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SynchronousSink;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;
import reactor.util.retry.Retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The examples of docs/pipelines.md: every tagged region is copied into the guide
 * (DocSnippetsTest keeps the copies identical), and every test checks what its snippet claims.
 */
class PipelinesGuideTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    // tag::helpers[]
    /** Stands in for an HTTP GET (an {@code async def}): a coroutine emitting the page at a URL. */
    static Mono<String> fetch(String url) {
        return Mono.fromCallable(() -> "<html>" + url + "</html>");
    }
    // end::helpers[]

    /** Stands in for a blocking read (a legacy client, a JDBC call). */
    static String readFile(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A deposit to an account, for the partitioned example. */
    record Deposit(String account, int amount) {
    }

    /** What the asynchronous sinks stored. */
    private final List<String> saved = new CopyOnWriteArrayList<>();
    /** What the report example inserted. */
    private final List<Integer> inserted = new CopyOnWriteArrayList<>();
    private final AtomicBoolean sevenFailedOnce = new AtomicBoolean();

    /** Stands in for an INSERT: completes once the row is stored. */
    Mono<Void> save(String row) {
        return Mono.fromRunnable(() -> saved.add(row));
    }

    /** Stands in for a batch INSERT: emits how many rows were stored. */
    Mono<Integer> insert(List<Integer> rows) {
        return Mono.fromCallable(() -> {
            inserted.addAll(rows);
            return rows.size();
        });
    }

    /** Stands in for a price service: it never knows 13, and its first answer for 7 is lost. */
    Mono<Integer> price(int n) {
        return Mono.defer(() -> {
            if (n == 13) {
                return Mono.error(new NoSuchElementException("no price for 13"));
            }
            if (n == 7 && sevenFailedOnce.compareAndSet(false, true)) {
                return Mono.error(new IOException("connection reset"));
            }
            return Mono.just(n * 100);
        });
    }

    @AfterEach
    void resetVirtualTime() {
        VirtualTimeScheduler.reset();
    }

    @Nested
    class TheModel {

        @Test
        void producersABoundedQueueAndConsumers() {
            // tag::quickstart[]
            Source<String> urls = Source.fromIterable("urls", List.of("a", "bb", "ccc", "dddd"));
            Pipeline<List<Integer>> lengths = Pipeline.from(urls)
                    .then(Stage.mapAsync("fetch", (String url) -> fetch(url)).concurrency(4))   // 4 GETs at a time
                    .buffer("pages", 16)                           // asyncio.Queue(maxsize=16) ...
                    .workers(2)                                    // ... and two consumer tasks
                    .then(Stage.map("length", String::length))
                    .to(Sink.collect("lengths"));
            PipelineReport<List<Integer>> report = lengths.run().block(Duration.ofSeconds(10));
            // end::quickstart[]
            assertThat(report.status()).isEqualTo(PipelineStatus.COMPLETED);
            assertThat(report.result().orElseThrow()).containsExactlyInAnyOrder(14, 15, 16, 17);
            assertThat(report.stage("pages").workers()).isEqualTo(2);
            assertThat(report.stage("length").received()).isEqualTo(4);
            assertThat(report.balances()).isTrue();
        }

        @Test
        void aPipelineIsColdImmutableAndRunsAnyNumberOfTimes() {
            // tag::cold[]
            AtomicInteger reads = new AtomicInteger();
            Flux<String> digits = Flux.just("1", "2", "3").doOnSubscribe(s -> reads.incrementAndGet());
            Source<String> words = Source.of("words", digits);
            PipelineBuilder<Integer> parsed = Pipeline.from(words)
                    .then(Stage.map("parse", (String s) -> Integer.valueOf(s)));
            Pipeline<List<Integer>> all = parsed.to(Sink.collect("all"));       // a prefix can be shared
            Pipeline<Long> count = parsed.to(Sink.of("count", (Flux<Integer> items) -> items.count()));
            Mono<PipelineReport<List<Integer>>> run = all.run();                 // cold: reads == 0 still
            PipelineReport<List<Integer>> first = run.block(Duration.ofSeconds(10));    // reads == 1
            PipelineReport<List<Integer>> second = run.block(Duration.ofSeconds(10));   // reads == 2, counted afresh
            // end::cold[]
            assertThat(first.result()).contains(List.of(1, 2, 3));
            assertThat(second.result()).contains(List.of(1, 2, 3));
            assertThat(second.stage("parse").received()).isEqualTo(3);
            assertThat(reads).hasValue(2);
            assertThat(count.run().block(WAIT).result()).contains(3L);
            assertThat(reads).hasValue(3);
        }

        @Test
        void toFluxTestsAChainOfStagesWithStepVerifier() {
            // tag::toFlux[]
            Flux<Integer> lengths = Pipeline.from(Source.fromIterable("words", List.of("a", "bb", "ccc")))
                    .then(Stage.map("length", String::length))
                    .buffer("hand-off", 2)
                    .then(Stage.filter("long", (Integer n) -> n > 1))
                    .toFlux();                                     // each subscription is a run, without a report
            StepVerifier.create(lengths)
                    .expectNext(2, 3)
                    .verifyComplete();
            // end::toFlux[]
        }
    }

    @Nested
    class Sources {

        @Test
        void fromPublishersIterablesAndGenerators() {
            // tag::sources[]
            Source<String> words = Source.of("words", Flux.just("a", "b"));              // any Publisher
            Source<Integer> numbers = Source.fromIterable("numbers", List.of(1, 2, 3));   // read as requested
            Source<Integer> upTo2 = Source.generate("up-to-2", () -> 0,                  // state: fresh every run
                    (Integer n, SynchronousSink<Integer> sink) -> {
                        sink.next(n);                                                     // one item per request
                        if (n == 2) {
                            sink.complete();
                        }
                        return n + 1;
                    });
            // end::sources[]
            StepVerifier.create(words.flux()).expectNext("a", "b").verifyComplete();
            StepVerifier.create(numbers.flux()).expectNext(1, 2, 3).verifyComplete();
            StepVerifier.create(upTo2.flux()).expectNext(0, 1, 2).verifyComplete();
            StepVerifier.create(upTo2.flux()).expectNext(0, 1, 2).verifyComplete();
            assertThat(Pipeline.from(upTo2).to(Sink.collect("out")).run().block(WAIT).result())
                    .contains(List.of(0, 1, 2));
        }

        @Test
        void fromAnAsyncQueueFedByProducersElsewhere() {
            // tag::fromQueue[]
            AsyncQueue<String> inbox = AsyncQueue.bounded(100);
            RunningPipeline<List<String>> consumer = Pipeline.from(Source.fromQueue("inbox", inbox))
                    .then(Stage.map("upper", String::toUpperCase))
                    .to(Sink.collect("out"))
                    .start();
            inbox.putAll(Flux.just("a", "b")).then(inbox.join())         // a producer: put, then join()
                    .block(Duration.ofSeconds(10));
            inbox.shutdown();                                           // the source completes once drained
            PipelineReport<List<String>> report = consumer.await().block(Duration.ofSeconds(10));
            // end::fromQueue[]
            assertThat(report.result()).contains(List.of("A", "B"));
            assertThat(report.stage("inbox").emitted()).isEqualTo(2);
        }

        @Test
        void aCreatedSourceRejectsBadRecordsThroughItsPolicy() {
            // tag::sourceCreate[]
            Source<Integer> numbers = Source.create("lines", ctx -> Flux.just("1", "x", "3").concatMap(line -> {
                try {
                    return Mono.just(Integer.parseInt(line));
                } catch (NumberFormatException e) {
                    return ctx.reject(line, e, 1).then(Mono.<Integer>empty());   // apply the source's policy
                }
            })).onError(ErrorPolicy.skip());
            // end::sourceCreate[]
            PipelineReport<List<Integer>> report = Pipeline.from(numbers).to(Sink.collect("out")).run().block(WAIT);
            assertThat(report.result()).contains(List.of(1, 3));
            assertThat(report.stage("lines").received()).isEqualTo(3);
            assertThat(report.stage("lines").skipped()).isEqualTo(1);
            StepVerifier.create(numbers.flux())
                    .expectNext(1)
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(PipelineException.class)
                            .hasMessageContaining("stage 'lines' failed on item x"))
                    .verify(WAIT);
        }
    }

    @Nested
    class Stages {

        @Test
        void mapAndFilterRunInline() {
            // tag::mapFilter[]
            Stage<String, String> trim = Stage.map("trim", String::strip);                  // a plain def per item
            Stage<String, String> nonBlank = Stage.filter("non-blank", (String s) -> !s.isEmpty());
            // end::mapFilter[]
            PipelineReport<List<String>> report = Pipeline.from(Source.fromIterable("lines", List.of(" a ", " ", "b")))
                    .then(trim).then(nonBlank).to(Sink.collect("out")).run().block(WAIT);
            assertThat(report.result()).contains(List.of("a", "b"));
            assertThat(report.stage("non-blank").filtered()).isEqualTo(1);
            assertThat(report.stage("non-blank").kind()).isEqualTo("filter");
        }

        @Test
        void mapAsyncIsGatherOrAsCompleted() {
            // tag::mapAsync[]
            // item n takes (4 - n) seconds; three run at once, like gather() under a Semaphore(3)
            Stage<Integer, Integer> inOrder = Stage.mapAsync("slow",
                    (Integer n) -> Tasks.sleep(Duration.ofSeconds(4 - n), n)).concurrency(3);
            Stage<Integer, Integer> asCompleted = inOrder.ordered(false);       // like as_completed()
            StepVerifier.withVirtualTime(() -> Pipeline.from(Source.fromIterable("n", List.of(1, 2, 3)))
                            .then(asCompleted).toFlux())
                    .thenAwait(Duration.ofSeconds(3))                             // 3 s in all, not 6
                    .expectNext(3, 2, 1)                                          // inOrder: 1, 2, 3
                    .verifyComplete();
            // end::mapAsync[]
            StepVerifier.withVirtualTime(() -> Pipeline.from(Source.fromIterable("n", List.of(1, 2, 3)))
                            .then(inOrder).toFlux())
                    .expectSubscription()
                    .expectNoEvent(Duration.ofMillis(2999))
                    .thenAwait(Duration.ofMillis(1))
                    .expectNext(1, 2, 3)
                    .verifyComplete();
        }

        @Test
        void blockingRunsOnBoundedElastic(@TempDir Path dir) throws IOException {
            List<Path> files = new ArrayList<>();
            for (String name : List.of("a", "b", "c")) {
                files.add(Files.writeString(dir.resolve(name + ".txt"), "content of " + name));
            }
            // tag::blocking[]
            Stage<Path, String> read = Stage.blocking("read", (Path file) -> readFile(file))   // asyncio.to_thread
                    .concurrency(4);                                                          // 4 threads at most
            // end::blocking[]
            // items arrive on a non-blocking thread: BlockHound would fail a read made there
            Source<Path> onParallel = Source.of("files", Flux.fromIterable(files).publishOn(Schedulers.parallel()));
            PipelineReport<List<String>> report = Pipeline.from(onParallel).then(read).to(Sink.collect("out"))
                    .run().block(WAIT);
            assertThat(report.result()).contains(List.of("content of a", "content of b", "content of c"));
            assertThat(Pipeline.from(onParallel).then(Stage.blocking("where", (Path f) -> Thread.currentThread().getName()))
                    .toFlux().collectList().block(WAIT)).allSatisfy(t -> assertThat(t).startsWith("boundedElastic-"));
        }

        @Test
        void flatMapCountsInputsAndResults() {
            // tag::flatMap[]
            Stage<String, String> words = Stage.flatMap("words", (String line) -> Flux.fromArray(line.split(" ")));
            // end::flatMap[]
            PipelineReport<List<String>> report = Pipeline.from(Source.fromIterable("lines", List.of("to be", "or not to be")))
                    .then(words).to(Sink.collect("out")).run().block(WAIT);
            assertThat(report.result().orElseThrow()).containsExactly("to", "be", "or", "not", "to", "be");
            StageReport w = report.stage("words");
            assertThat(w.received()).isEqualTo(2);
            assertThat(w.emitted()).isEqualTo(2);
            assertThat(w.outputs()).isEqualTo(6);
            assertThat(report.stage("out").received()).isEqualTo(6);
        }

        @Test
        void batchEmitsWhenFullOrWhenTheWaitRunsOut() {
            // tag::batch[]
            Stage<Integer, List<Integer>> rows = Stage.batch("rows", 100, Duration.ofMillis(500));   // a list per INSERT
            // end::batch[]
            StepVerifier.withVirtualTime(() -> Pipeline.from(Source.of("ids", Flux.range(1, 250).concatWith(Flux.never())))
                            .then(rows).toFlux())
                    .assertNext(list -> assertThat(list).hasSize(100))
                    .assertNext(list -> assertThat(list).hasSize(100))
                    .expectNoEvent(Duration.ofMillis(499))
                    .thenAwait(Duration.ofMillis(1))
                    .assertNext(list -> assertThat(list).hasSize(50).startsWith(201))
                    .thenCancel()
                    .verify(WAIT);
            PipelineReport<List<List<Integer>>> report = Pipeline.from(Source.of("ids", Flux.range(1, 250)))
                    .then(rows).to(Sink.collect("out")).run().block(WAIT);
            assertThat(report.stage("rows").emitted()).isEqualTo(250);
            assertThat(report.stage("rows").outputs()).isEqualTo(3);
        }

        @Test
        void throttleIsARateLimit() {
            // tag::throttle[]
            Stage<Integer, Integer> limit = Stage.throttle("api-limit", 2, Duration.ofSeconds(1));   // <= 2 in any 1 s
            // end::throttle[]
            StepVerifier.withVirtualTime(() -> Pipeline.from(Source.fromIterable("calls", List.of(1, 2, 3, 4, 5)))
                            .then(limit).toFlux())
                    .expectNext(1, 2)
                    .expectNoEvent(Duration.ofMillis(999))
                    .thenAwait(Duration.ofMillis(1))
                    .expectNext(3, 4)
                    .thenAwait(Duration.ofSeconds(1))
                    .expectNext(5)
                    .verifyComplete();
        }

        @Test
        void partitionedKeepsOrderPerKeyAndRunsKeysInParallel() {
            List<Deposit> deposits = List.of(new Deposit("alice", 10), new Deposit("bob", 1), new Deposit("alice", 20),
                    new Deposit("bob", 2), new Deposit("alice", 30), new Deposit("bob", 3));
            // tag::partitioned[]
            Stage<Deposit, Deposit> apply = Stage.mapAsyncPartitioned("apply", (Deposit d) -> d.account(),
                            (Deposit d) -> Tasks.sleep(Duration.ofSeconds(1), d))     // stands in for a 1 s UPDATE
                    .concurrency(2);                                                  // 2 lanes, each one at a time
            // end::partitioned[]
            StepVerifier.withVirtualTime(() -> Pipeline.from(Source.fromIterable("deposits", deposits))
                            .then(apply).toFlux().collectList())
                    .expectSubscription()
                    .expectNoEvent(Duration.ofMillis(2999))                 // alice and bob side by side: 3 s, not 6
                    .thenAwait(Duration.ofMillis(1))
                    .assertNext(done -> {
                        assertThat(done.stream().filter(d -> d.account().equals("alice")))
                                .extracting(Deposit::amount).containsExactly(10, 20, 30);
                        assertThat(done.stream().filter(d -> d.account().equals("bob")))
                                .extracting(Deposit::amount).containsExactly(1, 2, 3);
                    })
                    .verifyComplete();
        }

        @Test
        void anyReactorChainIsACustomStage() {
            // tag::custom[]
            Stage<Integer, Integer> noRepeats = Stage.of("no-repeats", (Flux<Integer> in) -> in.distinctUntilChanged());
            // end::custom[]
            PipelineReport<List<Integer>> report = Pipeline.from(Source.fromIterable("n", List.of(1, 1, 2, 2, 2, 3)))
                    .then(noRepeats).to(Sink.collect("out")).run().block(WAIT);
            assertThat(report.result()).contains(List.of(1, 2, 3));
            StageReport custom = report.stage("no-repeats");
            assertThat(custom.itemized()).isFalse();
            assertThat(custom.received()).isEqualTo(6);
            assertThat(custom.emitted()).isEqualTo(3);
            assertThat(custom.filtered()).isZero();
            assertThat(custom.inFlight()).isZero();
            assertThat(custom.balances()).isTrue();
        }

        @Test
        void optionsReturnCopiesWithDefaultsStated() {
            // tag::options[]
            Stage<String, String> fetchPages = Stage.mapAsync("fetch", (String url) -> fetch(url))
                    .concurrency(16)                                   // default 1: one item at a time
                    .ordered(false)                                    // default true: results in input order
                    .timeout(Duration.ofSeconds(5))                    // default: no timeout
                    .retry(Retry.backoff(3, Duration.ofMillis(100)))   // default: no retry
                    .onError(ErrorPolicy.skip());                      // default: ErrorPolicy.failFast()
            Stage<String, String> gentle = fetchPages.concurrency(2);  // a new stage: fetchPages keeps 16
            // end::options[]
            assertThat(fetchPages).hasToString("Stage[fetch (mapAsync), concurrency=16, onError=skip]");
            assertThat(gentle).hasToString("Stage[fetch (mapAsync), concurrency=2, onError=skip]");
            assertThat(Stage.mapAsync("fetch", (String url) -> fetch(url))).hasToString("Stage[fetch (mapAsync)]");
            StepVerifier.create(Pipeline.from(Source.fromIterable("urls", List.of("a", "b"))).then(gentle).toFlux())
                    .expectNextCount(2)
                    .verifyComplete();
            assertThatThrownBy(() -> Stage.map("parse", (String s) -> s).concurrency(4))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("concurrency() does not apply to map stage 'parse'");
            assertThatThrownBy(() -> Stage.map("parse", (String s) -> s).timeout(Duration.ofSeconds(1)))
                    .hasMessage("timeout() does not apply to map stage 'parse'");
        }

        @Test
        void aTimedOutAttemptIsRetried() {
            // tag::timeoutRetry[]
            AtomicInteger attempts = new AtomicInteger();
            Stage<String, String> patient = Stage.mapAsync("fetch", (String url) ->
                            attempts.incrementAndGet() == 1 ? Mono.<String>never() : fetch(url))   // the first GET hangs
                    .timeout(Duration.ofSeconds(2))                      // ItemTimeoutException at 2 s ...
                    .retry(Retry.fixedDelay(3, Duration.ofSeconds(1)));  // ... the second attempt at 3 s succeeds
            // end::timeoutRetry[]
            StepVerifier.withVirtualTime(() -> Pipeline.from(Source.fromIterable("urls", List.of("a")))
                            .then(patient).to(Sink.collect("pages")).run())
                    .expectSubscription()
                    .expectNoEvent(Duration.ofMillis(2999))
                    .thenAwait(Duration.ofMillis(1))
                    .assertNext(report -> {
                        assertThat(report.result()).contains(List.of("<html>a</html>"));
                        assertThat(report.stage("fetch").retried()).isEqualTo(1);
                    })
                    .verifyComplete();
            assertThat(attempts).hasValue(2);
        }

        @Test
        void aCircuitBreakerFailsItemsFastWhileTheApiIsDown() {
            List<DeadLetter<?>> unpriced = new CopyOnWriteArrayList<>();
            AtomicInteger calls = new AtomicInteger();
            // tag::circuitBreaker[]
            Breaker pricing = Breaker.consecutiveFailures("pricing-api", 5, Duration.ofSeconds(30));
            Stage<String, String> price = Stage.mapAsync("price", (String sku) -> priceOf(sku, calls))
                    .retry(Retry.fixedDelay(2, Duration.ofMillis(100)))   // retries count as calls
                    .circuitBreaker(pricing)                               // opens after 5 failures in a row
                    .onError(ErrorPolicy.deadLetter(Sink.forEach("unpriced", unpriced::add)));
            // end::circuitBreaker[]
            List<String> skus = IntStream.rangeClosed(1, 1000).mapToObj(i -> "sku-" + i).toList();
            StepVerifier.withVirtualTime(() -> Pipeline.from(Source.fromIterable("skus", skus)).then(price)
                            .to(Sink.forEach("priced", p -> { })).run())
                    .thenAwait(Duration.ofMinutes(1))
                    .assertNext(report -> {
                        assertThat(report.stage("price").deadLettered()).isEqualTo(1000);
                        assertThat(report.duration()).isEqualTo(Duration.ofMillis(450)); // not 1000 x 3 attempts
                        assertThat(report.breakers()).singleElement().satisfies(b -> {
                            assertThat(b.state()).isEqualTo("OPEN");
                            assertThat(b.shortCircuited()).isEqualTo(999);
                        });
                        assertThat(report.toString()).contains(
                                "circuit breaker 'pricing-api' (price): OPEN, 999 short-circuited, [CLOSED->OPEN at 0.350 s]");
                    })
                    .verifyComplete();
            assertThat(calls).hasValue(5); // the first sku's 3 attempts and the second's first 2
            assertThat(unpriced.get(999).error()).isInstanceOf(CircuitOpenException.class)
                    .hasMessageStartingWith("circuit breaker 'pricing-api' is OPEN since");
        }
    }

    /** An API that is down: every call fails after 10 ms. */
    private static Mono<String> priceOf(String sku, AtomicInteger calls) {
        return Mono.delay(Duration.ofMillis(10)).then(Mono.error(() -> {
            calls.incrementAndGet();
            return new IllegalStateException("GET /prices/" + sku + " returned 503");
        }));
    }

    @Nested
    class SinkFactories {

        private <R> PipelineReport<R> runInto(Sink<String, R> sink) {
            return Pipeline.from(Source.fromIterable("words", List.of("a", "b", "c"))).to(sink).run().block(WAIT);
        }

        @Test
        void everySinkFactory() {
            // tag::sinks[]
            List<String> printed = new CopyOnWriteArrayList<>();
            AsyncQueue<String> next = AsyncQueue.bounded(10);
            Sink<String, Void> print = Sink.forEach("print", printed::add);                             // a def per item
            Sink<String, Void> store = Sink.forEachAsync("store", (String s) -> save(s)).concurrency(8); // an async def
            Sink<String, List<String>> all = Sink.collect("all");                                       // a list result
            Sink<String, Long> count = Sink.of("count", (Flux<String> items) -> items.count());         // any consumer
            Sink<String, Void> handOn = Sink.toQueue("hand-on", next);                                  // q.put() each
            // end::sinks[]
            assertThat(runInto(print).stage("print").emitted()).isEqualTo(3);
            assertThat(printed).containsExactly("a", "b", "c");
            assertThat(runInto(store).result()).isEmpty();
            assertThat(saved).containsExactlyInAnyOrder("a", "b", "c");
            assertThat(runInto(all).result()).contains(List.of("a", "b", "c"));
            PipelineReport<Long> counted = runInto(count);
            assertThat(counted.result()).contains(3L);
            assertThat(counted.stage("count").emitted()).isEqualTo(3);
            assertThat(runInto(handOn).stage("hand-on").emitted()).isEqualTo(3);
            assertThat(next.size()).isEqualTo(3);
            assertThat(next.isShutdown()).as("toQueue does not shut the queue down").isFalse();
            assertThatThrownBy(() -> Sink.collect("all").concurrency(2))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("concurrency() applies to Sink.forEachAsync, not to sink 'all'");
        }

        @Test
        void aCreatedSinkCountsWhatItFinished() {
            // tag::sinkCreate[]
            Sink<Integer, Void> insertAll = Sink.create("insert", (Flux<Integer> rows, StageContext ctx) -> rows
                    .buffer(100)                                                 // one INSERT per 100 rows
                    .concatMap(batch -> insert(batch).doOnSuccess(n -> ctx.completed(n)))   // count what was stored
                    .then());
            // end::sinkCreate[]
            PipelineReport<Void> report = Pipeline.from(Source.of("ids", Flux.range(1, 250))).to(insertAll).run().block(WAIT);
            assertThat(inserted).hasSize(250);
            StageReport sink = report.stage("insert");
            assertThat(sink.received()).isEqualTo(250);
            assertThat(sink.emitted()).isEqualTo(250);
            assertThat(sink.balances()).isTrue();
        }
    }

    @Nested
    class ErrorPolicies {

        @Test
        void failFastFailsTheRunAndTheExceptionCarriesTheReport() {
            // tag::failFast[]
            Pipeline<List<Integer>> strict = Pipeline.from(Source.fromIterable("words", List.of("1", "two", "3")))
                    .then(Stage.map("parse", (String s) -> Integer.valueOf(s)))     // failFast() by default
                    .to(Sink.collect("out"));
            PipelineException failure = catchThrowableOfType(PipelineException.class,
                    () -> strict.run().block(Duration.ofSeconds(10)));
            // failure: "stage 'parse' failed on item two: NumberFormatException: For input string: \"two\""
            PipelineReport<?> report = failure.report().orElseThrow();   // FAILED; parse: 1 emitted, 1 failed
            // end::failFast[]
            assertThat(failure).hasMessage("stage 'parse' failed on item two: NumberFormatException: For input string: \"two\"");
            assertThat(failure.stage()).isEqualTo("parse");
            assertThat(failure.item()).contains("two");
            assertThat(failure.attempts()).isEqualTo(1);
            assertThat(failure).hasCauseInstanceOf(NumberFormatException.class);
            assertThat(report.status()).isEqualTo(PipelineStatus.FAILED);
            assertThat(report.error()).containsSame(failure);
            assertThat(report.stage("parse").emitted()).isEqualTo(1);
            assertThat(report.stage("parse").failed()).isEqualTo(1);
            assertThat(report.result()).isEmpty();
            assertThat(report.balances()).isTrue();
            // a started run: await() fails with the same kind of exception, cancel() after the end returns the report
            RunningPipeline<List<Integer>> run = strict.start();
            assertThat(catchThrowableOfType(PipelineException.class, () -> run.await().block(WAIT)).report()).isPresent();
            assertThat(run.status()).isEqualTo(PipelineStatus.FAILED);
            assertThat(run.cancel().block(WAIT).status()).isEqualTo(PipelineStatus.FAILED);
        }

        @Test
        void skipDropsCountsAndLogs() {
            // tag::skip[]
            Pipeline<List<Integer>> lenient = Pipeline.from(Source.fromIterable("words", List.of("1", "two", "3")))
                    .then(Stage.map("parse", (String s) -> Integer.valueOf(s)).onError(ErrorPolicy.skip()))
                    .to(Sink.collect("out"));
            PipelineReport<List<Integer>> report = lenient.run().block(Duration.ofSeconds(10));
            // result [1, 3]; parse: 3 received, 2 emitted, 1 skipped (and one WARN line about "two")
            // end::skip[]
            assertThat(report.result()).contains(List.of(1, 3));
            assertThat(report.stage("parse").received()).isEqualTo(3);
            assertThat(report.stage("parse").emitted()).isEqualTo(2);
            assertThat(report.stage("parse").skipped()).isEqualTo(1);
            assertThat(report.status()).isEqualTo(PipelineStatus.COMPLETED);
        }

        @Test
        void deadLetterKeepsStageItemErrorAndAttempts() {
            // tag::deadLetter[]
            List<DeadLetter<?>> letters = new CopyOnWriteArrayList<>();
            Pipeline<List<Integer>> lenient = Pipeline.from(Source.fromIterable("words", List.of("1", "two", "3")))
                    .then(Stage.map("parse", (String s) -> Integer.valueOf(s))
                            .onError(ErrorPolicy.deadLetter(Sink.forEach("bad-words", letters::add))))
                    .to(Sink.collect("out"));
            PipelineReport<List<Integer>> report = lenient.run().block(Duration.ofSeconds(10));
            DeadLetter<?> letter = letters.get(0);   // stage "parse", item "two", the NumberFormatException, 1 attempt
            // end::deadLetter[]
            assertThat(report.result()).contains(List.of(1, 3));
            assertThat(letters).hasSize(1);
            assertThat(letter.stage()).isEqualTo("parse");
            assertThat(letter.item()).isEqualTo("two");
            assertThat(letter.error()).isInstanceOf(NumberFormatException.class);
            assertThat(letter.attempts()).isEqualTo(1);
            assertThat(letter.reason()).isEqualTo("NumberFormatException: For input string: \"two\"");
            assertThat(letter.at()).isNotNull();
            assertThat(report.stage("parse").deadLettered()).isEqualTo(1);
            assertThat(report.stage("bad-words").kind()).isEqualTo("sink");
            assertThat(report.stage("bad-words").received()).isEqualTo(1);
            assertThat(report.stages()).extracting(StageReport::name).containsExactly("words", "parse", "out", "bad-words");
        }

        @Test
        void retriesComeBeforeThePolicy() {
            // tag::retryThenDeadLetter[]
            List<DeadLetter<?>> letters = new CopyOnWriteArrayList<>();
            Stage<String, String> fetchOrGiveUp = Stage.mapAsync("fetch",
                            (String url) -> Mono.<String>error(new IOException("503 from " + url)))
                    .retry(Retry.backoff(2, Duration.ofMillis(100)))          // 2 more attempts, with backoff
                    .onError(ErrorPolicy.deadLetter(Sink.forEach("failed-urls", letters::add)));
            StepVerifier.withVirtualTime(() -> Pipeline.from(Source.fromIterable("urls", List.of("a")))
                            .then(fetchOrGiveUp).to(Sink.collect("pages")).run())
                    .thenAwait(Duration.ofSeconds(1))
                    .assertNext(report -> assertThat(report.stage("fetch").retried()).isEqualTo(2))
                    .verifyComplete();
            // letters.get(0): item "a", 3 attempts, the last IOException (not Reactor's RetryExhaustedException)
            // end::retryThenDeadLetter[]
            assertThat(letters).singleElement().satisfies(l -> {
                assertThat(l.item()).isEqualTo("a");
                assertThat(l.attempts()).isEqualTo(3);
                assertThat(l.error()).isInstanceOf(IOException.class).hasMessage("503 from a");
            });
        }

        @Test
        void aFailingDeadLetterSinkFailsTheRun() {
            // tag::deadLetterSinkFails[]
            Sink<DeadLetter<?>, Void> archive = Sink.forEach("archive", (DeadLetter<?> letter) -> {
                throw new IllegalStateException("disk full");
            });
            Pipeline<List<Integer>> p = Pipeline.from(Source.fromIterable("words", List.of("1", "two", "3")))
                    .then(Stage.map("parse", (String s) -> Integer.valueOf(s)).onError(ErrorPolicy.deadLetter(archive)))
                    .to(Sink.collect("out"));
            // p.run() fails with a PipelineException of stage "archive": a letter is never lost silently
            // end::deadLetterSinkFails[]
            PipelineException failure = catchThrowableOfType(PipelineException.class, () -> p.run().block(WAIT));
            assertThat(failure.stage()).isEqualTo("archive");
            assertThat(failure).hasRootCauseMessage("disk full");
            PipelineReport<?> report = failure.report().orElseThrow();
            assertThat(report.status()).isEqualTo(PipelineStatus.FAILED);
            assertThat(report.stage("archive").failed()).isEqualTo(1);
        }

        @Test
        void aSlowDeadLetterSinkSlowsTheStage() {
            VirtualTimeScheduler clock = VirtualTimeScheduler.getOrSet();
            List<Object> archived = new CopyOnWriteArrayList<>();
            // tag::slowDeadLetterSink[]
            Sink<DeadLetter<?>, Void> slowArchive = Sink.forEachAsync("archive",
                    (DeadLetter<?> letter) -> Tasks.sleep(Duration.ofSeconds(1), letter.item()).doOnNext(archived::add));
            RunningPipeline<Void> run = Pipeline.from(Source.fromIterable("ids", List.of(1, 2, 3, 4, 5)))
                    .then(Stage.<Integer, Integer>map("check", n -> {
                        throw new IllegalArgumentException("bad id " + n);
                    }).onError(ErrorPolicy.deadLetter(slowArchive, 1)))   // a hand-off of one letter
                    .to(Sink.forEach("valid", (Integer n) -> { }))
                    .start();
            clock.advanceTimeBy(Duration.ofMillis(1500));
            // check: 2 dead-lettered (1 archived, 1 being archived); 2 in flight (1 in the hand-off, item 4 waiting for room)
            // end::slowDeadLetterSink[]
            StageReport check = run.report().stage("check");
            assertThat(archived).containsExactly(1);
            assertThat(check.deadLettered()).isEqualTo(2);
            assertThat(check.inFlight()).isEqualTo(2);
            assertThat(run.report().stage("ids").emitted()).isEqualTo(4);
            clock.advanceTimeBy(Duration.ofSeconds(10));
            PipelineReport<Void> report = run.await().block(WAIT);
            assertThat(report.status()).isEqualTo(PipelineStatus.COMPLETED);
            assertThat(archived).containsExactly(1, 2, 3, 4, 5);
            assertThat(report.stage("check").deadLettered()).isEqualTo(5);
            assertThat(report.stage("archive").emitted()).isEqualTo(5);
        }
    }

    @Nested
    class Reports {

        @Test
        void theReportAccountsForEveryItem() {
            List<DeadLetter<?>> letters = new CopyOnWriteArrayList<>();
            // tag::report[]
            List<String> lines = List.of("1,2,3", "# prices", "4,x,6", "7,8,13", "9,10");
            Pipeline<Void> load = Pipeline.from(Source.fromIterable("lines", lines))
                    .then(Stage.filter("data", (String line) -> !line.startsWith("#")))
                    .then(Stage.flatMap("split", (String line) -> Flux.fromArray(line.split(","))))
                    .then(Stage.map("parse", (String s) -> Integer.valueOf(s)).onError(ErrorPolicy.skip()))
                    .then(Stage.mapAsync("price", (Integer n) -> price(n)).concurrency(4).retry(Retry.max(2))
                            .onError(ErrorPolicy.deadLetter(Sink.forEach("unpriced", letters::add))))
                    .then(Stage.<Integer>batch("rows", 3, Duration.ofSeconds(10)))
                    .buffer("to-db", 4).workers(2)
                    .then(Stage.mapAsync("insert", (List<Integer> rows) -> insert(rows)))
                    .to(Sink.forEach("done", (Integer count) -> { }))
                    .named("prices");
            PipelineReport<Void> report = load.run().block(Duration.ofSeconds(10));
            System.out.println(report);
            // end::report[]
            assertThat(report.status()).isEqualTo(PipelineStatus.COMPLETED);
            assertThat(report.pipeline()).isEqualTo("prices");
            assertThat(report.stages()).extracting(StageReport::name)
                    .containsExactly("lines", "data", "split", "parse", "price", "rows", "to-db", "insert", "done", "unpriced");
            assertThat(report.stage("lines").emitted()).isEqualTo(5);
            assertThat(report.stage("data").filtered()).isEqualTo(1);
            assertThat(report.stage("split").received()).isEqualTo(4);
            assertThat(report.stage("split").emitted()).isEqualTo(4);
            assertThat(report.stage("split").outputs()).isEqualTo(11);
            assertThat(report.stage("parse").received()).isEqualTo(11);
            assertThat(report.stage("parse").skipped()).isEqualTo(1);
            StageReport price = report.stage("price");
            assertThat(price.received()).isEqualTo(10);
            assertThat(price.emitted()).isEqualTo(9);
            assertThat(price.deadLettered()).isEqualTo(1);
            assertThat(price.retried()).isEqualTo(3);
            assertThat(report.stage("rows").emitted()).isEqualTo(9);
            assertThat(report.stage("rows").outputs()).isEqualTo(3);
            assertThat(report.stage("to-db").received()).isEqualTo(3);
            assertThat(report.stage("to-db").workers()).isEqualTo(2);
            assertThat(report.stage("to-db").maxQueueDepth()).isBetween(1, 3);
            assertThat(report.stage("insert").workers()).isEqualTo(2);
            assertThat(report.stage("done").received()).isEqualTo(3);
            assertThat(report.stage("unpriced").received()).isEqualTo(1);
            assertThat(letters).singleElement().satisfies(l -> {
                assertThat(l.item()).isEqualTo(13);
                assertThat(l.attempts()).isEqualTo(3);
            });
            assertThat(inserted).containsExactlyInAnyOrder(100, 200, 300, 400, 600, 700, 800, 900, 1000);
            assertThat(report.cutOff()).isZero();
            assertThat(report.toString()).startsWith("Pipeline 'prices' COMPLETED in ")
                    .containsPattern("to-db +bufferx2 ").containsPattern("insert +mapAsyncx2 ");

            // tag::balances[]
            StageReport p = report.stage("price");
            long accounted = p.emitted() + p.filtered() + p.skipped() + p.deadLettered() + p.failed() + p.inFlight();
            // p.received() == accounted (10 == 9 + 0 + 0 + 1 + 0 + 0); report.balances() checks every stage
            // end::balances[]
            assertThat(p.received()).isEqualTo(accounted);
            assertThat(report.balances()).isTrue();
            assertThat(report.stages()).allSatisfy(s -> assertThat(s.balances()).isTrue());
        }

        @Test
        void aFailedRunShowsWhatWasCutOff() {
            PipelineException failure = catchThrowableOfType(PipelineException.class, () -> Pipeline
                    .from(Source.of("numbers", Flux.range(0, 100)))
                    .then(Stage.mapAsync("slow", (Integer n) -> n == 5
                            ? Mono.<Integer>error(new IllegalStateException("five")) : Mono.<Integer>never())
                            .concurrency(8).ordered(false))
                    .to(Sink.collect("out"))
                    .run().block(WAIT));
            PipelineReport<?> report = failure.report().orElseThrow();
            System.out.println(report);
            assertThat(report.stage("slow").failed()).isEqualTo(1);
            assertThat(report.stage("slow").inFlight()).isEqualTo(5);
            assertThat(report.cutOff()).isEqualTo(5);
            assertThat(report.balances()).isTrue();
            assertThat(report.toString()).contains("5 item(s) were cut off in flight");
        }
    }

    @Nested
    class RunningAndStopping {

        @Test
        void stopLetsTheItemsInFlightFinish() {
            VirtualTimeScheduler clock = VirtualTimeScheduler.getOrSet();
            // tag::stop[]
            RunningPipeline<List<Long>> run = Pipeline.from(Source.of("ticks", Flux.interval(Duration.ofSeconds(1))))
                    .then(Stage.mapAsync("slow", (Long n) -> Tasks.sleep(Duration.ofSeconds(3), n)).concurrency(4))
                    .to(Sink.collect("out"))
                    .start();                                          // hot: running from now on
            clock.advanceTimeBy(Duration.ofMillis(4500));              // ticks 0..3 taken, 0 is done
            Mono<PipelineReport<List<Long>>> stopping = run.stop(Duration.ofSeconds(10));   // take no more ticks
            clock.advanceTimeBy(Duration.ofSeconds(3));                // 1, 2 and 3 finish within the grace
            PipelineReport<List<Long>> report = stopping.block(Duration.ofSeconds(5));      // STOPPED, [0, 1, 2, 3]
            // end::stop[]
            assertThat(report.status()).isEqualTo(PipelineStatus.STOPPED);
            assertThat(report.result()).contains(List.of(0L, 1L, 2L, 3L));
            assertThat(report.cutOff()).isZero();
            assertThat(run.status()).isEqualTo(PipelineStatus.STOPPED);
        }

        @Test
        void stopCutsOffWhatTheGraceDoesNotCover() {
            VirtualTimeScheduler clock = VirtualTimeScheduler.getOrSet();
            AtomicInteger cancelled = new AtomicInteger();
            // tag::stopCutOff[]
            RunningPipeline<List<Long>> run = Pipeline.from(Source.of("ticks", Flux.interval(Duration.ofSeconds(1))))
                    .then(Stage.mapAsync("slower", (Long n) -> Tasks.sleep(Duration.ofSeconds(10), n)
                            .doOnCancel(cancelled::incrementAndGet)).concurrency(4))
                    .to(Sink.collect("out"))
                    .start();
            clock.advanceTimeBy(Duration.ofMillis(3500));              // ticks 0, 1, 2 in flight
            Mono<PipelineReport<List<Long>>> stopping = run.stop(Duration.ofSeconds(2));
            clock.advanceTimeBy(Duration.ofSeconds(2));                // the grace runs out: the rest is cancelled
            PipelineReport<List<Long>> report = stopping.block(Duration.ofSeconds(5));   // STOPPED, cutOff() == 3
            // end::stopCutOff[]
            assertThat(report.status()).isEqualTo(PipelineStatus.STOPPED);
            assertThat(report.cutOff()).isEqualTo(3);
            assertThat(report.stage("slower").inFlight()).isEqualTo(3);
            assertThat(report.result()).isEmpty();
            assertThat(cancelled).hasValue(3);
            assertThat(report.balances()).isTrue();
        }

        @Test
        void cancelCutsOffAtOnce() {
            AtomicInteger cancelled = new AtomicInteger();
            // tag::cancel[]
            RunningPipeline<Void> run = Pipeline.from(Source.of("numbers", Flux.range(0, 1000)))
                    .then(Stage.mapAsync("hangs", (Integer n) -> Mono.<Integer>never()
                            .doOnCancel(cancelled::incrementAndGet)).concurrency(5))
                    .to(Sink.forEach("drop", (Integer n) -> { }))
                    .start();
            long inFlight = run.report().stage("hangs").inFlight();           // 5, live
            PipelineReport<Void> report = run.cancel().block(Duration.ofSeconds(5));   // CANCELLED, cutOff() == 5
            // end::cancel[]
            assertThat(inFlight).isEqualTo(5);
            assertThat(report.status()).isEqualTo(PipelineStatus.CANCELLED);
            assertThat(report.cutOff()).isEqualTo(5);
            assertThat(cancelled).hasValue(5);
            assertThat(run.status()).isEqualTo(PipelineStatus.CANCELLED);
            assertThat(run.await().block(WAIT).status()).as("await() emits a cancelled run's report").isEqualTo(PipelineStatus.CANCELLED);
        }

        @Test
        void cancellingRunCancelsTheRun() {
            AtomicBoolean released = new AtomicBoolean();
            Pipeline<Void> p = Pipeline.from(Source.of("never", Flux.<Integer>never().doOnCancel(() -> released.set(true))))
                    .to(Sink.forEach("drop", (Integer n) -> { }));
            StepVerifier.create(p.run()).expectSubscription().thenCancel().verify(WAIT);
            assertThat(released).isTrue();
        }

        @Test
        void stopAndStopOnShutdownNeedARunStartedWithStart() {
            AtomicReference<RunningPipeline<?>> seen = new AtomicReference<>();
            Pipeline.from(Source.fromIterable("n", List.of(1))).to(Sink.collect("out"))
                    .withListener(new PipelineListener() {
                        @Override
                        public void onStart(RunningPipeline<?> run) {
                            seen.set(run);
                        }
                    })
                    .run().block(WAIT);
            assertThatThrownBy(() -> seen.get().stop(Duration.ZERO))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("stop() needs a run started with Pipeline.start()");
            assertThatThrownBy(() -> seen.get().stopOnShutdown(Duration.ZERO, report -> { }))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("stopOnShutdown() needs a run started with Pipeline.start()");
        }

        @Test
        void progressSendsSnapshotsThenTheFinalReport() {
            VirtualTimeScheduler clock = VirtualTimeScheduler.getOrSet();
            // tag::progress[]
            Source<Long> fiveTicks = Source.of("ticks", Flux.interval(Duration.ofSeconds(1)).take(5));
            RunningPipeline<List<Long>> run = Pipeline.from(fiveTicks)
                    .to(Sink.collect("out"))
                    .start();
            List<Long> seen = new CopyOnWriteArrayList<>();
            run.progress(Duration.ofMillis(1400)).subscribe(report -> seen.add(report.stage("out").emitted()));
            clock.advanceTimeBy(Duration.ofSeconds(6));    // snapshots at 1.4, 2.8, 4.2 s, then the final report
            // end::progress[]
            assertThat(seen).containsExactly(1L, 2L, 4L, 5L);
            assertThat(run.status()).isEqualTo(PipelineStatus.COMPLETED);
        }
    }

    @Nested
    class Observability {

        @Test
        void aListenerHearsTheRejectionsAndTheEnd() {
            // tag::listener[]
            List<String> heard = new CopyOnWriteArrayList<>();
            Pipeline<List<Integer>> watched = Pipeline.from(Source.fromIterable("words", List.of("1", "two", "3")))
                    .then(Stage.map("parse", (String s) -> Integer.valueOf(s)).onError(ErrorPolicy.skip()))
                    .to(Sink.collect("out"))
                    .withListener(new PipelineListener() {
                        @Override
                        public void onItemRejected(String stage, Object item, Throwable error, String action) {
                            heard.add(stage + " " + action + " " + item);          // "parse skipped two"
                        }

                        @Override
                        public void onFinish(PipelineReport<?> report) {
                            heard.add(report.status().toString());                // or log.info("\n{}", report)
                        }
                    });
            // end::listener[]
            watched.run().block(WAIT);
            assertThat(heard).containsExactly("parse skipped two", "COMPLETED");
        }

        @Test
        void micrometerMetersFollowTheLiveReport() {
            VirtualTimeScheduler clock = VirtualTimeScheduler.getOrSet();
            Flux<String> lines = Flux.interval(Duration.ofSeconds(1)).map(n -> n == 1 ? "x" : Long.toString(n)).take(4);
            // tag::micrometer[]
            SimpleMeterRegistry registry = new SimpleMeterRegistry();        // or your Prometheus/OTLP registry
            RunningPipeline<List<Integer>> run = Pipeline.from(Source.of("lines", lines))   // "0", "x", "2", "3"
                    .then(Stage.map("parse", (String s) -> Integer.valueOf(s)).onError(ErrorPolicy.skip()))
                    .to(Sink.collect("out"))
                    .named("numbers")
                    .withListener(new MicrometerPipelineListener(registry))
                    .start();
            clock.advanceTimeBy(Duration.ofMillis(3500));                  // three lines so far
            double skipped = registry.get("pipeline.stage.items")
                    .tags("pipeline", "numbers", "stage", "parse", "outcome", "skipped").functionCounter().count();
            // end::micrometer[]
            assertThat(skipped).isEqualTo(1.0);
            assertThat(registry.get("pipeline.stage.items").tags("stage", "parse", "outcome", "received")
                    .functionCounter().count()).isEqualTo(3.0);
            assertThat(registry.get("pipeline.stage.items").tags("stage", "parse", "kind", "map", "outcome", "emitted")
                    .functionCounter().count()).isEqualTo(2.0);
            assertThat(registry.get("pipeline.stage.in_flight").tags("stage", "parse").gauge().value()).isZero();
            assertThat(registry.get("pipeline.stage.retries").tags("stage", "parse").functionCounter().count()).isZero();
            assertThat(registry.get("pipeline.stage.busy").tags("stage", "parse").timeGauge()).isNotNull();
            clock.advanceTimeBy(Duration.ofSeconds(1));
            assertThat(run.await().block(WAIT).result()).contains(List.of(0, 2, 3));
            assertThat(registry.find("pipeline.stage.items").meters()).as("removed when the run ends").isEmpty();
        }

        @Test
        void inlineStagesAreFusedAndEveryPartIsNamedAndTaggedForReactor() {
            Sink<String, List<String>> names = Sink.of("names", (Flux<String> items) -> {
                Scannable chain = Scannable.from(items);
                List<String> named = Stream.concat(Stream.of(chain), chain.parents())
                        .map(s -> s.scan(Scannable.Attr.NAME)).filter(Objects::nonNull).collect(Collectors.toList());
                List<String> tags = chain.tags().map(t -> t.getT1() + "=" + t.getT2()).distinct().collect(Collectors.toList());
                assertThat(tags).containsExactly("pipeline=guide");
                return items.then(Mono.just(named));
            });
            PipelineReport<List<String>> report = Pipeline.from(Source.fromIterable("numbers", List.of(1, 2, 3, 4)))
                    .then(Stage.filter("odd", (Integer n) -> n % 2 == 1))
                    .then(Stage.map("square", (Integer n) -> n * n))
                    .then(Stage.map("half", (Integer n) -> n / 2)
                            .onError(ErrorPolicy.deadLetter(Sink.forEach("dlq", (DeadLetter<?> l) -> { }))))
                    .then(Stage.mapAsync("async", (Integer n) -> Mono.just(n)))
                    .then(Stage.map("text", (Integer n) -> "#" + n))
                    .to(names)
                    .named("guide")
                    .run().block(WAIT);
            // downstream first: "odd" and "square" are one fused operator; "half" (dead letters) runs per item
            assertThat(report.result()).contains(List.of("text", "async", "half", "odd+square", "numbers"));
            assertThat(report.stage("square").received()).isEqualTo(2);
            assertThat(report.stage("text").emitted()).isEqualTo(2);
        }
    }
}
