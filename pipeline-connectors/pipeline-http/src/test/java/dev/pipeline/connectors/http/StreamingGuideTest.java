package dev.pipeline.connectors.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.pipeline.connectors.http.websocket.WebSocketClosedException;
import dev.pipeline.connectors.http.websocket.WebSocketMessage;
import dev.pipeline.connectors.http.websocket.WebSocketOptions;
import dev.pipeline.connectors.http.websocket.WebSocketSinks;
import dev.pipeline.connectors.http.websocket.WebSocketSources;
import dev.pipeline.connectors.http.websocket.WebSocketStages;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import dev.pipeline.core.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/** The streaming and WebSocket code of docs/connectors/http.md: every snippet runs here and is checked. */
class StreamingGuideTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    /** One token of a streamed answer. */
    public record Token(String text) {
    }

    final StreamingServer server = new StreamingServer();
    final URI api = server.uri("/");

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void ndjsonSourceAndStage() {
        server.route("/generate", (req, res) -> req.receive().aggregate().asString().flatMap(body -> res
                .header("content-type", "application/x-ndjson")
                .sendString(Flux.just("{\"text\":\"Hel\"}\n", "{\"text\":\"lo\"}\n")).then()));
        // tag::ndjson[]
        Source<Token> tokens = HttpSources.ndjson("tokens",
                HttpRequest.postJson(api.resolve("/generate"), Map.of("prompt", "Say hello")),
                Token.class, HttpOptions.defaults());
        // end::ndjson[]
        assertThat(Pipeline.from(tokens).to(Sink.<Token>collect("out")).run().block(WAIT).result().orElseThrow())
                .extracting(Token::text).containsExactly("Hel", "lo");

        // tag::stage[]
        Stage<String, Token> generate = HttpStages.ndjson("generate",
                (String prompt) -> HttpRequest.postJson(api.resolve("/generate"), Map.of("prompt", prompt)),
                Token.class, HttpOptions.defaults().concurrency(4));       // 4 answers streaming at once
        PipelineReport<List<Token>> report = Pipeline.from(Source.fromIterable("prompts", List.of("one", "two")))
                .then(generate)                                          // one request, many tokens
                .to(Sink.<Token>collect("tokens"))
                .run().block();
        // end::stage[]
        assertThat(report.result().orElseThrow()).extracting(Token::text).containsExactly("Hel", "lo", "Hel", "lo");
        assertThat(report.stage("generate").outputs()).isEqualTo(4);
    }

    @Test
    void serverSentEvents() {
        server.chunks("/events", "text/event-stream", Flux.just(": keep-alive\n\n",
                "id: 1\ndata: {\"text\":\"Hel\"}\n\n", "data: {\"text\":\"lo\"}\n\n", "event: done\ndata: [DONE]\n\n"));
        // tag::events[]
        Source<ServerSentEvent> events = HttpSources.events("answer",
                HttpRequest.get(api.resolve("/events")), HttpOptions.defaults().maxLineSize(64 * 1024));
        Stage<ServerSentEvent, ServerSentEvent> tokensOnly = Stage.filter("tokens", e -> e.event().equals("message"));
        // end::events[]
        assertThat(Pipeline.from(events).then(tokensOnly).to(Sink.<ServerSentEvent>collect("out")).run().block(WAIT)
                .result().orElseThrow())
                .containsExactly(new ServerSentEvent("1", "message", "{\"text\":\"Hel\"}", null),
                        new ServerSentEvent("1", "message", "{\"text\":\"lo\"}", null));
    }

    @Test
    void webSocketSourceSinkAndStage() {
        server.ws("/prices", (in, out) -> out.sendString(in.receive().asString().take(1)
                .flatMap(subscribe -> Flux.just("1.0841", "1.0843", "1.0840"))).then(out.sendClose(1000, "")));
        server.ws("/in", (in, out) -> in.receive().then());
        server.ws("/rpc", (in, out) -> out.sendString(in.receive().asString().map(q -> "answer to " + q)));
        URI prices = server.ws("/prices");
        URI inbox = server.ws("/in");
        URI rpc = server.ws("/rpc");
        // tag::websocket[]
        Source<WebSocketMessage> ticks = WebSocketSources.connect("ticks", prices,
                List.of(WebSocketMessage.text("{\"subscribe\":\"EURUSD\"}")),          // sent on each connection
                WebSocketOptions.defaults()
                        .reconnect(5, Duration.ofMillis(100), Duration.ofSeconds(5))   // transient breaks only
                        .maxMessageSize(256 * 1024));
        Sink<String, Long> send = WebSocketSinks.sendText("send", inbox, WebSocketOptions.defaults());
        Stage<String, WebSocketMessage> ask = WebSocketStages.request("ask", rpc,
                WebSocketMessage::text, WebSocketOptions.defaults().concurrency(8).responseTimeout(Duration.ofSeconds(5)));
        // end::websocket[]
        assertThat(Pipeline.from(ticks).then(Stage.map("text", WebSocketMessage::text)).to(Sink.<String>collect("out"))
                .run().block(WAIT).result().orElseThrow()).containsExactly("1.0841", "1.0843", "1.0840");
        assertThat(Pipeline.from(Source.fromIterable("in", List.of("a", "b"))).to(send).run().block(WAIT).result()).contains(2L);
        assertThat(Pipeline.from(Source.fromIterable("q", List.of("a", "b"))).then(ask).then(Stage.map("t", WebSocketMessage::text))
                .to(Sink.<String>collect("out")).run().block(WAIT).result().orElseThrow())
                .containsExactly("answer to a", "answer to b");
    }

    @Test
    void correlatedRequests() {
        server.ws("/rpc", (in, out) -> out.sendString(in.receive().asString().buffer(2)
                .concatMap(pair -> Flux.just("{\"event\":\"heartbeat\"}", "{\"id\":" + id(pair.get(1)) + "}",
                        "{\"id\":" + id(pair.get(0)) + "}"))));
        URI rpc = server.ws("/rpc");
        // tag::correlated[]
        Stage<Integer, WebSocketMessage> lookup = WebSocketStages.request("lookup", rpc,
                (Integer id) -> WebSocketMessage.text("{\"id\":" + id + ",\"method\":\"lookup\"}"),
                (Integer id) -> id,                                        // the request's key
                reply -> idOf(reply.text()),                               // the reply's key; null: a push, skipped
                WebSocketOptions.defaults().concurrency(32));
        // end::correlated[]
        assertThat(Pipeline.from(Source.fromIterable("ids", List.of(1, 2, 3, 4))).then(lookup)
                .then(Stage.map("t", WebSocketMessage::text)).to(Sink.<String>collect("out")).run().block(WAIT)
                .result().orElseThrow()).containsExactly("{\"id\":1}", "{\"id\":2}", "{\"id\":3}", "{\"id\":4}");
    }

    static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** The {@code id} field of a JSON message, or null when it has none. */
    static Integer idOf(String json) {
        try {
            com.fasterxml.jackson.databind.JsonNode id = JSON.readTree(json).get("id");
            return id == null ? null : id.asInt();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + json, e);
        }
    }

    static String id(String request) {
        return request.replaceAll("^\\{\"id\":(\\d+).*", "$1");
    }

    @Test
    void closeCodes() {
        server.ws("/busy", (in, out) -> out.sendClose(1013, "try again later"));
        Throwable error = Pipeline.from(WebSocketSources.connect("ticks", server.ws("/busy"), WebSocketOptions.defaults()))
                .to(Sink.<WebSocketMessage>collect("out")).run()
                .map(r -> (Throwable) new AssertionError("no error")).onErrorResume(e -> reactor.core.publisher.Mono.just(e))
                .block(WAIT);
        Throwable e = error;
        while (e != null && !(e instanceof WebSocketClosedException)) {
            e = e.getCause();
        }
        // tag::close[]
        if (e instanceof WebSocketClosedException closed && closed.transientClose()) {
            // 1001, 1006, 1011, 1012, 1013, 1014: worth reconnecting (WebSocketOptions.reconnect does)
        }
        // end::close[]
        assertThat(e).isInstanceOfSatisfying(WebSocketClosedException.class, c -> {
            assertThat(c.code()).isEqualTo(1013);
            assertThat(c).hasMessage(server.ws("/busy") + ": the server closed the connection with code 1013 (try again later)"
                    + " 'try again later'");
        });
    }
}
