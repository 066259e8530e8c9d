package dev.pipeline.connectors.tcp;

import java.net.SocketAddress;

/**
 * A TCP connection failed (refused, reset, closed by a limit); the message and {@link #peer()}
 * name the other end.
 */
public class TcpException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient SocketAddress peer;

    /**
     * A failure of the connection to {@code peer}.
     *
     * @param message what went wrong, naming the peer
     * @param peer the other end, or null when it is not known (a connect that failed)
     * @param cause the low-level error, or null
     */
    public TcpException(String message, SocketAddress peer, Throwable cause) {
        super(message, cause);
        this.peer = peer;
    }

    /**
     * The other end of the connection.
     *
     * @return the peer's address, or null when it is not known
     */
    public SocketAddress peer() {
        return peer;
    }
}
