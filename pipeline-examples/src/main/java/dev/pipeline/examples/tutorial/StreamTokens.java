package dev.pipeline.examples.tutorial;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pipeline.connectors.http.HttpOptions;
import dev.pipeline.connectors.http.HttpRequest;
import dev.pipeline.connectors.http.HttpSources;
import dev.pipeline.connectors.http.ServerSentEvent;
import dev.pipeline.connectors.http.websocket.WebSocketMessage;
import dev.pipeline.connectors.http.websocket.WebSocketOptions;
import dev.pipeline.connectors.http.websocket.WebSocketSources;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.PipelineStatus;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Stage;
import dev.pipeline.core.aio.Tasks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A streaming response consumed token by token, as a client of a streaming inference API does
 * (aiohttp's {@code async for line in response.content}, or the {@code websockets} library's
 * {@code async for message in ws}): a local server the example starts answers a prompt one token
 * at a time, as server-sent events or WebSocket messages, and a pipeline prints each token as it
 * comes, with backpressure (a reader slower than the server slows it down).
 */
@Command(name = "stream-tokens", mixinStandardHelpOptions = true,
        description = "A streaming answer consumed token by token (aiohttp streaming / websockets), from a local server, with backpressure.")
public final class StreamTokens implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** How the tokens travel. */
    enum Transport { sse, websocket }

    @Spec
    CommandSpec spec;

    @Option(names = "--transport", defaultValue = "sse",
            description = "sse (server-sent events over HTTP) or websocket (default ${DEFAULT-VALUE})")
    Transport transport;

    @Option(names = "--text", defaultValue = "Streams are how a model answers: one token at a time, as soon as each is ready.",
            description = "the answer the server streams, one word per token")
    String text;

    @Option(names = "--token-ms", defaultValue = "40", description = "milliseconds between two tokens (default ${DEFAULT-VALUE})")
    long tokenMillis;

    @Option(names = "--reader-ms", defaultValue = "0",
            description = "milliseconds the reader takes per token, to see backpressure (default ${DEFAULT-VALUE})")
    long readerMillis;

    @Override
    public Integer call() {
        if (tokenMillis < 0 || readerMillis < 0 || text.isBlank()) {
            throw new IllegalArgumentException("--token-ms and --reader-ms must be >= 0, and --text must not be blank");
        }
        PrintWriter out = spec.commandLine().getOut();
        List<String> tokens = TokenServer.tokens(text);
        try (TokenServer server = TokenServer.start(tokens, Duration.ofMillis(tokenMillis))) {
            out.printf("streaming %d tokens from %s (%s, one every %d ms)%n", tokens.size(),
                    server.uri(transport == Transport.sse ? "http" : "ws", transport == Transport.sse ? "/generate" : "/ws"),
                    transport == Transport.sse ? "server-sent events" : "WebSocket", tokenMillis);
            out.flush();
            long start = System.nanoTime();
            AtomicLong first = new AtomicLong(-1);
            AtomicInteger ahead = new AtomicInteger();
            AtomicInteger received = new AtomicInteger();
            Stage<String, String> read = Stage.mapAsync("read", (String token) -> Tasks.sleep(Duration.ofMillis(readerMillis))
                    .thenReturn(token));
            Sink<String, Void> print = Sink.forEach("print", (String token) -> {
                first.compareAndSet(-1, System.nanoTime() - start);
                ahead.accumulateAndGet(server.sent() - received.incrementAndGet(), Math::max);
                out.print(token);
                out.flush();
            });
            // tag::pipeline[]
            PipelineReport<Void> report = Tasks.run(switch (transport) {
                case sse -> Pipeline.from(HttpSources.events("answer",
                                HttpRequest.postJson(server.uri("http", "/generate"), Map.of("prompt", "Why streams?")),
                                HttpOptions.defaults()))
                        .then(Stage.filter("tokens", (ServerSentEvent e) -> e.event().equals("message"))) // not "done"
                        .then(Stage.map("token", StreamTokens::token))   // data: {"token":" quick"}
                        .then(read)
                        .to(print).named("stream-tokens").run();
                case websocket -> Pipeline.from(WebSocketSources.connect("answer", server.uri("ws", "/ws"),
                                List.of(WebSocketMessage.text("Why streams?")), WebSocketOptions.defaults()))
                        .then(Stage.map("token", WebSocketMessage::text))
                        .then(read)
                        .to(print).named("stream-tokens").run();
            });
            // end::pipeline[]
            double seconds = (System.nanoTime() - start) / 1e9;
            out.println();
            out.printf("received %d tokens in %.2f s (the first after %.2f s); the server was at most %d token(s) ahead of the reader%n",
                    received.get(), seconds, first.get() / 1e9, ahead.get());
            out.flush();
            return report.status() == PipelineStatus.COMPLETED && received.get() == tokens.size() ? 0 : 1;
        }
    }

    private static String token(ServerSentEvent event) {
        try {
            JsonNode node = JSON.readTree(event.data());
            return node.get("token").asText();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("event " + event.id() + " is not {\"token\": ...}: " + event.data(), e);
        }
    }
}
