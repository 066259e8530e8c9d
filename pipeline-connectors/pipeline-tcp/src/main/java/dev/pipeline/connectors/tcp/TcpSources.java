package dev.pipeline.connectors.tcp;

import java.net.SocketAddress;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import dev.pipeline.connectors.tcp.internal.Connections;
import dev.pipeline.connectors.tcp.internal.FrameCodec;
import dev.pipeline.core.ErrorPolicy;
import dev.pipeline.core.Source;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;
import reactor.util.concurrent.Queues;

/**
 * TCP sources: a client that connects and reads framed items (asyncio's
 * {@code open_connection}), and a server whose connections' frames become items (asyncio's
 * {@code start_server}). Both are cold: nothing connects or binds until the run subscribes, and
 * the socket is closed on complete, error and cancel.
 *
 * <p>Backpressure: reading pauses while downstream has no demand (Reactor Netty turns the
 * channel's auto-read off), so a slow pipeline slows the peer through TCP flow control; no frame
 * queue grows without bound.
 */
public final class TcpSources {

    private static final Logger LOG = LoggerFactory.getLogger(TcpSources.class);

    private TcpSources() {
    }

    /**
     * A source that connects to {@code host:port}, writes {@code outbound}'s items framed, and
     * emits the framed items the peer sends until it closes the connection.
     *
     * <pre>{@code
     * Source<String> replies = TcpSources.connect("echo", "127.0.0.1", 8888, Framing.lines(8192),
     *         Flux.just("Hello World!"));
     * }</pre>
     *
     * <p><b>Emits when</b> a frame arrives and downstream has demand. <b>Completes when</b> the
     * peer closes (after {@code outbound} is written). <b>Errors when</b> the connect fails, the
     * connection is reset (a reset is never taken for a clean close) or a frame is over the limit ({@link TcpException},
     * {@link TcpFrameTooLongException}, naming the peer). <b>On cancel</b> the socket is closed.
     * <b>Thread</b>: a Reactor Netty event loop.
     *
     * @param name the source's name
     * @param host the peer's host
     * @param port the peer's port
     * @param framing how bytes become items
     * @param outbound what to write (may be empty)
     * @return the source
     */
    public static Source<String> connect(String name, String host, int port, Framing framing,
            Publisher<String> outbound) {
        return connect(name, host, port, framing, outbound, TcpOptions.defaults());
    }

    /**
     * {@link #connect(String, String, int, Framing, Publisher)} with options: an
     * {@linkplain TcpOptions#idleTimeout idle limit} fails the source with a
     * {@link TcpIdleTimeoutException} naming the peer.
     *
     * <pre>{@code
     * Source<String> feed = TcpSources.connect("feed", "127.0.0.1", 9000, Framing.lines(8192), Flux.empty(),
     *         TcpOptions.defaults().idleTimeout(Duration.ofSeconds(30)));
     * }</pre>
     *
     * @param name the source's name
     * @param host the peer's host
     * @param port the peer's port
     * @param framing how bytes become items
     * @param outbound what to write (may be empty)
     * @param options the idle limit
     * @return the source
     */
    public static Source<String> connect(String name, String host, int port, Framing framing,
            Publisher<String> outbound, TcpOptions options) {
        Objects.requireNonNull(options, "options must not be null");
        Objects.requireNonNull(host, "host must not be null");
        Objects.requireNonNull(framing, "framing must not be null");
        Objects.requireNonNull(outbound, "outbound must not be null");
        FrameCodec codec = framing.codec();
        return Source.create(name, ctx -> Flux.usingWhen(connection(host, port, codec),
                conn -> Connections.frames(conn, codec, options)
                        .mergeWith(conn.outbound().sendByteArray(Flux.from(outbound).map(codec::encode)).then()
                                .onErrorMap(e -> Connections.map(e, conn.channel().remoteAddress(), codec))
                                .then(Mono.empty())),
                TcpSources::close));
    }

    /**
     * A source that listens on {@code host:port}; each accepted connection's framed input
     * becomes {@link TcpMessage} items, with a reply channel to that peer. Hot while it runs:
     * the server is bound on subscribe and closed on cancel, error or completion.
     *
     * <pre>{@code
     * Source<TcpMessage> requests = TcpSources.server("echo", "127.0.0.1", 8888, Framing.lines(8192), 64,
     *         address -> System.out.println("Serving on " + address));
     * }</pre>
     *
     * <p>A connection beyond {@code maxConnections} is closed at once (and logged). A connection
     * whose peer closes ends its items. A connection that fails (a frame over the limit, a reset,
     * an idle limit) is closed and rejected through the source's {@link Source#onError error
     * policy}, the rejected item being a description of the connection: by default
     * {@link ErrorPolicy#skip()}, so the server goes on serving the others and the report counts
     * the failed connection as skipped (and logs it); with {@code onError(ErrorPolicy.failFast())}
     * one failed connection fails the run. Each connection is read one frame ahead of demand at
     * most.
     *
     * <p><b>Emits when</b> a frame arrives and downstream has demand. <b>Completes</b> never by
     * itself. <b>Errors when</b> the bind fails, or a connection fails under fail-fast.
     * <b>On cancel</b> the server and every connection are closed. <b>Thread</b>: a Reactor
     * Netty event loop.
     *
     * @param name the source's name
     * @param host the address to bind
     * @param port the port to bind, 0 for any free port
     * @param framing how bytes become items
     * @param maxConnections the most connections served at once, &gt; 0
     * @param bound called with the bound address (the port when 0 was asked for)
     * @return the source
     */
    public static Source<TcpMessage> server(String name, String host, int port, Framing framing, int maxConnections,
            Consumer<? super SocketAddress> bound) {
        return server(name, host, port, framing, maxConnections, bound, TcpOptions.defaults());
    }

    /**
     * {@link #server(String, String, int, Framing, int, Consumer)} with options: an
     * {@linkplain TcpOptions#idleTimeout idle limit} closes a connection that sends no frame
     * for that long, rejecting it through the error policy with a
     * {@link TcpIdleTimeoutException} naming the peer.
     *
     * @param name the source's name
     * @param host the address to bind
     * @param port the port to bind, 0 for any free port
     * @param framing how bytes become items
     * @param maxConnections the most connections served at once, &gt; 0
     * @param bound called with the bound address (the port when 0 was asked for)
     * @param options the idle limit
     * @return the source
     */
    public static Source<TcpMessage> server(String name, String host, int port, Framing framing, int maxConnections,
            Consumer<? super SocketAddress> bound, TcpOptions options) {
        Objects.requireNonNull(host, "host must not be null");
        Objects.requireNonNull(framing, "framing must not be null");
        Objects.requireNonNull(bound, "bound must not be null");
        Objects.requireNonNull(options, "options must not be null");
        if (maxConnections <= 0) {
            throw new IllegalArgumentException("maxConnections must be > 0, was " + maxConnections);
        }
        FrameCodec codec = framing.codec();
        return Source.<TcpMessage>create(name, ctx -> Flux.defer(() -> {
            // bounded: at most maxConnections inner fluxes are ever queued, since each holds a slot
            Sinks.Many<Flux<TcpMessage>> accepted = Sinks.many().unicast()
                    .onBackpressureBuffer(Queues.<Flux<TcpMessage>>get(maxConnections).get());
            AtomicInteger active = new AtomicInteger();
            Mono<? extends DisposableServer> bind = TcpServer.create().host(host).port(port)
                    .doOnChannelInit((observer, channel, remote) -> Connections.recordReadErrors(channel))
                    .doOnConnection(conn -> Connections.frame(conn, codec))
                    .handle((in, out) -> Mono.<Void>create(done -> in.withConnection(conn -> {
                        SocketAddress peer = conn.channel().remoteAddress();
                        if (active.incrementAndGet() > maxConnections) {
                            active.decrementAndGet();
                            LOG.warn("server '{}' refused a connection from {}: {} connections are open (maxConnections)",
                                    name, peer, maxConnections);
                            done.success();
                            return;
                        }
                        Flux<TcpMessage> messages = Connections.frames(conn, codec, options)
                                .map(text -> new TcpMessage(text, peer,
                                        reply -> out.sendByteArray(Mono.just(codec.encode(reply))).then()))
                                // one failed connection: closed (done below), rejected by the policy
                                .onErrorResume(error -> ctx.reject("connection from " + peer, error, 1)
                                        .then(Mono.empty()))
                                .doFinally(signal -> {
                                    active.decrementAndGet();
                                    done.success();
                                });
                        Sinks.EmitResult result;
                        synchronized (accepted) {
                            result = accepted.tryEmitNext(messages);
                        }
                        if (result.isFailure()) {
                            // the source was cancelled or failed meanwhile: close this connection
                            active.decrementAndGet();
                            done.success();
                        }
                    })))
                    .bind();
            return Flux.usingWhen(bind.doOnNext(server -> bound.accept(server.address())),
                    server -> accepted.asFlux().flatMap(messages -> messages, maxConnections, 1),
                    server -> {
                        server.dispose();
                        return server.onDispose();
                    });
        })).onError(ErrorPolicy.skip());
    }

    static Mono<? extends Connection> connection(String host, int port, FrameCodec codec) {
        return TcpClient.create().host(host).port(port)
                .doOnChannelInit((observer, channel, remote) -> Connections.recordReadErrors(channel))
                .doOnConnected(conn -> Connections.frame(conn, codec))
                .connect()
                .onErrorMap(error -> !(error instanceof TcpException), error -> new TcpException(
                        "cannot connect to " + host + ":" + port + ": " + error.getMessage(), null, error));
    }

    static Mono<Void> close(Connection conn) {
        conn.dispose();
        return conn.onDispose();
    }
}
