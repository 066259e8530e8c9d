package dev.pipeline.examples.tutorial;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A local stand-in for a streaming inference API, for the {@code stream-tokens} example: it
 * answers a prompt token by token, one every {@code delay}, as server-sent events on
 * {@code POST /generate} ({@code data: {"token":" quick"}}, then {@code event: done}) and as
 * WebSocket text messages on {@code /ws} (one per token after the prompt message, then a close
 * with 1000). Hot: listening on 127.0.0.1 and a free port from {@link #start} to {@link #close}.
 * Counts the tokens it has sent, so the example can show how far ahead of its reader it got.
 */
final class TokenServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DisposableServer server;
    private final AtomicInteger sent = new AtomicInteger();

    private TokenServer(List<String> tokens, Duration delay) {
        server = HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes
                        .post("/generate", (req, res) -> res.header("content-type", "text/event-stream")
                                .header("cache-control", "no-cache")
                                .sendString(req.receive().aggregate().asString().defaultIfEmpty("")
                                        .flatMapMany(prompt -> paced(tokens, delay))
                                        .map(t -> "data: " + json(t) + "\n\n")
                                        .concatWith(Mono.just("event: done\ndata: [DONE]\n\n"))))
                        .ws("/ws", (in, out) -> {
                            // the first message is the prompt; the inbound is read on (cancelling it would
                            // close the connection) until the answer is written
                            Sinks.One<String> prompt = Sinks.one();
                            Sinks.Empty<Void> written = Sinks.empty();
                            Mono<Void> read = in.receive().asString()
                                    .doOnNext(p -> prompt.tryEmitValue(p)) // FAIL_TERMINATED for later messages: ignored
                                    .then();
                            Mono<Void> write = out.sendString(prompt.asMono().flatMapMany(p -> paced(tokens, delay))).then()
                                    .then(out.sendClose(1000, "done"))
                                    .doFinally(s -> written.tryEmitEmpty());
                            return Mono.when(write, read.takeUntilOther(written.asMono()));
                        }))
                .bindNow(Duration.ofSeconds(10));
    }

    /** Starts the server. */
    static TokenServer start(List<String> tokens, Duration delay) {
        return new TokenServer(List.copyOf(tokens), delay);
    }

    /** The words of {@code text}, each but the first with its leading space, as a model's tokens are. */
    static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        for (String word : text.trim().split("\\s+")) {
            out.add(out.isEmpty() ? word : " " + word);
        }
        return out;
    }

    private Flux<String> paced(List<String> tokens, Duration delay) {
        return Flux.fromIterable(tokens).delayElements(delay).doOnNext(t -> sent.incrementAndGet());
    }

    private static String json(String token) {
        try {
            return JSON.writeValueAsString(java.util.Map.of("token", token));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot encode token " + token, e);
        }
    }

    /** @return the URL of {@code path} on this server with {@code scheme} (http or ws) */
    URI uri(String scheme, String path) {
        return URI.create(scheme + "://127.0.0.1:" + server.port() + path);
    }

    /** @return tokens sent so far */
    int sent() {
        return sent.get();
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(10));
    }
}
