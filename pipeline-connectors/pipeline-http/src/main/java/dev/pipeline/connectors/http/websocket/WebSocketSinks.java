package dev.pipeline.connectors.http.websocket;

import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import dev.pipeline.connectors.http.internal.WebSockets;
import dev.pipeline.connectors.internal.Require;
import dev.pipeline.core.Sink;
import reactor.core.publisher.Mono;

/**
 * A sink that sends items as WebSocket messages over one connection: the {@code websockets}
 * library's {@code await websocket.send(message)} for each item.
 *
 * <pre>{@code
 * Sink<String, Long> send = WebSocketSinks.sendText("send", URI.create("ws://127.0.0.1:8080/in"), WebSocketOptions.defaults());
 * }</pre>
 *
 * <p>The connection is opened when the run starts; items are sent in order as the socket can
 * take them (a slow server slows the pipeline: items are requested only as the channel is
 * writable, in bounded batches). The result is the number of messages sent. Messages the server
 * sends meanwhile are read and dropped. When the items end, the sink closes with code 1000.
 *
 * <p><b>Completes when</b> every item was written and the close frame sent. <b>Errors when</b>
 * the connection cannot be opened (retried by {@link WebSocketOptions#reconnect} before the
 * first item only), or the server closes or drops the connection before the items end
 * ({@link WebSocketClosedException}, naming the URL and the messages sent). <b>On cancel</b> the
 * connection is closed. <b>Thread</b>: a Reactor Netty event loop.
 */
public final class WebSocketSinks {

    private WebSocketSinks() {
    }

    /**
     * A sink that sends each string as a text message.
     *
     * @param name the sink's name
     * @param uri a {@code ws://} or {@code wss://} URL
     * @param options size limit, connect retries, headers
     * @return the sink, whose result is the number of messages sent
     */
    public static Sink<String, Long> sendText(String name, URI uri, WebSocketOptions options) {
        return send(name, uri, WebSocketMessage::text, options);
    }

    /**
     * A sink that sends each item as the message {@code encode} makes of it.
     *
     * @param name the sink's name
     * @param uri a {@code ws://} or {@code wss://} URL
     * @param encode makes the message for an item (a failure fails the run)
     * @param options size limit, connect retries, headers
     * @param <T> the item type
     * @return the sink, whose result is the number of messages sent
     */
    public static <T> Sink<T, Long> send(String name, URI uri, Function<? super T, WebSocketMessage> encode,
            WebSocketOptions options) {
        Require.nonBlank(name, "name");
        Require.nonNull(uri, "uri");
        Require.nonNull(encode, "encode");
        Require.nonNull(options, "options");
        return Sink.of(name, items -> Mono.defer(() -> {
            AtomicLong sent = new AtomicLong();
            AtomicBoolean taken = new AtomicBoolean();
            Mono<Long> run = WebSockets.sender(options, uri).handle((in, out) -> {
                taken.set(true);
                AtomicBoolean itemsEnded = new AtomicBoolean();
                // the send also ends when the connection closes under it: that is no success, and
                // the inbound side below tells how the server closed
                Mono<Long> done = out.sendObject(items.doOnComplete(() -> itemsEnded.set(true))
                                .map(item -> WebSockets.frame(Require.nonNull(encode.apply(item), "the message made for the item")))
                                .doOnNext(f -> sent.incrementAndGet()))
                        .then()
                        .then(Mono.defer(() -> itemsEnded.get() ? Mono.just(sent.get()) : Mono.never()));
                // the server closing (or the connection dropping) before the items end fails the run
                Mono<Long> early = in.receiveFrames().then(Mono.defer(() -> WebSockets.<Long>closed(in, uri, true,
                        "after " + sent.get() + " message(s) sent, before the items ended")));
                return done.or(early).flatMap(n -> out.sendClose(1000, "").then().thenReturn(n));
            }).next().onErrorMap(e -> WebSockets.map(e, uri, options));
            return options.maxReconnects() == 0 ? run
                    : run.retryWhen(WebSockets.reconnect(options, uri, () -> !taken.get()));
        }));
    }
}
