package dev.pipeline.connectors.tcp;

import java.util.Objects;

import dev.pipeline.connectors.tcp.internal.Connections;
import dev.pipeline.connectors.tcp.internal.FrameCodec;
import dev.pipeline.core.Stage;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * TCP stages: request/response over one connection per run, or over a shared
 * {@link TcpConnectionPool}.
 */
public final class TcpStages {

    private TcpStages() {
    }

    /**
     * A stage that sends each item, framed, over one connection to {@code host:port} and emits
     * the peer's one-frame answer to each, in order (requests are pipelined: the next is written
     * without waiting for the previous answer). The connection is opened when the run starts and
     * closed when the last answer has arrived, or on error or cancel.
     *
     * <pre>{@code
     * Stage<String, String> ask = TcpStages.request("ask", "127.0.0.1", 8888, Framing.lines(8192));
     * }</pre>
     *
     * <p><b>Emits when</b> an answer arrives and downstream has demand. <b>Completes when</b>
     * upstream has completed and every request has had its answer. <b>Errors when</b> the
     * connection fails or closes early, or a frame is over the limit (naming the peer).
     * <b>On cancel</b> the socket is closed. <b>Thread</b>: a Reactor Netty event loop.
     *
     * @param name the stage's name
     * @param host the peer's host
     * @param port the peer's port
     * @param framing how items are written and answers read
     * @return the stage
     */
    public static Stage<String, String> request(String name, String host, int port, Framing framing) {
        Objects.requireNonNull(host, "host must not be null");
        Objects.requireNonNull(framing, "framing must not be null");
        FrameCodec codec = framing.codec();
        return Stage.of(name, (Flux<String> requests) -> Flux.usingWhen(TcpSources.connection(host, port, codec),
                conn -> {
                    Object lock = new Object();
                    long[] counts = new long[2]; // sent, received
                    boolean[] upstreamDone = new boolean[1];
                    Sinks.Empty<Void> finished = Sinks.empty();
                    Mono<Void> send = conn.outbound()
                            .sendByteArray(requests.doOnNext(r -> {
                                synchronized (lock) {
                                    counts[0]++;
                                }
                            }).map(codec::encode))
                            .then()
                            .doOnSuccess(v -> {
                                synchronized (lock) {
                                    upstreamDone[0] = true;
                                    if (counts[0] == counts[1]) {
                                        // every answer is in and delivered: nothing is in flight
                                        finished.tryEmitEmpty().orThrow();
                                    }
                                }
                            });
                    Flux<String> answers = Connections.frames(conn, codec, TcpOptions.defaults())
                            // the answer that settles the count is emitted, then the flux completes
                            .takeUntil(a -> {
                                synchronized (lock) {
                                    counts[1]++;
                                    return upstreamDone[0] && counts[0] == counts[1];
                                }
                            })
                            .concatWith(Mono.defer(() -> {
                                synchronized (lock) {
                                    return counts[0] == counts[1] && upstreamDone[0] ? Mono.empty()
                                            : Mono.error(new TcpException(conn.channel().remoteAddress()
                                                    + " closed the connection with " + (counts[0] - counts[1])
                                                    + " request(s) unanswered", conn.channel().remoteAddress(), null));
                                }
                            }))
                            .takeUntilOther(finished.asMono());
                    return answers.mergeWith(send.then(Mono.empty()));
                },
                TcpSources::close));
    }

    /**
     * A stage that sends each item over a connection borrowed from {@code pool} and emits the
     * peer's one-frame answer, up to {@code pool.maxConnections()} items at once (the stage's
     * {@link Stage#concurrency concurrency}), answers in input order. Each item is one call, so
     * the stage's timeout, retry, circuit breaker and error policy apply per item; a failed
     * connection is destroyed and the next item gets another.
     *
     * <pre>{@code
     * TcpConnectionPool pool = TcpConnectionPool.of("127.0.0.1", 8888, Framing.lines(8192), 4);
     * Stage<String, String> ask = TcpStages.request("ask", pool).onError(ErrorPolicy.skip());
     * }</pre>
     *
     * <p><b>Emits when</b> the answer arrives. <b>Errors when</b> (per item) the connect fails,
     * the connection fails or closes before answering ({@link TcpException} naming the peer).
     * <b>On cancel</b> outstanding requests' connections are destroyed. <b>Thread</b>: a Reactor
     * Netty event loop.
     *
     * @param name the stage's name
     * @param pool the connections (the caller disposes it)
     * @return the stage
     */
    public static Stage<String, String> request(String name, TcpConnectionPool pool) {
        Objects.requireNonNull(pool, "pool must not be null");
        return Stage.mapAsync(name, (String item) -> pool.request(item)).concurrency(pool.maxConnections());
    }
}
