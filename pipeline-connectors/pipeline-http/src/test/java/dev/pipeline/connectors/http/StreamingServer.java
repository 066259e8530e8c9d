package dev.pipeline.connectors.http;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

import io.netty.channel.ChannelOption;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.WebsocketServerSpec;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

/**
 * A local server (127.0.0.1, a free port) whose paths the test scripts: each path answers with
 * the handler registered for it (404 otherwise). Small socket send buffers, so that a test can see
 * how far ahead of a slow client the server gets. Counts open connections.
 */
public final class StreamingServer implements AutoCloseable {

    private final Map<String, BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>>> routes =
            new ConcurrentHashMap<>();
    public final AtomicInteger requests = new AtomicInteger();
    public final AtomicInteger openConnections = new AtomicInteger();
    public final AtomicInteger inFlight = new AtomicInteger();
    private final DisposableServer server;

    public StreamingServer() {
        server = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .childOption(ChannelOption.SO_SNDBUF, 16 * 1024)
                .doOnChannelInit((observer, channel, address) -> {
                    openConnections.incrementAndGet();
                    channel.closeFuture().addListener(f -> openConnections.decrementAndGet());
                })
                .handle((req, res) -> {
                    requests.incrementAndGet();
                    String path = URI.create(req.uri()).getPath();
                    BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> route = routes.get(path);
                    if (route == null) {
                        return res.status(404).sendString(Mono.just("no route " + path)).then();
                    }
                    inFlight.incrementAndGet();
                    return Flux.from(route.apply(req, res)).doFinally(s -> inFlight.decrementAndGet());
                })
                .bindNow(Duration.ofSeconds(10));
    }

    /** Answers {@code path} with {@code handler}. */
    public StreamingServer route(String path, BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> handler) {
        routes.put(path, handler);
        return this;
    }

    /** Answers {@code path} with a chunked body, one chunk per string. */
    public StreamingServer chunks(String path, String contentType, Flux<String> chunks) {
        return route(path, (req, res) -> res.header("content-type", contentType).sendString(chunks, java.nio.charset.StandardCharsets.UTF_8).then());
    }

    /**
     * Answers {@code path} with the headers of a 100,000-byte body, writes {@code start} of it,
     * and closes the connection once that is flushed: a server that dies mid-stream.
     */
    public StreamingServer dropAfter(String path, String contentType, String start) {
        return route(path, (req, res) -> res.header("content-type", contentType).header("content-length", "100000")
                .sendHeaders().then()
                .then(Mono.<Void>create(sink -> res.withConnection(c -> c.channel()
                        .writeAndFlush(new io.netty.handler.codec.http.DefaultHttpContent(io.netty.buffer.Unpooled
                                .copiedBuffer(start, java.nio.charset.StandardCharsets.UTF_8)))
                        .addListener(f -> c.channel().close().addListener(g -> sink.success()))))));
    }

    /** Answers {@code path} with a WebSocket handler (messages up to 1 MiB). */
    public StreamingServer ws(String path, BiFunction<? super WebsocketInbound, ? super WebsocketOutbound, ? extends Publisher<Void>> handler) {
        return route(path, (req, res) -> res.sendWebsocket(handler,
                WebsocketServerSpec.builder().maxFramePayloadLength(1024 * 1024).build()));
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    public URI ws(String path) {
        return URI.create("ws://127.0.0.1:" + server.port() + path);
    }

    public int port() {
        return server.port();
    }

    /** Completes with true once no connection is open. */
    public Mono<Boolean> closed() {
        return Flux.interval(Duration.ofMillis(10)).map(i -> openConnections.get() == 0)
                .filter(b -> b).next().timeout(Duration.ofSeconds(10));
    }

    /** Completes with true once no answer is being sent (pooled connections may stay open). */
    public Mono<Boolean> idle() {
        return Flux.interval(Duration.ofMillis(10)).map(i -> inFlight.get() == 0)
                .filter(b -> b).next().timeout(Duration.ofSeconds(10));
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(10));
    }
}
