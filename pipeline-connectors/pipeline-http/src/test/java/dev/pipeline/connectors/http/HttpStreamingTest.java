package dev.pipeline.connectors.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pipeline.test.SourceContract;
import dev.pipeline.core.DeadLetter;
import dev.pipeline.core.ErrorPolicy;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import io.netty.channel.ChannelOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;

/** NDJSON and server-sent event bodies streamed as items, against a local server. */
class HttpStreamingTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    /** One token of a streamed answer. */
    public record Token(int i, String text) {
    }

    final StreamingServer server = new StreamingServer();

    @AfterEach
    void stop() {
        server.close();
    }

    static HttpOptions noRetries() {
        return HttpOptions.defaults().retries(0, Duration.ofMillis(1), Duration.ofMillis(1));
    }

    static String ndjson(int from, int to) {
        StringBuilder b = new StringBuilder();
        IntStream.range(from, to).forEach(i -> b.append("{\"i\":").append(i).append(",\"text\":\"t").append(i).append("\"}\n"));
        return b.toString();
    }

    /** {@code body} in chunks of {@code size} characters, so that lines are cut across chunks. */
    static Flux<String> cut(String body, int size) {
        return Flux.range(0, (body.length() + size - 1) / size)
                .map(i -> body.substring(i * size, Math.min(body.length(), (i + 1) * size)));
    }

    @Nested
    class NdjsonSource {

        @Test
        void emitsEachLineDecodedInOrder() {
            server.chunks("/tokens", "application/x-ndjson", cut(ndjson(0, 200), 13));
            Source<Token> tokens = HttpSources.ndjson("tokens", HttpRequest.get(server.uri("/tokens")), Token.class,
                    HttpOptions.defaults());
            StepVerifier.create(tokens.flux())
                    .recordWith(java.util.ArrayList::new)
                    .thenConsumeWhile(t -> true)
                    .consumeRecordedWith(list -> assertThat(list).extracting(Token::i)
                            .containsExactlyElementsOf(IntStream.range(0, 200).boxed().toList()))
                    .verifyComplete();
        }

        @Test
        void postsTheRequestBodyAndAsksForNdjson() {
            List<String> seen = new CopyOnWriteArrayList<>();
            server.route("/generate", (req, res) -> req.receive().aggregate().asString().flatMap(body -> {
                seen.add(req.requestHeaders().get("accept") + " " + body);
                return res.header("content-type", "application/x-ndjson").sendString(cut(ndjson(0, 3), 5)).then();
            }));
            Source<Token> tokens = HttpSources.ndjson("tokens",
                    HttpRequest.postJson(server.uri("/generate"), java.util.Map.of("prompt", "hi")), Token.class,
                    HttpOptions.defaults());
            assertThat(tokens.flux().collectList().block(WAIT)).extracting(Token::text).containsExactly("t0", "t1", "t2");
            assertThat(seen).singleElement().asString().startsWith("application/x-ndjson").endsWith("{\"prompt\":\"hi\"}");
        }

        @Test
        void aSlowSubscriberDoesNotMakeTheClientBufferWithoutBound() {
            // 4,000 lines of 1 KiB (4 MiB) against 16 KiB socket buffers on both sides: the server can get
            // ahead of a reader that stopped by the buffers and a chunk or two, never by the whole body
            AtomicInteger sent = new AtomicInteger();
            String pad = "x".repeat(1000);
            server.chunks("/big", "application/x-ndjson", Flux.range(0, 4000)
                    .map(i -> "{\"i\":" + i + ",\"text\":\"" + pad + "\"}\n")
                    .doOnNext(l -> sent.incrementAndGet()));
            HttpOptions small = HttpOptions.defaults()
                    .client(HttpClient.create().option(ChannelOption.SO_RCVBUF, 16 * 1024));
            AtomicInteger received = new AtomicInteger();
            StepVerifier.create(HttpSources.ndjson("big", HttpRequest.get(server.uri("/big")), Token.class, small).flux()
                            .doOnNext(t -> assertThat(t.i()).isEqualTo(received.getAndIncrement())), 0)
                    .thenRequest(10)
                    .expectNextCount(10)
                    .expectNoEvent(Duration.ofMillis(500)) // let the server run ahead as far as it can
                    .then(() -> assertThat(sent.get()).as("lines the server could send ahead of a stopped reader")
                            .isLessThan(1000))
                    .thenRequest(Long.MAX_VALUE)
                    .expectNextCount(3990)
                    .verifyComplete();
            assertThat(sent.get()).isEqualTo(4000);
        }

        @Test
        void aServerThatClosesMidStreamFailsNamingTheUrlAndTheItemsBefore() {
            server.dropAfter("/drop", "application/x-ndjson", ndjson(0, 3));
            StepVerifier.create(HttpSources.ndjson("drop", HttpRequest.get(server.uri("/drop")), Token.class, noRetries())
                            .flux())
                    .expectNextCount(3)
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(HttpException.class)
                            .hasMessageContaining("GET " + server.uri("/drop"))
                            .hasMessageContaining("stream broke after 3 item(s)"))
                    .verify(WAIT);
        }

        @Test
        void aNon2xxAnswerFailsWithItsStatusAndBody() {
            server.route("/missing", (req, res) -> res.status(404).sendString(Mono.just("no such model")).then());
            StepVerifier.create(HttpSources.ndjson("x", HttpRequest.get(server.uri("/missing")), Token.class, noRetries()).flux())
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(HttpStatusException.class, s -> {
                        assertThat(s.status()).isEqualTo(404);
                        assertThat(s.body()).isEqualTo("no such model");
                        assertThat(s.uri()).isEqualTo(server.uri("/missing"));
                    }))
                    .verify(WAIT);
        }

        @Test
        void failuresBeforeTheFirstItemAreRetried() {
            AtomicInteger calls = new AtomicInteger();
            server.route("/flaky", (req, res) -> calls.incrementAndGet() < 3
                    ? res.status(503).header("retry-after", "0").sendString(Mono.just("busy")).then()
                    : res.header("content-type", "application/x-ndjson").sendString(Mono.just(ndjson(0, 2))).then());
            HttpOptions retrying = HttpOptions.defaults().retries(3, Duration.ofMillis(1), Duration.ofMillis(5));
            assertThat(HttpSources.ndjson("x", HttpRequest.get(server.uri("/flaky")), Token.class, retrying).flux()
                    .collectList().block(WAIT)).hasSize(2);
            assertThat(calls.get()).isEqualTo(3);
        }

        @Test
        void aServerSilentPastTheResponseTimeoutFailsNamingTheTimeout() {
            server.route("/silent", (req, res) -> res.header("content-type", "application/x-ndjson").sendHeaders()
                    .then().then(Mono.never()));
            HttpOptions quick = noRetries().responseTimeout(Duration.ofMillis(300));
            StepVerifier.create(HttpSources.ndjson("x", HttpRequest.get(server.uri("/silent")), Token.class, quick).flux())
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(HttpException.class)
                            .hasMessageContaining("GET " + server.uri("/silent"))
                            .hasMessageContaining("sent no item within PT0.3S"))
                    .verify(WAIT);
        }

        @Test
        void aLineOverTheLimitFailsNamingTheUrl() {
            server.chunks("/long", "application/x-ndjson", Flux.just(ndjson(0, 2), "\"" + "y".repeat(5000) + "\"\n"));
            StepVerifier.create(HttpSources.ndjson("x", HttpRequest.get(server.uri("/long")), JsonNode.class,
                            noRetries().maxLineSize(4096)).flux())
                    .expectNextCount(2)
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(HttpException.class)
                            .hasMessageContaining("GET " + server.uri("/long"))
                            .hasMessageContaining("longer than the limit of 4096 bytes (at line 3"))
                    .verify(WAIT);
        }
    }

    @Nested
    class EventSource {

        @Test
        void emitsServerSentEventsInOrderAndAsksForAnEventStream() {
            List<String> accept = new CopyOnWriteArrayList<>();
            server.route("/events", (req, res) -> {
                accept.add(req.requestHeaders().get("accept"));
                return res.header("content-type", "text/event-stream")
                        .sendString(cut(": hello\n\nid: 1\ndata: He\n\ndata: llo\ndata: !\n\nevent: done\ndata: [DONE]\n\n", 7))
                        .then();
            });
            assertThat(HttpSources.events("chat", HttpRequest.get(server.uri("/events")), HttpOptions.defaults())
                    .flux().collectList().block(WAIT))
                    .containsExactly(new ServerSentEvent("1", "message", "He", null),
                            new ServerSentEvent("1", "message", "llo\n!", null),
                            new ServerSentEvent("1", "done", "[DONE]", null));
            assertThat(accept).containsExactly("text/event-stream");
        }
    }

    @Nested
    class StreamingStage {

        void answerPrompts() {
            server.route("/generate", (req, res) -> req.receive().aggregate().asString().flatMap(body -> {
                int prompt = Integer.parseInt(body.replaceAll("\\D", ""));
                // prompt 0 answers slowest, so that input order is kept only if the stage keeps it
                return res.header("content-type", "application/x-ndjson")
                        .sendString(Flux.range(0, 5).map(i -> "{\"i\":" + (prompt * 10 + i) + ",\"text\":\"p" + prompt + "\"}\n")
                                .delayElements(Duration.ofMillis(prompt == 0 ? 30 : 1)))
                        .then();
            }));
        }

        @Test
        void oneRequestPerItemManyItemsPerRequestInInputOrder() {
            answerPrompts();
            PipelineReport<List<Token>> report = Pipeline.from(Source.fromIterable("prompts", List.of(0, 1, 2)))
                    .then(HttpStages.ndjson("generate",
                            (Integer p) -> HttpRequest.postJson(server.uri("/generate"), java.util.Map.of("p", p)), Token.class,
                            HttpOptions.defaults().concurrency(3)))
                    .to(Sink.<Token>collect("tokens"))
                    .run().block(WAIT);
            assertThat(report.result().orElseThrow()).extracting(Token::i)
                    .containsExactly(0, 1, 2, 3, 4, 10, 11, 12, 13, 14, 20, 21, 22, 23, 24);
            assertThat(report.stage("generate").outputs()).isEqualTo(15);
        }

        @Test
        void aBrokenStreamSendsItsItemToTheErrorPolicyAfterTheItemsItEmitted() {
            server.dropAfter("/broken", "text/event-stream", "data: a\n\ndata: b\n\n");
            List<DeadLetter<?>> letters = new CopyOnWriteArrayList<>();
            PipelineReport<List<ServerSentEvent>> report = Pipeline.from(Source.fromIterable("paths", List.of("/broken")))
                    .then(HttpStages.events("events", (String path) -> HttpRequest.get(server.uri(path)), noRetries())
                            .onError(ErrorPolicy.deadLetter(Sink.forEach("dlq", letters::add))))
                    .to(Sink.<ServerSentEvent>collect("out"))
                    .run().block(WAIT);
            assertThat(report.result().orElseThrow()).extracting(ServerSentEvent::data).containsExactly("a", "b");
            // the accounting reconciles: one item in, dead-lettered, after two outputs; nothing in flight
            assertThat(report.stage("events").received()).isEqualTo(1);
            assertThat(report.stage("events").deadLettered()).isEqualTo(1);
            assertThat(report.stage("events").outputs()).isEqualTo(2);
            assertThat(report.stage("events").inFlight()).isZero();
            assertThat(letters).singleElement().satisfies(l -> {
                assertThat(l.item()).isEqualTo("/broken");
                assertThat(l.error()).hasMessageContaining("GET " + server.uri("/broken")).hasMessageContaining("after 2 item(s)");
            });
        }
    }

    /** The connector contract, for the streaming stage as a publisher of the items of three streams. */
    @Nested
    class StageContract implements SourceContract<Token> {

        StageContract() {
            server.chunks("/tokens", "application/x-ndjson", cut(ndjson(0, 4), 9));
        }

        @Override
        public Flux<Token> subject() {
            return Pipeline.from(Source.fromIterable("prompts", List.of(1, 2, 3)))
                    .then(HttpStages.ndjson("generate", (Integer p) -> HttpRequest.get(server.uri("/tokens")), Token.class,
                            noRetries().concurrency(2)))
                    .toFlux();
        }

        @Override
        public Flux<Token> failingSubject() {
            return Pipeline.from(Source.fromIterable("prompts", List.of(1)))
                    .then(HttpStages.ndjson("generate", (Integer p) -> HttpRequest.get(server.uri("/nowhere")), Token.class,
                            noRetries()))
                    .toFlux();
        }

        @Override
        public Mono<Boolean> released() {
            return server.idle();
        }
    }

    /** The connector contract, for the NDJSON source. */
    @Nested
    class Contract implements SourceContract<Token> {

        Contract() {
            server.chunks("/tokens", "application/x-ndjson", cut(ndjson(0, 50), 17));
        }

        @Override
        public Flux<Token> subject() {
            return HttpSources.ndjson("tokens", HttpRequest.get(server.uri("/tokens")), Token.class, noRetries()).flux();
        }

        @Override
        public Flux<Token> failingSubject() {
            return HttpSources.ndjson("tokens", HttpRequest.get(server.uri("/nowhere")), Token.class, noRetries()).flux();
        }

        @Override
        public Mono<Boolean> released() {
            return server.idle();
        }
    }
}
