package dev.pipeline.connectors.http;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A local test server answering from a script: each request takes the next scripted answer
 * (or 200 {"ok":true} when the script is empty). Records request bodies, headers and arrival
 * times, the most requests in flight at once, and how many connections are open.
 */
final class ScriptedServer implements AutoCloseable {

    /** One scripted answer. */
    static final class Answer {
        final int status;
        final Map<String, String> headers;
        final byte[] body;
        final boolean hang;
        final boolean drop;
        final boolean chunked;

        private Answer(int status, Map<String, String> headers, byte[] body, boolean hang, boolean drop, boolean chunked) {
            this.status = status;
            this.headers = headers;
            this.body = body;
            this.hang = hang;
            this.drop = drop;
            this.chunked = chunked;
        }

        static Answer of(int status, String contentType, String body) {
            return new Answer(status, Map.of("content-type", contentType), body.getBytes(StandardCharsets.UTF_8), false, false, false);
        }

        static Answer json(int status, String body) {
            return of(status, "application/json", body);
        }

        static Answer status(int status, String retryAfter) {
            return new Answer(status, retryAfter == null ? Map.of("content-type", "application/json")
                    : Map.of("content-type", "application/json", "retry-after", retryAfter),
                    ("{\"error\":" + status + "}").getBytes(StandardCharsets.UTF_8), false, false, false);
        }

        /** Never answers (until the client gives up and closes the connection). */
        static Answer hang() {
            return new Answer(200, Map.of(), new byte[0], true, false, false);
        }

        /** Sends the headers and half the body, then closes the connection. */
        static Answer drop(String body) {
            return new Answer(200, Map.of("content-type", "application/json"), body.getBytes(StandardCharsets.UTF_8), false, true, false);
        }

        /** A body sent in chunks without Content-Length. */
        static Answer chunked(String body) {
            return new Answer(200, Map.of("content-type", "application/json"), body.getBytes(StandardCharsets.UTF_8), false, false, true);
        }
    }

    private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
    final List<String> bodies = new CopyOnWriteArrayList<>();
    final List<Map<String, String>> headers = new CopyOnWriteArrayList<>();
    final List<Long> arrivals = new CopyOnWriteArrayList<>();
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    final AtomicInteger openConnections = new AtomicInteger();
    final AtomicInteger maxOpenConnections = new AtomicInteger();
    private final Duration latency;
    private final DisposableServer server;

    ScriptedServer() {
        this(Duration.ZERO);
    }

    ScriptedServer(Duration latency) {
        this.latency = latency;
        this.server = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .doOnChannelInit((observer, channel, address) -> { // one per TCP connection
                    maxOpenConnections.accumulateAndGet(openConnections.incrementAndGet(), Math::max);
                    channel.closeFuture().addListener(f -> openConnections.decrementAndGet());
                })
                .handle((req, res) -> req.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                        .flatMap(body -> {
                            requests.incrementAndGet();
                            arrivals.add(System.nanoTime());
                            bodies.add(body);
                            Map<String, String> h = new java.util.HashMap<>();
                            req.requestHeaders().forEach(e -> h.put(e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue()));
                            h.put(":method", req.method().name());
                            h.put(":uri", req.uri());
                            headers.add(h);
                            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                            Answer a = script.poll();
                            if (a == null) {
                                a = Answer.json(200, "{\"ok\":true,\"uri\":\"" + req.uri() + "\"}");
                            }
                            Answer answer = a;
                            Mono<Void> send;
                            if (answer.hang) {
                                send = Mono.never();
                            } else {
                                res.status(answer.status);
                                answer.headers.forEach(res::header);
                                if (answer.drop) {
                                    res.header(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(answer.body.length));
                                    send = res.sendHeaders().then().then(Mono.<Void>create(sink -> res.withConnection(c -> c.channel()
                                            .writeAndFlush(new io.netty.handler.codec.http.DefaultHttpContent(io.netty.buffer.Unpooled.wrappedBuffer(java.util.Arrays.copyOf(answer.body, answer.body.length / 2))))
                                            .addListener(f -> c.channel().close().addListener(g -> sink.success())))));
                                } else if (answer.chunked) {
                                    int n = answer.body.length;
                                    send = res.send(Flux.range(0, (n + 63) / 64)
                                            .map(i -> Unpooled.wrappedBuffer(answer.body, i * 64, Math.min(64, n - i * 64)))).then();
                                } else {
                                    res.header(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(answer.body.length));
                                    send = res.sendByteArray(Mono.just(answer.body)).then();
                                }
                            }
                            Mono<Void> delayed = latency.isZero() ? send : Mono.delay(latency).then(send);
                            return delayed.doFinally(s -> inFlight.decrementAndGet());
                        }))
                .bindNow(Duration.ofSeconds(10));
    }

    ScriptedServer then(Answer... answers) {
        script.addAll(List.of(answers));
        return this;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    int port() {
        return server.port();
    }

    /** Completes with true once no request is being answered and no connection is open. */
    Mono<Boolean> idle() {
        return Flux.interval(Duration.ofMillis(10)).map(i -> inFlight.get() == 0 && openConnections.get() == 0)
                .filter(b -> b).next().timeout(Duration.ofSeconds(10));
    }

    /** Completes with true once no request is being answered (connections may stay pooled). */
    Mono<Boolean> noneInFlight() {
        return Flux.interval(Duration.ofMillis(10)).map(i -> inFlight.get() == 0)
                .filter(b -> b).next().timeout(Duration.ofSeconds(10));
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(10));
    }
}
