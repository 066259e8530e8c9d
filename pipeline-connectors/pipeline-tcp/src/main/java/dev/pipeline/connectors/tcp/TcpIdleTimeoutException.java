package dev.pipeline.connectors.tcp;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * A connection went longer than its {@link TcpOptions#idleTimeout(Duration) idle limit} without
 * a frame; it was closed. The cause is a {@link TimeoutException}.
 */
public final class TcpIdleTimeoutException extends TcpException {

    private static final long serialVersionUID = 1L;

    private final Duration idleTimeout;

    /**
     * An idle connection to {@code peer}.
     *
     * @param peer the other end
     * @param idleTimeout the limit
     */
    public TcpIdleTimeoutException(SocketAddress peer, Duration idleTimeout) {
        super("connection to " + peer + " was idle for longer than " + idleTimeout
                + " (no frame received); raise TcpOptions.idleTimeout or check the peer", peer,
                new TimeoutException("idle for " + idleTimeout));
        this.idleTimeout = idleTimeout;
    }

    /**
     * The configured limit.
     *
     * @return the idle limit
     */
    public Duration idleTimeout() {
        return idleTimeout;
    }
}
