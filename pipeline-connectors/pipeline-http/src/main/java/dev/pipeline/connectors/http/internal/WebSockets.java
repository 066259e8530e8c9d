package dev.pipeline.connectors.http.internal;

import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import dev.pipeline.connectors.http.websocket.WebSocketClosedException;
import dev.pipeline.connectors.http.websocket.WebSocketException;
import dev.pipeline.connectors.http.websocket.WebSocketMessage;
import dev.pipeline.connectors.http.websocket.WebSocketOptions;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.util.retry.Retry;

/**
 * What the WebSocket source, sink and stage share: the client, messages in and out, the close
 * status as an error, the mapping of low-level errors to errors naming the URL, and the
 * reconnection rule.
 *
 * <p>Backpressure: Reactor Netty's inbound turns the channel's auto-read off while downstream
 * has no demand, so a slow reader stops the socket reads and TCP flow control slows the server;
 * only what one read brought in is held.
 */
public final class WebSockets {

    private WebSockets() {
    }

    /** A cold sender: connects when its {@code handle} flux is subscribed. */
    public static HttpClient.WebsocketSender sender(WebSocketOptions o, URI uri) {
        HttpClient c = o.client().orElseGet(HttpClient::newConnection)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, o.connectTimeout().toMillis()));
        Map<String, String> headers = o.headers();
        if (!headers.isEmpty()) {
            c = c.headers(h -> headers.forEach(h::set));
        }
        return c.websocket(WebsocketClientSpec.builder().maxFramePayloadLength(o.maxMessageSize()).build()).uri(uri);
    }

    /** The connection's text and binary messages, each copied out of Netty's buffers, whole. */
    public static Flux<WebSocketMessage> messages(WebsocketInbound in, int maxMessageSize) {
        return in.aggregateFrames(maxMessageSize).receiveFrames()
                .filter(f -> f instanceof TextWebSocketFrame || f instanceof BinaryWebSocketFrame)
                .map(f -> f instanceof TextWebSocketFrame t ? WebSocketMessage.text(t.text())
                        : WebSocketMessage.binary(ByteBufUtil.getBytes(f.content())));
    }

    /**
     * After the inbound ended: nothing when the server closed with 1000 or 1005 (and {@code normalIsError}
     * is false), else a {@link WebSocketClosedException}.
     */
    public static <T> Mono<T> closed(WebsocketInbound in, URI uri, boolean normalIsError, String context) {
        return in.receiveCloseStatus()
                .map(s -> new Object[] {s.code(), s.reasonText()})
                .defaultIfEmpty(new Object[] {WebSocketClosedException.ABNORMAL, ""})
                .flatMap(status -> {
                    int code = (Integer) status[0];
                    // 1005: a close frame without a code, a clean close all the same
                    if ((code == 1000 || code == 1005) && !normalIsError) {
                        return Mono.<T>empty();
                    }
                    return Mono.<T>error(new WebSocketClosedException(uri, code < 0 ? WebSocketClosedException.ABNORMAL : code,
                            (String) status[1], context));
                });
    }

    public static WebSocketFrame frame(WebSocketMessage m) {
        return m.isText() ? new TextWebSocketFrame(m.text()) : new BinaryWebSocketFrame(Unpooled.wrappedBuffer(m.bytes()));
    }

    /** A low-level error as a {@link WebSocketException} naming the URL (ours are kept). */
    public static Throwable map(Throwable e, URI uri, WebSocketOptions o) {
        if (e instanceof WebSocketException) {
            return e;
        }
        if (e instanceof TooLongFrameException || (e instanceof CorruptedFrameException && String.valueOf(e.getMessage())
                .contains("Max frame length"))) {
            return new WebSocketException(uri, "a message is over the limit of " + o.maxMessageSize()
                    + " bytes (raise WebSocketOptions.maxMessageSize if it is expected)", e);
        }
        if (e instanceof WebSocketClientHandshakeException h && h.response() != null) {
            int status = h.response().status().code();
            return new WebSocketException(uri, "the opening handshake was answered " + h.response().status()
                    + (status == 401 || status == 403 ? " (check the credentials in WebSocketOptions.header)"
                    : status == 404 ? " (check the URL's path)" : ""), e);
        }
        if (e instanceof WebSocketHandshakeException) {
            return new WebSocketException(uri, "the opening handshake failed: " + e.getMessage(), e);
        }
        if (e instanceof TimeoutException) {
            return new WebSocketException(uri, e.getMessage(), e);
        }
        if (e instanceof IOException || e instanceof io.netty.channel.ChannelException) {
            return new WebSocketException(uri, "connection failed: " + e.getMessage(), new IOException(e.getMessage(), e));
        }
        return e;
    }

    /** Whether a reconnect may mend it: I/O errors, handshakes answered 429 or 5xx, and the transient close codes. */
    public static boolean reconnectable(Throwable e) {
        if (e instanceof WebSocketClosedException c) {
            return c.transientClose();
        }
        if (e instanceof WebSocketException && e.getCause() instanceof WebSocketClientHandshakeException h
                && h.response() != null) {
            int status = h.response().status().code();
            return status == 429 || status >= 500; // the server is busy or restarting
        }
        return e instanceof WebSocketException && e.getCause() instanceof IOException;
    }

    /**
     * The reconnection rule: at most the options' reconnects in a row (a message received
     * resets the count), exponential backoff with jitter on the options' scheduler; when used up,
     * the last error, its message saying so.
     */
    public static Retry reconnect(WebSocketOptions o, URI uri, java.util.function.BooleanSupplier allowed) {
        return Retry.backoff(o.maxReconnects(), o.minBackoff())
                .maxBackoff(o.maxBackoff())
                .jitter(0.5)
                .scheduler(o.scheduler())
                .transientErrors(true)
                .filter(e -> allowed.getAsBoolean() && reconnectable(e))
                .onRetryExhaustedThrow((spec, signal) -> new WebSocketException(uri, "gave up after "
                        + signal.totalRetriesInARow() + " reconnect(s) in a row (WebSocketOptions.reconnect): "
                        + signal.failure().getMessage(), signal.failure()));
    }
}
