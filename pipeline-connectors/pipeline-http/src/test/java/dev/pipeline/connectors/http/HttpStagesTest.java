package dev.pipeline.connectors.http;

import static dev.pipeline.test.PipelineAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import dev.pipeline.test.SourceContract;
import dev.pipeline.connectors.http.ScriptedServer.Answer;
import dev.pipeline.core.DeadLetter;
import dev.pipeline.core.ErrorPolicy;
import dev.pipeline.core.ItemTimeoutException;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineException;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import dev.pipeline.core.Stage;
import dev.pipeline.connectors.http.demo.DemoApiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class HttpStagesTest {

    static final Duration WAIT = Duration.ofSeconds(20);

    /** The body of /items/{id} on the demo server. */
    public static final class Item {
        public long id;
        public String name;
        public double price;
    }

    ScriptedServer server;

    @BeforeEach
    void start() {
        server = new ScriptedServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static HttpOptions fast() {
        return HttpOptions.defaults().retries(3, Duration.ofMillis(1), Duration.ofMillis(5));
    }

    static <T> PipelineReport<List<T>> run(Stage<Integer, T> stage, int items) {
        return Pipeline.from(Source.fromIterable("in", IntStream.range(0, items).boxed().toList()))
                .then(stage)
                .to(Sink.<T>collect("out"))
                .run()
                .block(WAIT);
    }

    static Throwable failure(Stage<Integer, ?> stage) {
        try {
            run(stage, 1);
        } catch (PipelineException e) {
            return e;
        }
        throw new AssertionError("the run did not fail");
    }

    @Nested
    class Decoding {

        @Test
        void getDecodesAJsonBodyIntoTheGivenType() {
            try (DemoApiServer api = DemoApiServer.start()) {
                Stage<Integer, Item> items = HttpStages.get("items", (Integer n) -> api.baseUri().resolve("/items/" + n), Item.class);
                PipelineReport<List<Item>> report = run(items, 5);
                assertThat(report.result().orElseThrow()).extracting(i -> i.id).containsExactly(0L, 1L, 2L, 3L, 4L);
                assertThat(report.result().orElseThrow().get(1).name).isEqualTo("item-1");
                assertThat(report).reconciles().stage("items").emitted(5);
                assertThat(api.requests()).isEqualTo(5);
            }
        }

        @Test
        void getWithoutATypeEmitsTheBodyAsText() {
            server.then(Answer.of(200, "text/plain", "hello"));
            StepVerifier.create(Pipeline.from(Source.fromIterable("in", List.of(1)))
                            .then(HttpStages.get("text", (Integer n) -> server.uri("/t"))).toFlux())
                    .expectNext("hello").verifyComplete();
        }

        @Test
        void truncatedJsonFailsTheItemWithoutRetrying() {
            server.then(Answer.json(200, "{\"id\":1,\"na"));
            Throwable e = failure(HttpStages.get("items", (Integer n) -> server.uri("/items/1"), Item.class, fast()));
            assertThat(e.getCause()).isInstanceOf(HttpException.class)
                    .hasMessageContaining("GET " + server.uri("/items/1")).hasMessageContaining("not valid JSON for Item");
            assertThat(server.requests.get()).isEqualTo(1);
        }

        @Test
        void aWrongContentTypeIsAnErrorNamingIt() {
            server.then(Answer.of(200, "text/html", "<html>login</html>"));
            Throwable e = failure(HttpStages.get("items", (Integer n) -> server.uri("/items/1"), Item.class, fast()));
            assertThat(e.getCause()).isInstanceOf(HttpException.class).hasMessageContaining("Content-Type 'text/html'");
            assertThat(server.requests.get()).isEqualTo(1);
        }

        @Test
        void aBodyOverTheLimitIsAnError() {
            String big = "{\"pad\":\"" + "x".repeat(2000) + "\"}";
            server.then(Answer.json(200, big), Answer.chunked(big));
            HttpOptions small = fast().maxResponseSize(1000);
            Throwable declared = failure(HttpStages.get("items", (Integer n) -> server.uri("/big"), Item.class, small));
            assertThat(declared.getCause()).isInstanceOf(HttpException.class).hasMessageContaining("exceeds the limit of 1000 bytes");
            Throwable streamed = failure(HttpStages.get("items", (Integer n) -> server.uri("/big"), Item.class, small));
            assertThat(streamed.getCause()).isInstanceOf(HttpException.class).hasMessageContaining("exceeds the limit of 1000 bytes");
            assertThat(server.requests.get()).isEqualTo(2);
        }

        @Test
        void requestSendsMethodHeadersAndAJsonBody() {
            server.then(Answer.json(201, "{\"id\":9}"));
            Stage<Integer, Item> post = HttpStages.request("post",
                    (Integer n) -> HttpRequest.postJson(server.uri("/orders"), List.of(n)).header("X-Trace", "t-" + n),
                    Item.class, fast().header("Authorization", "Bearer s3cret"));
            PipelineReport<List<Item>> report = run(post, 1);
            assertThat(report.result().orElseThrow().get(0).id).isEqualTo(9);
            assertThat(server.bodies).containsExactly("[0]");
            assertThat(server.headers.get(0)).containsEntry(":method", "POST").containsEntry("x-trace", "t-0")
                    .containsEntry("authorization", "Bearer s3cret").containsEntry("content-type", "application/json");
        }
    }

    @Nested
    class Statuses {

        @Test
        void retries429And5xxThenSucceeds() {
            server.then(Answer.status(503, "0"), Answer.status(429, "0"), Answer.status(500, null),
                    Answer.json(200, "{\"id\":7}"));
            PipelineReport<List<Item>> report = run(HttpStages.get("items", (Integer n) -> server.uri("/items/7"), Item.class, fast()), 1);
            assertThat(report.result().orElseThrow()).extracting(i -> i.id).containsExactly(7L);
            assertThat(report).reconciles().stage("items").retried(3);
            assertThat(server.requests.get()).isEqualTo(4);
        }

        @Test
        void never404IsRetriedAndItGoesToTheErrorPolicy() {
            server.then(Answer.json(404, "{\"error\":\"no such item\"}"));
            List<DeadLetter<?>> letters = new CopyOnWriteArrayList<>();
            Stage<Integer, Item> items = HttpStages.get("items", (Integer n) -> server.uri("/items/" + n), Item.class, fast())
                    .onError(ErrorPolicy.deadLetter(Sink.forEach("dlq", letters::add)));
            PipelineReport<List<Item>> report = run(items, 1);
            assertThat(report).completed().reconciles().stage("items").deadLettered(1).retried(0);
            assertThat(server.requests.get()).isEqualTo(1);
            assertThat(letters).hasSize(1);
            HttpStatusException e = (HttpStatusException) letters.get(0).error();
            assertThat(e.status()).isEqualTo(404);
            assertThat(e.method()).isEqualTo("GET");
            assertThat(e.uri()).isEqualTo(server.uri("/items/0"));
            assertThat(e.body()).isEqualTo("{\"error\":\"no such item\"}");
            assertThat(e).hasMessageContaining("GET " + server.uri("/items/0") + " returned 404");
            assertThat(letters.get(0).attempts()).isEqualTo(1);
        }

        @Test
        void givesUpAfterTheLastRetryWithTheStatusAndAttempts() {
            server.then(Answer.status(500, null), Answer.status(500, null), Answer.status(500, null), Answer.status(500, null));
            Throwable e = failure(HttpStages.get("items", (Integer n) -> server.uri("/items/1"), Item.class, fast()));
            assertThat(e).isInstanceOf(PipelineException.class).hasMessageContaining("after 4 attempts")
                    .hasMessageContaining("returned 500");
            assertThat(((PipelineException) e).attempts()).isEqualTo(4);
            assertThat(e.getCause()).isInstanceOf(HttpStatusException.class);
            assertThat(server.requests.get()).isEqualTo(4);
        }

        @Test
        void waitsAtLeastTheRetryAfterTheServerAsksFor() {
            server.then(Answer.status(429, "1"));
            PipelineReport<List<String>> report = run(HttpStages.get("t", (Integer n) -> server.uri("/t"), String.class, fast()), 1);
            assertThat(report).reconciles().stage("t").retried(1);
            long gap = server.arrivals.get(1) - server.arrivals.get(0);
            assertThat(Duration.ofNanos(gap)).isGreaterThanOrEqualTo(Duration.ofMillis(950));
        }

        @Test
        void aRetryAfterBeyondTheLimitFailsAtOnce() {
            server.then(Answer.status(503, "3600"));
            Throwable e = failure(HttpStages.get("t", (Integer n) -> server.uri("/t"), String.class, fast()));
            assertThat(e.getCause()).isInstanceOf(HttpStatusException.class);
            assertThat(((HttpStatusException) e.getCause()).retryAfter()).contains(Duration.ofHours(1));
            assertThat(server.requests.get()).isEqualTo(1);
        }
    }

    @Nested
    class Connections {

        @Test
        void aConnectionResetMidBodyIsRetried() {
            server.then(Answer.drop("{\"id\":3,\"name\":\"three\",\"price\":1.5}"), Answer.json(200, "{\"id\":3}"));
            PipelineReport<List<Item>> report = run(HttpStages.get("items", (Integer n) -> server.uri("/items/3"), Item.class, fast()), 1);
            assertThat(report.result().orElseThrow()).extracting(i -> i.id).containsExactly(3L);
            assertThat(report).reconciles().stage("items").retried(1);
        }

        @Test
        void aRefusedConnectionFailsAfterItsRetries() {
            int port = server.port();
            server.close();
            Throwable e = failure(HttpStages.get("items", (Integer n) -> URI.create("http://127.0.0.1:" + port + "/x"), Item.class,
                    fast().retries(2, Duration.ofMillis(1), Duration.ofMillis(2))));
            assertThat(((PipelineException) e).attempts()).isEqualTo(3);
            assertThat(e.getCause()).isInstanceOf(java.net.ConnectException.class);
            server = new ScriptedServer();
        }

        @Test
        void aSlowResponseTimesOutInVirtualTimeAndTheConnectionIsClosed() {
            server.then(Answer.hang());
            Stage<Integer, String> slow = HttpStages.get("slow", (Integer n) -> server.uri("/slow"), String.class,
                    HttpOptions.defaults().responseTimeout(Duration.ofMinutes(5)).retries(0, Duration.ofMillis(1), Duration.ofMillis(1)));
            StepVerifier.withVirtualTime(() -> Pipeline.from(Source.fromIterable("in", List.of(1))).then(slow).toFlux())
                    .expectSubscription()
                    .thenAwait(Duration.ofMinutes(5))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(PipelineException.class)
                            .hasCauseInstanceOf(ItemTimeoutException.class))
                    .verify(WAIT);
            StepVerifier.create(server.idle()).expectNext(true).verifyComplete();
        }

        @Test
        void concurrencyBoundsRequestsInFlightAndThePoolSize() {
            try (ScriptedServer slow = new ScriptedServer(Duration.ofMillis(20))) {
                Stage<Integer, String> get = HttpStages.get("get", (Integer n) -> slow.uri("/n/" + n), String.class,
                        HttpOptions.defaults().concurrency(4));
                PipelineReport<List<String>> report = run(get, 40);
                assertThat(report.result().orElseThrow()).hasSize(40);
                // the pool holds one connection per request in flight: never more than 4 at once
                assertThat(slow.maxOpenConnections.get()).isBetween(2, 4);
                assertThat(slow.headers).extracting(h -> h.get(":uri")).hasSize(40);
            }
        }
    }

    /** The connector contract, for the stage as a publisher of responses. */
    @Nested
    class Contract implements SourceContract<String> {

        @Override
        public Flux<String> subject() {
            return Pipeline.from(Source.fromIterable("ids", List.of(1, 2, 3, 4, 5)))
                    .then(HttpStages.get("get", (Integer n) -> server.uri("/n/" + n), String.class,
                            HttpOptions.defaults().concurrency(2)))
                    .toFlux();
        }

        @Override
        public Flux<String> failingSubject() {
            return Pipeline.from(Source.fromIterable("ids", List.of(1, 2, 3)))
                    .then(HttpStages.get("get", (Integer n) -> server.uri("/n/" + n), String.class, fast()))
                    .toFlux()
                    .doOnSubscribe(s -> server.then(Answer.status(400, null), Answer.status(400, null), Answer.status(400, null)));
        }

        @Override
        public Mono<Boolean> released() {
            return server.noneInFlight();
        }
    }
}
