package dev.pipeline.connectors.http.websocket;

import java.net.URI;
import java.util.List;

import dev.pipeline.connectors.http.internal.WebSockets;
import dev.pipeline.connectors.internal.Require;
import dev.pipeline.core.Source;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A source of the messages a WebSocket server sends: the {@code websockets} library's
 * {@code async for message in websocket}, with backpressure and reconnection by option.
 *
 * <pre>{@code
 * Source<WebSocketMessage> prices = WebSocketSources.connect("prices", URI.create("ws://127.0.0.1:8080/prices"),
 *         List.of(WebSocketMessage.text("{\"subscribe\":\"EURUSD\"}")),
 *         WebSocketOptions.defaults().reconnect(5, Duration.ofMillis(100), Duration.ofSeconds(5)));
 * }</pre>
 *
 * <p><b>Backpressure</b>: the socket is read only while the pipeline has demand (Reactor Netty
 * turns auto-read off), so a slow pipeline slows the server through TCP flow control; at most
 * one read's messages are held.
 *
 * <p><b>Emits when</b> a whole message has arrived and downstream has demand. <b>Completes
 * when</b> the server closes with code 1000 (or a close frame without a code). <b>Errors when</b> the connection cannot be opened,
 * the server closes with another code or the connection drops ({@link WebSocketClosedException}),
 * or a message is over {@link WebSocketOptions#maxMessageSize(int)}; each names the URL. With
 * {@link WebSocketOptions#reconnect reconnect} set, transient failures reconnect first (the
 * greeting is sent again on each connection; messages sent while disconnected are not seen).
 * <b>On cancel</b> the connection is closed. <b>Thread</b>: a Reactor Netty event loop.
 */
public final class WebSocketSources {

    private WebSocketSources() {
    }

    /**
     * A source of the messages the server at {@code uri} sends.
     *
     * @param name the source's name
     * @param uri a {@code ws://} or {@code wss://} URL
     * @param options size limit, reconnection, headers
     * @return the source
     */
    public static Source<WebSocketMessage> connect(String name, URI uri, WebSocketOptions options) {
        return connect(name, uri, List.of(), options);
    }

    /**
     * A source of the messages the server at {@code uri} sends, after sending it
     * {@code greeting} on each connection (a subscription, a login).
     *
     * @param name the source's name
     * @param uri a {@code ws://} or {@code wss://} URL
     * @param greeting the messages to send when connected, in order (may be empty)
     * @param options size limit, reconnection, headers
     * @return the source
     */
    public static Source<WebSocketMessage> connect(String name, URI uri, List<WebSocketMessage> greeting,
            WebSocketOptions options) {
        Require.nonBlank(name, "name");
        Require.nonNull(uri, "uri");
        List<WebSocketMessage> hello = List.copyOf(Require.nonNull(greeting, "greeting"));
        Require.nonNull(options, "options");
        return Source.create(name, ctx -> Flux.defer(() -> {
            Flux<WebSocketMessage> once = WebSockets.sender(options, uri).handle((in, out) -> {
                Flux<WebSocketMessage> messages = WebSockets.messages(in, options.maxMessageSize())
                        .concatWith(WebSockets.closed(in, uri, false, ""));
                if (hello.isEmpty()) {
                    return messages;
                }
                Mono<WebSocketMessage> send = out.sendObject(Flux.fromIterable(hello).map(WebSockets::frame)).then()
                        .then(Mono.empty());
                return Flux.merge(1, messages, send); // a prefetch of one message
            }).onErrorMap(e -> WebSockets.map(e, uri, options));
            return options.maxReconnects() == 0 ? once : once.retryWhen(WebSockets.reconnect(options, uri, () -> true));
        }));
    }
}
