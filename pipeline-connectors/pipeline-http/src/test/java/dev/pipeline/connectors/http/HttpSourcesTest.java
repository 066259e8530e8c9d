package dev.pipeline.connectors.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pipeline.test.SourceContract;
import dev.pipeline.connectors.http.demo.DemoApiServer;
import dev.pipeline.core.DeadLetter;
import dev.pipeline.core.ErrorPolicy;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.RunningPipeline;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import dev.pipeline.core.Stage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;

class HttpSourcesTest {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final ObjectMapper JSON = new ObjectMapper();

    /** An ingested item. */
    public static final class Reading {
        public int n;
        public String pad;
    }

    /** What a POST got back. */
    record Reply(int status, String retryAfter, JsonNode body) {
    }

    static Mono<Reply> post(URI uri, String contentType, Flux<String> body, String token) {
        return send(uri, contentType, token, -1, body.map(s -> Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.UTF_8))));
    }

    /** Posts {@code body} with its Content-Length (not chunked). */
    static Mono<Reply> postWhole(URI uri, String body, String token) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return send(uri, "application/x-ndjson", token, bytes.length, Mono.just(Unpooled.wrappedBuffer(bytes)));
    }

    private static Mono<Reply> send(URI uri, String contentType, String token, long length, Publisher<ByteBuf> body) {
        return HttpClient.create()
                .headers(h -> {
                    h.set("content-type", contentType);
                    if (token != null) {
                        h.set("authorization", "Bearer " + token);
                    }
                    if (length >= 0) {
                        h.set("content-length", length);
                    }
                })
                .post().uri(uri)
                .send(body)
                .responseSingle((res, bytes) -> bytes.asString().defaultIfEmpty("{}").map(text -> {
                    try {
                        return new Reply(res.status().code(), res.responseHeaders().get("retry-after"), JSON.readTree(text));
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(text, e);
                    }
                }));
    }

    static Mono<Reply> get(URI uri) {
        return HttpClient.create().get().uri(uri).responseSingle((res, bytes) -> bytes.asString().map(text -> {
            try {
                return new Reply(res.status().code(), null, JSON.readTree(text));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(text, e);
            }
        }));
    }

    static String line(int n) {
        return "{\"n\":" + n + "}\n";
    }

    /** Asserts the counts every answer to a POST carries, in its fields and in its error text. */
    static void assertTaken(Reply reply, long accepted, long rejected) {
        assertThat(reply.body().get("accepted").asLong()).as("accepted in %s", reply).isEqualTo(accepted);
        assertThat(reply.body().get("rejected").asLong()).as("rejected in %s", reply).isEqualTo(rejected);
        if (reply.status() != 200) {
            assertThat(reply.body().get("error").asText())
                    .contains("(" + accepted + " items of this request were accepted before it")
                    .contains("send the rest again, from item " + (accepted + rejected + 1) + ")");
        }
    }

    /** A running ingest pipeline with its address. */
    static final class Running<R> {
        final RunningPipeline<R> run;
        final URI base;

        Running(RunningPipeline<R> run, URI base) {
            this.run = run;
            this.base = base;
        }

        URI uri(String path) {
            return base.resolve(path);
        }
    }

    static <R> Running<R> start(HttpIngestOptions options, java.util.function.Function<Source<Reading>, Pipeline<R>> pipeline) {
        Sinks.One<InetSocketAddress> bound = Sinks.one();
        Source<Reading> source = HttpSources.server("ingest", Reading.class, options.onBound(a -> bound.tryEmitValue(a)));
        RunningPipeline<R> run = pipeline.apply(source).start();
        InetSocketAddress a = bound.asMono().block(WAIT);
        return new Running<>(run, URI.create("http://127.0.0.1:" + a.getPort() + "/"));
    }

    static Running<List<Reading>> collecting(HttpIngestOptions options) {
        return start(options, s -> Pipeline.from(s).to(Sink.collect("out")));
    }

    @Test
    void ingestsNdjsonAndAJsonArray() {
        Sinks.Empty<Void> stop = Sinks.empty();
        Running<List<Reading>> r = collecting(HttpIngestOptions.defaults().stopSignal(stop.asMono(), Duration.ofSeconds(5)));
        Reply ndjson = post(r.uri("/ingest"), "application/x-ndjson", Flux.just(line(1), line(2) + "\n", "{\"n\":3}"), null).block(WAIT);
        assertThat(ndjson.status()).isEqualTo(200);
        assertTaken(ndjson, 3, 0);
        Reply array = post(r.uri("/ingest"), "application/json", Flux.just("[{\"n\":4},", "{\"n\"", ":5}]"), null).block(WAIT);
        assertThat(array.status()).isEqualTo(200);
        assertTaken(array, 2, 0);
        stop.tryEmitEmpty();
        PipelineReport<List<Reading>> report = r.run.await().block(WAIT);
        assertThat(report.result().orElseThrow()).extracting(x -> x.n).containsExactly(1, 2, 3, 4, 5);
        assertThat(report.stage("ingest").emitted()).isEqualTo(5);
    }

    @Test
    void tenThousandLinesWhileThePipelineIsSlowAllArriveAndTheServerReadsOnlyAsItGoes() {
        int total = 10_000;
        String pad = "x".repeat(2000);
        AtomicLong generated = new AtomicLong();
        AtomicLong consumed = new AtomicLong();
        AtomicLong maxAhead = new AtomicLong();
        Sinks.Empty<Void> stop = Sinks.empty();
        Running<Long> r = start(HttpIngestOptions.defaults().queue(16, Duration.ofSeconds(20))
                        .stopSignal(stop.asMono(), Duration.ofSeconds(20)),
                s -> Pipeline.from(s).to(Sink.of("slow", (Flux<Reading> items) -> items
                        .concatMap(x -> (consumed.incrementAndGet() % 100 == 0) ? Mono.delay(Duration.ofMillis(2)).thenReturn(x) : Mono.just(x), 1)
                        .count())));
        Flux<String> body = Flux.range(0, total)
                .map(i -> "{\"n\":" + i + ",\"pad\":\"" + pad + "\"}\n")
                .doOnNext(s -> maxAhead.accumulateAndGet(generated.incrementAndGet() - consumed.get(), Math::max));
        Reply reply = post(r.uri("/ingest"), "application/x-ndjson", body, null).block(WAIT);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body().get("accepted").asLong()).isEqualTo(total);
        stop.tryEmitEmpty();
        PipelineReport<Long> report = r.run.await().block(WAIT);
        assertThat(report.result()).contains((long) total);
        assertThat(report.stage("ingest").emitted()).isEqualTo(total);
        // without backpressure the client would write all 20 MB at once; with it, it stays at most
        // the socket buffers (a few MB on loopback) plus the queue ahead of the pipeline
        assertThat(maxAhead.get()).as("lines written ahead of the pipeline").isLessThan(total / 2L);
    }

    @Test
    void aFullQueuePastItsTimeoutAnswers503WithRetryAfter() {
        Running<Void> r = start(HttpIngestOptions.defaults().queue(2, Duration.ofMillis(200)).retryAfter(Duration.ofSeconds(7)),
                s -> Pipeline.from(s).to(Sink.forEachAsync("stuck", x -> Mono.never())));
        Reply reply = post(r.uri("/ingest"), "application/x-ndjson",
                Flux.range(0, 50).map(HttpSourcesTest::line), null).block(WAIT);
        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.retryAfter()).isEqualTo("7");
        assertThat(reply.body().get("error").asText()).contains("not keeping up").contains("items of this request were accepted");
        assertThat(reply.body().get("accepted").asLong()).as("the queue of 2, and what the stuck pipeline took").isBetween(2L, 49L);
        r.run.cancel().block(WAIT);
    }

    @Test
    void limitsOnBodyAndLineAnswer413() {
        Running<List<Reading>> r = collecting(HttpIngestOptions.defaults().maxBodySize(1000).maxLineSize(100));
        Reply body = post(r.uri("/ingest"), "application/x-ndjson", Flux.range(0, 200).map(HttpSourcesTest::line), null).block(WAIT);
        assertThat(body.status()).isEqualTo(413);
        assertThat(body.body().get("error").asText()).contains("exceeds the limit of 1000 bytes");
        assertThat(body.body().get("accepted").asLong()).as("the lines within the first 1000 bytes").isBetween(1L, 1000L / 8);
        Reply longLine = post(r.uri("/ingest"), "application/x-ndjson",
                Flux.just(line(1), "{\"n\":2,\"pad\":\"" + "y".repeat(200) + "\"}\n"), null).block(WAIT);
        assertThat(longLine.status()).isEqualTo(413);
        assertThat(longLine.body().get("error").asText()).contains("line 2 is longer than the limit of 100 bytes");
        assertTaken(longLine, 1, 0);
        r.run.cancel().block(WAIT);
    }

    @Test
    void aMalformedLineIsA400NamingIt() {
        Running<List<Reading>> r = collecting(HttpIngestOptions.defaults());
        Reply reply = post(r.uri("/ingest"), "application/x-ndjson", Flux.just(line(1), line(2), "{\"n\":\n", line(4)), null).block(WAIT);
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.body().get("error").asText()).startsWith("line 3:");
        assertTaken(reply, 2, 0);
        Reply type = post(r.uri("/ingest"), "text/csv", Flux.just("n\n1\n"), null).block(WAIT);
        assertThat(type.status()).isEqualTo(415);
        r.run.cancel().block(WAIT);
    }

    @Test
    void malformedLinesCanBeDeadLettered() {
        List<DeadLetter<?>> letters = new CopyOnWriteArrayList<>();
        Sinks.Empty<Void> stop = Sinks.empty();
        Sinks.One<InetSocketAddress> bound = Sinks.one();
        Source<Reading> source = HttpSources.server("ingest", Reading.class, HttpIngestOptions.defaults()
                        .onMalformed(HttpIngestOptions.Malformed.ERROR_POLICY)
                        .stopSignal(stop.asMono(), Duration.ofSeconds(5))
                        .onBound(a -> bound.tryEmitValue(a)))
                .onError(ErrorPolicy.deadLetter(Sink.forEach("dlq", letters::add)));
        RunningPipeline<List<Reading>> run = Pipeline.from(source).to(Sink.<Reading>collect("out")).start();
        URI uri = URI.create("http://127.0.0.1:" + bound.asMono().block(WAIT).getPort() + "/ingest");
        Reply reply = post(uri, "application/x-ndjson", Flux.just(line(1), "not json\n", line(3)), null).block(WAIT);
        assertThat(reply.status()).isEqualTo(200);
        assertTaken(reply, 2, 1);
        stop.tryEmitEmpty();
        PipelineReport<List<Reading>> report = run.await().block(WAIT);
        assertThat(report.result().orElseThrow()).extracting(x -> x.n).containsExactly(1, 3);
        assertThat(letters).singleElement().satisfies(d -> {
            assertThat(d.item()).isEqualTo("not json");
            assertThat(d.error()).hasMessageContaining("line 2");
        });
        assertThat(report.stage("ingest").deadLettered()).isEqualTo(1);
    }

    @Test
    void aRenamedServerGoesByItsNewNameInTheReportTheMetricsAndItsErrors() {
        List<DeadLetter<?>> letters = new CopyOnWriteArrayList<>();
        Sinks.Empty<Void> stop = Sinks.empty();
        Sinks.One<InetSocketAddress> bound = Sinks.one();
        Source<Reading> ingest = HttpSources.server("ingest", Reading.class, HttpIngestOptions.defaults()
                .onMalformed(HttpIngestOptions.Malformed.ERROR_POLICY)
                .stopSignal(stop.asMono(), Duration.ofSeconds(5))
                .onBound(a -> bound.tryEmitValue(a)));
        assertThat(ingest.name()).isEqualTo("ingest");
        Source<Reading> orders = ingest.named("orders").onError(ErrorPolicy.deadLetter(Sink.forEach("dlq", letters::add)));
        RunningPipeline<List<Reading>> run = Pipeline.from(orders).to(Sink.<Reading>collect("out")).start();
        URI base = URI.create("http://127.0.0.1:" + bound.asMono().block(WAIT).getPort() + "/");
        assertTaken(post(base.resolve("/ingest"), "application/x-ndjson", Flux.just(line(1), "not json\n"), null).block(WAIT), 1, 1);
        assertThat(get(base.resolve("/metrics")).block(WAIT).body().get("server").get("source").asText()).isEqualTo("orders");
        stop.tryEmitEmpty();
        PipelineReport<List<Reading>> report = run.await().block(WAIT);
        assertThat(report.stages()).extracting(s -> s.name()).contains("orders").doesNotContain("ingest");
        assertThat(report.stage("orders").deadLettered()).isEqualTo(1);
        assertThat(letters).singleElement().satisfies(d -> assertThat(d.error()).hasMessageStartingWith("orders: line 2"));
    }

    @Test
    void aBearerTokenIsRequiredWhenConfigured() {
        Running<List<Reading>> guarded = collecting(HttpIngestOptions.defaults().bearerToken("s3cret"));
        assertThat(post(guarded.uri("/ingest"), "application/x-ndjson", Flux.just(line(1)), null).block(WAIT).status()).isEqualTo(401);
        assertThat(post(guarded.uri("/ingest"), "application/x-ndjson", Flux.just(line(1)), "wrong").block(WAIT).status()).isEqualTo(401);
        assertThat(post(guarded.uri("/ingest"), "application/x-ndjson", Flux.just(line(1)), "s3cret").block(WAIT).status()).isEqualTo(200);
        assertThat(get(guarded.uri("/metrics")).block(WAIT).status()).isEqualTo(401);
        assertThat(get(guarded.uri("/health")).block(WAIT).status()).isEqualTo(200);
        guarded.run.cancel().block(WAIT);

        Running<List<Reading>> open = collecting(HttpIngestOptions.defaults());
        assertThat(post(open.uri("/ingest"), "application/x-ndjson", Flux.just(line(1)), null).block(WAIT).status()).isEqualTo(200);
        open.run.cancel().block(WAIT);
    }

    @Test
    void healthAndMetricsShowTheLiveReport() {
        AtomicReference<RunningPipeline<List<Integer>>> self = new AtomicReference<>();
        Sinks.One<InetSocketAddress> bound = Sinks.one();
        Source<Reading> source = HttpSources.server("ingest", Reading.class, HttpIngestOptions.defaults()
                .onBound(a -> bound.tryEmitValue(a))
                .metrics(() -> self.get() == null ? null : self.get().report()));
        RunningPipeline<List<Integer>> run = Pipeline.from(source)
                .then(Stage.map("double", (Reading x) -> x.n * 2))
                .to(Sink.<Integer>collect("out"))
                .start();
        self.set(run);
        URI base = URI.create("http://127.0.0.1:" + bound.asMono().block(WAIT).getPort() + "/");
        assertThat(post(base.resolve("/ingest"), "application/x-ndjson", Flux.just(line(1), line(2), line(3)), null)
                .block(WAIT).body().get("accepted").asLong()).isEqualTo(3);
        assertThat(get(base.resolve("/health")).block(WAIT).body().get("status").asText()).isEqualTo("UP");
        JsonNode metrics = Flux.interval(Duration.ofMillis(10)).onBackpressureDrop()
                .concatMap(i -> get(base.resolve("/metrics")))
                .map(Reply::body)
                .filter(m -> m.path("report").path("stages").findValues("emitted").stream().anyMatch(v -> v.asLong() == 3))
                .blockFirst(WAIT);
        assertThat(metrics.get("server").get("accepted").asLong()).isEqualTo(3);
        assertThat(metrics.get("server").get("queueCapacity").asInt()).isEqualTo(256);
        assertThat(metrics.get("report").get("status").asText()).isEqualTo("RUNNING");
        assertThat(metrics.get("report").get("stages").findValuesAsText("name")).contains("ingest", "double", "out");
        JsonNode doubled = metrics.get("report").get("stages").get(1);
        assertThat(doubled.get("from").get(0).get("node").asText()).as("the graph: where each node's items come from")
                .isEqualTo("ingest");
        assertThat(doubled.get("branch").asText()).isEmpty();
        run.cancel().block(WAIT);
    }

    @Test
    void shutdownLetsTheRequestInFlightFinishAndRefusesNewOnes() {
        Sinks.Empty<Void> stop = Sinks.empty();
        Sinks.Empty<Void> gate = Sinks.empty();
        AtomicInteger seen = new AtomicInteger();
        Sinks.Empty<Void> firstSeen = Sinks.empty();
        Running<Long> r = start(HttpIngestOptions.defaults().stopSignal(stop.asMono(), Duration.ofSeconds(20)),
                s -> Pipeline.from(s).to(Sink.of("count", (Flux<Reading> items) -> items
                        .doOnNext(x -> {
                            if (seen.incrementAndGet() == 5) {
                                firstSeen.tryEmitEmpty();
                            }
                        }).count())));
        Flux<String> body = Flux.range(0, 5).map(HttpSourcesTest::line)
                .concatWith(gate.asMono().thenMany(Flux.range(5, 95).map(HttpSourcesTest::line)));
        Mono<Reply> inFlight = post(r.uri("/ingest"), "application/x-ndjson", body, null).cache();
        inFlight.subscribe();
        firstSeen.asMono().block(WAIT);
        stop.tryEmitEmpty();
        Reply late = post(r.uri("/ingest"), "application/x-ndjson", Flux.just(line(1000)), null).block(WAIT);
        assertThat(late.status()).isEqualTo(503);
        assertTaken(late, 0, 0);
        assertThat(get(r.uri("/health")).block(WAIT).body().get("status").asText()).isEqualTo("STOPPING");
        gate.tryEmitEmpty();
        Reply done = inFlight.block(WAIT);
        assertThat(done.status()).isEqualTo(200);
        assertTaken(done, 100, 0);
        PipelineReport<Long> report = r.run.await().block(WAIT);
        assertThat(report.result()).contains(100L);
        StepVerifier.create(get(r.uri("/health"))).expectError().verify(WAIT);
    }

    /** Every answer to a POST says how many of its items were taken, so a client can resend exactly the rest. */
    @Nested
    class Counts {

        @Test
        void answersGivenBeforeTheBodyIsReadSayNothingWasTaken() {
            Running<List<Reading>> r = collecting(HttpIngestOptions.defaults().bearerToken("s3cret").maxBodySize(100));
            Reply noToken = post(r.uri("/ingest"), "application/x-ndjson", Flux.just(line(1)), null).block(WAIT);
            assertThat(noToken.status()).isEqualTo(401);
            assertTaken(noToken, 0, 0);
            Reply csv = post(r.uri("/ingest"), "text/csv", Flux.just("n\n1\n"), "s3cret").block(WAIT);
            assertThat(csv.status()).isEqualTo(415);
            assertTaken(csv, 0, 0);
            Reply declaredTooLong = postWhole(r.uri("/ingest"), "x".repeat(101), "s3cret").block(WAIT);
            assertThat(declaredTooLong.status()).isEqualTo(413);
            assertThat(declaredTooLong.body().get("error").asText()).contains("the body of 101 bytes exceeds the limit of 100 bytes");
            assertTaken(declaredTooLong, 0, 0);
            r.run.cancel().block(WAIT);
        }

        @Test
        void aClientThatResendsTheRestAfterA503GetsEveryItemStoredOnce() {
            Sinks.Empty<Void> gate = Sinks.empty();
            Sinks.Empty<Void> stop = Sinks.empty();
            Running<List<Reading>> r = start(HttpIngestOptions.defaults().queue(4, Duration.ofMillis(100))
                            .stopSignal(stop.asMono(), Duration.ofSeconds(5)),
                    s -> Pipeline.from(s).then(Stage.mapAsync("gated", (Reading x) -> gate.asMono().thenReturn(x)))
                            .to(Sink.collect("out")));
            int total = 200;
            Reply refused = post(r.uri("/ingest"), "application/x-ndjson", Flux.range(0, total).map(HttpSourcesTest::line), null)
                    .block(WAIT);
            assertThat(refused.status()).isEqualTo(503);
            long taken = refused.body().get("accepted").asLong();
            assertThat(taken).isBetween(4L, total - 1L);
            assertTaken(refused, taken, 0);
            gate.tryEmitEmpty();
            Reply rest = post(r.uri("/ingest"), "application/x-ndjson",
                    Flux.range((int) taken, total - (int) taken).map(HttpSourcesTest::line), null).block(WAIT);
            assertThat(rest.status()).isEqualTo(200);
            assertTaken(rest, total - taken, 0);
            stop.tryEmitEmpty();
            PipelineReport<List<Reading>> report = r.run.await().block(WAIT);
            assertThat(report.result().orElseThrow()).extracting(x -> x.n)
                    .containsExactlyInAnyOrderElementsOf(Flux.range(0, total).collectList().block(WAIT));
        }

        @Test
        void malformedLinesHandedToTheErrorPolicyAreCountedAsRejected() {
            List<DeadLetter<?>> letters = new CopyOnWriteArrayList<>();
            Sinks.One<InetSocketAddress> bound = Sinks.one();
            Source<Reading> source = HttpSources.server("ingest", Reading.class, HttpIngestOptions.defaults()
                            .onMalformed(HttpIngestOptions.Malformed.ERROR_POLICY)
                            .maxLineSize(100)
                            .onBound(a -> bound.tryEmitValue(a)))
                    .onError(ErrorPolicy.deadLetter(Sink.forEach("dlq", letters::add)));
            RunningPipeline<List<Reading>> run = Pipeline.from(source).to(Sink.<Reading>collect("out")).start();
            URI uri = URI.create("http://127.0.0.1:" + bound.asMono().block(WAIT).getPort() + "/ingest");
            Reply reply = post(uri, "application/x-ndjson",
                    Flux.just(line(1), "not json\n", line(3), "{\"n\":4,\"pad\":\"" + "y".repeat(200) + "\"}\n"), null).block(WAIT);
            assertThat(reply.status()).isEqualTo(413);
            assertTaken(reply, 2, 1);
            assertThat(reply.body().get("error").asText()).contains("and 1 malformed ones handed to the error policy");
            assertThat(letters).hasSize(1);
            run.cancel().block(WAIT);
        }
    }

    /** The connector contract: each subscription binds, receives five posted lines, and stops. */
    @Nested
    class Contract implements SourceContract<Integer> {

        final AtomicReference<URI> last = new AtomicReference<>();
        final AtomicReference<Sinks.Empty<Void>> posted = new AtomicReference<>();

        @Override
        public Flux<Integer> subject() {
            HttpIngestOptions options = HttpIngestOptions.defaults()
                    .onBound(a -> {
                        URI base = URI.create("http://127.0.0.1:" + a.getPort() + "/");
                        last.set(base);
                        Sinks.Empty<Void> done = Sinks.empty();
                        posted.set(done);
                        post(base.resolve("/ingest"), "application/x-ndjson", Flux.range(1, 5).map(HttpSourcesTest::line), null)
                                .subscribe(x -> done.tryEmitEmpty(), e -> done.tryEmitError(e));
                    })
                    .stopSignal(Mono.defer(() -> posted.get().asMono()), Duration.ofSeconds(5));
            return HttpSources.server("ingest", Reading.class, options).flux().map(x -> x.n);
        }

        @Override
        public Flux<Integer> failingSubject() {
            return Flux.usingWhen(Mono.fromCallable(() -> DemoApiServer.start()),
                    taken -> HttpSources.server("ingest", Reading.class, HttpIngestOptions.defaults().port(taken.port()))
                            .flux().map(x -> x.n),
                    taken -> Mono.fromRunnable(taken::close).subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic()).then());
        }

        @Override
        public Mono<Boolean> released() {
            URI base = last.get();
            if (base == null) {
                return Mono.just(true);
            }
            return Flux.interval(Duration.ofMillis(20)).onBackpressureDrop()
                    .concatMap(i -> get(base.resolve("/health")).map(x -> false).onErrorReturn(true))
                    .filter(b -> b).next().timeout(Duration.ofSeconds(10));
        }
    }
}
