package dev.pipeline.connectors.tcp.internal;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

import dev.pipeline.connectors.tcp.TcpException;
import dev.pipeline.connectors.tcp.TcpFrameTooLongException;
import dev.pipeline.connectors.tcp.TcpIdleTimeoutException;
import dev.pipeline.connectors.tcp.TcpOptions;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.AttributeKey;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;

/**
 * What client and server do to a fresh connection: install the framing's decoder before the
 * reactive bridge, and read frames as strings. Reactor Netty's inbound receive honours demand by
 * turning the channel's auto-read off while downstream has no demand, so a slow reader stops the
 * socket reads (TCP flow control then slows the peer) and no frame queue grows without bound.
 */
public final class Connections {

    private static final String DECODER = "pipeline.framing";
    private static final String ERRORS = "pipeline.errors";
    private static final AttributeKey<Throwable> READ_ERROR = AttributeKey.valueOf("pipeline.readError");

    /**
     * Remembers the first I/O error the channel's reads or writes raised (a reset: "Connection
     * reset by peer"). Reactor Netty may report a reset as the end of input, depending on when it
     * lands (a write that meets the reset consumes the socket's error, and the read then sees an
     * end of file); with this record the source fails instead, naming the peer.
     */
    @ChannelHandler.Sharable
    private static final class ReadErrors extends ChannelDuplexHandler {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            record(ctx.channel(), cause);
            ctx.fireExceptionCaught(cause);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (promise.isVoid()) {
                ctx.write(msg, promise);
                return;
            }
            // Reactor Netty's promises take no listeners: relay a promise of our own to theirs
            ChannelPromise relay = ctx.newPromise();
            relay.addListener(done -> {
                if (done.isSuccess()) {
                    promise.trySuccess();
                } else {
                    record(ctx.channel(), done.cause());
                    promise.tryFailure(done.cause());
                }
            });
            ctx.write(msg, relay);
        }

        private static void record(Channel channel, Throwable cause) {
            if (cause instanceof IOException) {
                channel.attr(READ_ERROR).setIfAbsent(cause);
            }
        }
    }

    private static final ReadErrors READ_ERRORS = new ReadErrors();

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
     * Installs the read-error record on a new channel, before it connects (so that a reset
     * arriving with the connect is seen too).
     *
     * @param channel the channel being initialised
     */
    public static void recordReadErrors(Channel channel) {
        if (channel.pipeline().get(ERRORS) == null) {
            channel.pipeline().addFirst(ERRORS, READ_ERRORS);
        }
    }

    /**
     * The connection's frames as strings, errors mapped to name the peer; a read error that
     * Reactor Netty reported as the end of input (a reset) fails the flux after all, and an
     * idle limit, when set, fails it with a {@link TcpIdleTimeoutException}.
     *
     * @param connection the framed connection
     * @param codec the framing (for the limit in errors)
     * @param options the idle limit and its timer
     * @return the frames
     */
    public static Flux<String> frames(Connection connection, FrameCodec codec, TcpOptions options) {
        SocketAddress peer = connection.channel().remoteAddress();
        Flux<String> frames = connection.inbound().receive().asString(StandardCharsets.UTF_8)
                .concatWith(Mono.defer(() -> {
                    Throwable reset = connection.channel().attr(READ_ERROR).get();
                    return reset == null ? Mono.empty() : Mono.error(reset);
                }));
        if (options.idleTimeout().isPresent()) {
            Duration idle = options.idleTimeout().get();
            frames = frames.timeout(idle, options.timer())
                    .onErrorMap(TimeoutException.class, e -> new TcpIdleTimeoutException(peer, idle));
        }
        return frames.onErrorMap(error -> !(error instanceof TcpException), error -> map(error, peer, codec));
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
            String what = String.valueOf(error.getMessage()).toLowerCase(Locale.ROOT).contains("reset")
                    ? " was reset by the peer: " : " failed: ";
            return new TcpException("connection to " + peer + what + error.getMessage(), peer, error);
        }
        return error;
    }
}
