package dev.pipeline.connectors.http.websocket;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import dev.pipeline.connectors.http.internal.Correlator;
import dev.pipeline.connectors.http.internal.WebSockets;
import dev.pipeline.connectors.internal.Require;
import dev.pipeline.core.Stage;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.util.concurrent.Queues;

/**
 * Request/response over one WebSocket connection: for each item, send a message and emit the
 * server's reply, the {@code websockets} library's {@code await ws.send(q); a = await ws.recv()}
 * with up to {@link WebSocketOptions#concurrency(int) concurrency} requests in flight.
 *
 * <pre>{@code
 * Stage<String, WebSocketMessage> ask = WebSocketStages.request("ask", URI.create("ws://127.0.0.1:8080/rpc"),
 *         WebSocketMessage::text, WebSocketOptions.defaults());
 * }</pre>
 *
 * <p>Replies are matched to requests either in order (the next message answers the oldest
 * request: for servers that answer in order) or by a correlation key that a request and its
 * reply share (a JSON {@code id}): then replies may come in any order, and a message whose key
 * is null is a push, not a reply, and is skipped. Replies are emitted in input order either way.
 * A reply is never handed to the wrong request: in order, a reply that does not come in time
 * fails the whole connection at once (a late reply could not be told from the next request's),
 * so every request in flight fails with that {@link WebSocketException}, naming the URL and the
 * item, and no message that still arrives on it is matched; by key, the late reply of a request
 * that gave up is dropped (the last 1024 such keys are remembered), not taken for a stray reply.
 * The connection is opened when the run starts and closed (code 1000) when the last reply has
 * come, or on error or cancel.
 *
 * <p><b>Emits when</b> an item's reply has come and the replies of the items before it.
 * <b>Completes when</b> upstream completed and every request had its reply. <b>Errors when</b>
 * (this fails the run: it is a custom core stage) the connection cannot be opened (retried by
 * {@link WebSocketOptions#reconnect} before the first item only), a reply takes longer than
 * {@link WebSocketOptions#responseTimeout(Duration)}, the server closes the connection with
 * requests unanswered ({@link WebSocketClosedException}), or a reply matches no request; each
 * names the URL. <b>On cancel</b> the connection is closed. <b>Thread</b>: a Reactor Netty
 * event loop.
 */
public final class WebSocketStages {

    private WebSocketStages() {
    }

    /**
     * A stage whose replies come in order: the next message answers the oldest request.
     *
     * @param name the stage's name
     * @param uri a {@code ws://} or {@code wss://} URL
     * @param encode makes the request message for an item
     * @param options requests in flight, reply timeout, size limit, connect retries
     * @param <I> the item type
     * @return the stage
     */
    public static <I> Stage<I, WebSocketMessage> request(String name, URI uri, Function<? super I, WebSocketMessage> encode,
            WebSocketOptions options) {
        Require.nonNull(encode, "encode");
        return build(name, uri, encode, null, null, options);
    }

    /**
     * A stage whose replies are matched to requests by a key that both carry.
     *
     * <pre>{@code
     * Stage<Query, WebSocketMessage> rpc = WebSocketStages.request("rpc", uri,
     *         (Query q) -> WebSocketMessage.text(json(q)), Query::id,
     *         reply -> idOf(reply.text()),            // null for a pushed message: skipped
     *         WebSocketOptions.defaults().concurrency(32));
     * }</pre>
     *
     * @param name the stage's name
     * @param uri a {@code ws://} or {@code wss://} URL
     * @param encode makes the request message for an item
     * @param requestKey the key of an item's request, not null, unique among those in flight
     * @param replyKey the key of a received message: that of the request it answers, or null for
     *     a message that is no reply
     * @param options requests in flight, reply timeout, size limit, connect retries
     * @param <I> the item type
     * @return the stage
     */
    public static <I> Stage<I, WebSocketMessage> request(String name, URI uri, Function<? super I, WebSocketMessage> encode,
            Function<? super I, ?> requestKey, Function<? super WebSocketMessage, ?> replyKey, WebSocketOptions options) {
        Require.nonNull(encode, "encode");
        Require.nonNull(requestKey, "requestKey");
        Require.nonNull(replyKey, "replyKey");
        return build(name, uri, encode, requestKey, replyKey, options);
    }

    private static <I> Stage<I, WebSocketMessage> build(String name, URI uri, Function<? super I, WebSocketMessage> encode,
            Function<? super I, ?> requestKey, Function<? super WebSocketMessage, ?> replyKey, WebSocketOptions options) {
        Require.nonBlank(name, "name");
        Require.nonNull(uri, "uri");
        Require.nonNull(options, "options");
        int concurrency = options.concurrency();
        Duration timeout = options.responseTimeout();
        return Stage.of(name, (Flux<I> items) -> Flux.defer(() -> {
            AtomicBoolean taken = new AtomicBoolean();
            Scheduler scheduler = options.scheduler();
            Flux<WebSocketMessage> run = WebSockets.sender(options, uri).handle((in, out) -> {
                taken.set(true);
                Sinks.Many<WebSocketFrame> outbound = Sinks.many().unicast()
                        .onBackpressureBuffer(Queues.<WebSocketFrame>get(concurrency).get());
                Correlator correlator = new Correlator(uri, replyKey, outbound);
                Sinks.Empty<Void> done = Sinks.empty();
                Mono<Void> send = out.sendObject(outbound.asFlux()).then();
                Mono<Void> receive = WebSockets.messages(in, options.maxMessageSize())
                        .doOnNext(correlator::reply)
                        .then(Mono.defer(() -> WebSockets.<Void>closed(in, uri, true,
                                "with " + correlator.pending() + " request(s) unanswered")))
                        .doOnError(correlator::close)
                        .onErrorResume(e -> correlator.pending() == 0 && e instanceof WebSocketClosedException, e -> Mono.empty());
                Flux<WebSocketMessage> replies = items.flatMapSequential(item -> correlator
                                .request(requestKey == null ? null : requestKey.apply(item),
                                        WebSockets.frame(Require.nonNull(encode.apply(item), "the message made for the item")))
                                .timeout(timeout, scheduler)
                                .onErrorMap(TimeoutException.class, e -> {
                                    WebSocketException late = new WebSocketException(uri, "no reply within " + timeout
                                            + " (WebSocketOptions.responseTimeout) to the request for " + abbreviate(item)
                                            + (requestKey == null ? "; replies are matched in order, so the connection is failed:"
                                            + " no later message on it can answer another request" : ""), e);
                                    correlator.timedOut(late);
                                    return late;
                                }),
                        concurrency, 1)
                        .doOnTerminate(() -> done.tryEmitEmpty()); // FAIL_TERMINATED cannot happen: one terminal signal
                Mono<WebSocketMessage> side = Mono.when(send, receive).takeUntilOther(done.asMono()).then(Mono.empty());
                return Flux.merge(replies, side)
                        .concatWith(out.sendClose(1000, "").then(Mono.empty()));
            }).onErrorMap(e -> WebSockets.map(e, uri, options));
            return options.maxReconnects() == 0 ? run : run.retryWhen(WebSockets.reconnect(options, uri, () -> !taken.get()));
        }));
    }

    private static String abbreviate(Object item) {
        String s = String.valueOf(item);
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
