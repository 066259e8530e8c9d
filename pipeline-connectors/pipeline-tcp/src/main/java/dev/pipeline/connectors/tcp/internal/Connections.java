package dev.pipeline.connectors.tcp.internal;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;

import dev.pipeline.connectors.tcp.TcpException;
import dev.pipeline.connectors.tcp.TcpFrameTooLongException;
import io.netty.handler.codec.TooLongFrameException;
import reactor.core.publisher.Flux;
import reactor.netty.Connection;

/**
 * What client and server do to a fresh connection: install the framing's decoder before the
 * reactive bridge, and read frames as strings. Reactor Netty's inbound receive honours demand by
 * turning the channel's auto-read off while downstream has no demand, so a slow reader stops the
 * socket reads (TCP flow control then slows the peer) and no frame queue grows without bound.
 */
public final class Connections {

    private static final String DECODER = "pipeline.framing";

    private Connections() {
    }

    /**
     * Installs the framing's decoder on the connection.
     *
     * @param connection the fresh connection
     * @param codec the framing
     */
    public static void frame(Connection connection, FrameCodec codec) {
        connection.addHandlerLast(DECODER, codec.newDecoder());
    }

    /**
     * The connection's frames as strings, errors mapped to name the peer.
     *
     * @param connection the framed connection
     * @param codec the framing (for the limit in errors)
     * @return the frames
     */
    public static Flux<String> frames(Connection connection, FrameCodec codec) {
        SocketAddress peer = connection.channel().remoteAddress();
        return connection.inbound().receive().asString(StandardCharsets.UTF_8)
                .onErrorMap(error -> !(error instanceof TcpException), error -> map(error, peer, codec));
    }

    /**
     * A low-level error as a {@link TcpException} naming the peer.
     *
     * @param error the error
     * @param peer the peer, or null
     * @param codec the framing
     * @return the mapped error
     */
    public static Throwable map(Throwable error, SocketAddress peer, FrameCodec codec) {
        if (error instanceof TooLongFrameException) {
            return new TcpFrameTooLongException(peer, codec.maxFrameBytes(), error);
        }
        if (error instanceof IOException) {
            return new TcpException("connection to " + peer + " failed: " + error.getMessage(), peer, error);
        }
        return error;
    }
}
