package dev.pipeline.connectors.tcp;

import java.net.SocketAddress;

/**
 * A peer sent a frame longer than the {@link Framing}'s limit: the connection is closed, and the
 * message names the peer and the limit.
 */
public final class TcpFrameTooLongException extends TcpException {

    private static final long serialVersionUID = 1L;

    private final int maxFrameBytes;

    /**
     * A frame from {@code peer} longer than {@code maxFrameBytes}.
     *
     * @param peer the peer that sent it
     * @param maxFrameBytes the limit
     * @param cause Netty's error
     */
    public TcpFrameTooLongException(SocketAddress peer, int maxFrameBytes, Throwable cause) {
        super("frame from " + peer + " exceeds the limit of " + maxFrameBytes + " bytes ("
                + cause.getMessage() + "); raise the Framing's maxFrameBytes or fix the peer", peer, cause);
        this.maxFrameBytes = maxFrameBytes;
    }

    /**
     * The configured limit.
     *
     * @return the maximum frame size in bytes
     */
    public int maxFrameBytes() {
        return maxFrameBytes;
    }
}
