package dev.pipeline.connectors.tcp.internal;

import java.net.SocketAddress;

import dev.pipeline.connectors.tcp.TcpException;
import dev.pipeline.connectors.tcp.TcpOptions;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.Connection;

/**
 * One pooled connection of the request stage: one request at a time (the pool hands it to one
 * borrower), its frames read one per request (demand 1, so nothing is read ahead). A connection
 * that failed, closed, sent an answer nobody asked for, or whose request was cancelled with the
 * answer outstanding (the late answer would be taken for the next request's) is marked broken,
 * and the pool destroys it on release instead of lending it again.
 */
public final class PooledConnection {

    private final Connection connection;
    private final FrameCodec codec;
    private final SocketAddress peer;
    private final Reader reader = new Reader();
    private volatile Sinks.One<String> pending;
    private volatile Throwable broken;

    private final class Reader extends BaseSubscriber<String> {
        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            // no demand until a request is written
        }

        @Override
        protected void hookOnNext(String frame) {
            Sinks.One<String> answer = pending;
            pending = null;
            if (answer == null) {
                fail(new TcpException(peer + " sent a frame no request asked for", peer, null));
            } else {
                answer.tryEmitValue(frame);
            }
        }

        @Override
        protected void hookOnComplete() {
            fail(new TcpException(peer + " closed the pooled connection", peer, null));
        }

        @Override
        protected void hookOnError(Throwable error) {
            fail(error);
        }
    }

    /**
     * Wraps a fresh, framed connection and starts its reader.
     *
     * @param connection the connection
     * @param codec its framing
     */
    public PooledConnection(Connection connection, FrameCodec codec) {
        this.connection = connection;
        this.codec = codec;
        this.peer = connection.channel().remoteAddress();
        Connections.frames(connection, codec, TcpOptions.defaults()).subscribe(reader);
    }

    private void fail(Throwable error) {
        if (broken == null) {
            broken = error;
        }
        Sinks.One<String> answer = pending;
        pending = null;
        if (answer != null) {
            answer.tryEmitError(error);
        }
    }

    /**
     * Sends one request and waits for its one-frame answer.
     *
     * @param request the item
     * @return the answer; errors when the connection fails
     */
    public Mono<String> ask(String request) {
        return Mono.defer(() -> {
            Throwable failed = broken;
            if (failed != null) {
                return Mono.error(failed);
            }
            Sinks.One<String> answer = Sinks.one();
            pending = answer;
            reader.request(1);
            return connection.outbound().sendByteArray(Mono.just(codec.encode(request))).then()
                    .onErrorMap(e -> Connections.map(e, peer, codec))
                    .then(answer.asMono());
        }).doOnError(this::fail)
                .doOnCancel(() -> fail(new TcpException("a request to " + peer
                        + " was cancelled with its answer outstanding; the connection is not reused", peer, null)));
    }

    /**
     * Whether the pool must destroy rather than lend this connection.
     *
     * @return true when broken
     */
    public boolean isBroken() {
        return broken != null || connection.isDisposed();
    }

    /**
     * Closes the connection.
     *
     * @return completion of the close
     */
    public Mono<Void> close() {
        reader.dispose();
        connection.dispose();
        return connection.onDispose();
    }
}
