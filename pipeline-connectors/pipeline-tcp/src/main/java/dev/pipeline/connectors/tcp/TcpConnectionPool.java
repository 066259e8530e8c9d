package dev.pipeline.connectors.tcp;

import java.util.Objects;

import dev.pipeline.connectors.tcp.internal.FrameCodec;
import dev.pipeline.connectors.tcp.internal.PooledConnection;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.pool.InstrumentedPool;
import reactor.pool.PoolBuilder;

/**
 * A pool of up to {@code maxConnections} connections to one peer for request/response: each
 * {@link #request} borrows a connection, writes one framed request, reads the one-frame answer
 * and gives the connection back (reactor-pool underneath). Lazy: nothing connects until the
 * first request; a connection is opened when none is idle and fewer than the maximum exist.
 * Shared by any number of stages and runs; {@link #dispose()} closes it.
 *
 * <pre>{@code
 * TcpConnectionPool pool = TcpConnectionPool.of("127.0.0.1", 8888, Framing.lines(8192), 8);
 * Stage<String, String> ask = TcpStages.request("ask", pool);   // concurrency 8
 * // ... runs ...
 * pool.dispose();
 * }</pre>
 *
 * <p>A connection that fails, closes, or whose request is cancelled (a stage timeout) while its
 * answer is outstanding is destroyed, never lent again (a late answer would be taken for the
 * next request's); the request fails with a {@link TcpException} naming the peer. Borrowers
 * beyond the maximum wait, at most {@code 64 × maxConnections} of them (more fail with
 * reactor-pool's {@code PoolAcquirePendingLimitException}): give the stage a concurrency no
 * higher than the pool's size.
 */
public final class TcpConnectionPool implements Disposable {

    private final String peer;
    private final int maxConnections;
    private final InstrumentedPool<PooledConnection> pool;

    private TcpConnectionPool(String host, int port, FrameCodec codec, int maxConnections) {
        this.peer = host + ":" + port;
        this.maxConnections = maxConnections;
        this.pool = PoolBuilder.from(TcpSources.connection(host, port, codec).map(conn -> new PooledConnection(conn, codec)))
                .sizeBetween(0, maxConnections)
                .maxPendingAcquire(64 * maxConnections)
                .evictionPredicate((connection, metadata) -> connection.isBroken())
                .destroyHandler(PooledConnection::close)
                .buildPool();
    }

    /**
     * A pool of connections to {@code host:port}.
     *
     * @param host the peer's host
     * @param port the peer's port
     * @param framing how requests are written and answers read
     * @param maxConnections the most connections open at once, &gt; 0
     * @return the pool, with no connection yet
     */
    public static TcpConnectionPool of(String host, int port, Framing framing, int maxConnections) {
        Objects.requireNonNull(host, "host must not be null");
        Objects.requireNonNull(framing, "framing must not be null");
        if (maxConnections <= 0) {
            throw new IllegalArgumentException("maxConnections must be > 0, was " + maxConnections);
        }
        return new TcpConnectionPool(host, port, framing.codec(), maxConnections);
    }

    /**
     * Sends {@code request} over a pooled connection and emits the peer's one-frame answer.
     * Cold: nothing is borrowed until subscribe.
     *
     * @param request the item to send
     * @return the answer
     */
    public Mono<String> request(String request) {
        Objects.requireNonNull(request, "request must not be null");
        return pool.withPoolable(connection -> connection.ask(request)).single();
    }

    /**
     * The most connections open at once.
     *
     * @return the maximum
     */
    public int maxConnections() {
        return maxConnections;
    }

    /**
     * How many connections are open now (lent or idle).
     *
     * @return the count
     */
    public int open() {
        return pool.metrics().allocatedSize();
    }

    /**
     * Closes every connection; requests fail afterwards.
     */
    @Override
    public void dispose() {
        pool.dispose();
    }

    /**
     * Closes every connection, completing when they are closed.
     *
     * @return completion of the close
     */
    public Mono<Void> disposeLater() {
        return pool.disposeLater();
    }

    @Override
    public boolean isDisposed() {
        return pool.isDisposed();
    }

    @Override
    public String toString() {
        return "TcpConnectionPool[" + peer + ", max " + maxConnections + ", open " + open() + "]";
    }
}
