package dev.pipeline.connectors.http.internal;

import java.net.URI;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import dev.pipeline.connectors.http.websocket.WebSocketException;
import dev.pipeline.connectors.http.websocket.WebSocketMessage;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Matches the replies of one WebSocket connection to the requests in flight: by key (a
 * correlation id the request and its reply share) or, without keys, in order (the next message
 * answers the oldest request). One lock guards the pending requests and the outbound queue
 * together, so requests are queued for sending in the order they were registered, and a closed
 * connection fails every pending request and every later one.
 *
 * <p>A request that gave up (its reply timed out, or it was cancelled) must never make a later
 * reply land on the wrong request. By key, its key is remembered (the last
 * {@value #REMEMBERED} of them) and its reply, if it still comes, is dropped and counted
 * ({@link #dropped()}). In order there is no telling a late reply from the next request's, so
 * a timeout fails the whole connection ({@link #close}): every request in flight and every later
 * one fails with the timeout's error, and every message that still arrives on it is dropped and
 * counted.
 *
 * <p>Bounded: the stage registers at most its concurrency at once, the outbound queue holds
 * at most as many frames, and at most {@value #REMEMBERED} keys of requests that gave up are kept.
 */
public final class Correlator {

    private final URI uri;
    private final Function<? super WebSocketMessage, ?> replyKey; // null: in order
    private final Sinks.Many<WebSocketFrame> outbound;
    private final Object lock = new Object();
    private final Map<Object, Sinks.One<WebSocketMessage>> byKey = new HashMap<>();
    private final ArrayDeque<Sinks.One<WebSocketMessage>> inOrder = new ArrayDeque<>();
    /** Keys of requests that gave up, oldest first, and the same as a set. */
    private final ArrayDeque<Object> gaveUp = new ArrayDeque<>();
    private final Set<Object> gaveUpKeys = new HashSet<>();
    private long dropped;
    private Throwable closed;

    /** How many keys of requests that gave up are remembered, for their late replies. */
    static final int REMEMBERED = 1024;

    public Correlator(URI uri, Function<? super WebSocketMessage, ?> replyKey, Sinks.Many<WebSocketFrame> outbound) {
        this.uri = uri;
        this.replyKey = replyKey;
        this.outbound = outbound;
    }

    /** Queues {@code frame} for sending; the Mono is its reply. {@code key} is null in order. */
    public Mono<WebSocketMessage> request(Object key, WebSocketFrame frame) {
        Sinks.One<WebSocketMessage> reply = Sinks.one();
        synchronized (lock) {
            if (closed != null) {
                frame.release();
                return Mono.error(closed);
            }
            if (replyKey != null) {
                if (key == null) {
                    frame.release();
                    return Mono.error(new NullPointerException("the request key of an item must not be null"));
                }
                if (byKey.putIfAbsent(key, reply) != null) {
                    frame.release();
                    return Mono.error(new WebSocketException(uri, "two requests in flight with the key '" + key
                            + "': a key must tell the replies apart", null));
                }
            } else {
                inOrder.add(reply);
            }
            Sinks.EmitResult r = outbound.tryEmitNext(frame);
            if (r.isFailure()) {
                frame.release();
                Throwable e = new WebSocketException(uri, "could not queue a request for sending (" + r + ")", null);
                remove(key, reply);
                return Mono.error(e);
            }
        }
        if (replyKey == null) {
            // in order, a request cancelled keeps its place: its reply, when it comes, is
            // dropped, and the next message still answers the next request; a timeout closes
            // the whole connection (timedOut)
            return reply.asMono();
        }
        return reply.asMono().doOnCancel(() -> {
            synchronized (lock) {
                if (byKey.remove(key, reply)) {
                    remember(key);
                }
            }
        });
    }

    /**
     * A request's reply did not come in time. In order, the connection is failed with
     * {@code error} ({@link #close}): a late reply could not be told from the next request's.
     * By key, nothing more: the request's cancel forgot it and its late reply will be dropped.
     *
     * @param error the timeout, naming the URL and the item
     */
    public void timedOut(Throwable error) {
        if (replyKey == null) {
            close(error);
        }
    }

    private void remember(Object key) {
        if (gaveUpKeys.add(key)) {
            gaveUp.add(key);
            if (gaveUp.size() > REMEMBERED) {
                gaveUpKeys.remove(gaveUp.poll());
            }
        }
    }

    private void remove(Object key, Sinks.One<WebSocketMessage> reply) {
        if (replyKey != null) {
            byKey.remove(key, reply);
        } else {
            inOrder.remove(reply);
        }
    }

    /**
     * Hands a received message to its request. A message whose reply key is null is not a reply
     * (a push from the server) and is dropped; the late reply of a request that gave up, and any
     * message after the connection failed, is dropped and counted; a reply that matches no
     * request in flight fails the connection.
     */
    public void reply(WebSocketMessage message) {
        Sinks.One<WebSocketMessage> reply;
        synchronized (lock) {
            if (closed != null) {
                dropped++;
                return;
            }
            if (replyKey != null) {
                Object key = replyKey.apply(message);
                if (key == null) {
                    return;
                }
                reply = byKey.remove(key);
                if (reply == null && gaveUpKeys.remove(key)) {
                    gaveUp.remove(key);
                    dropped++;
                    return;
                }
                if (reply == null) {
                    throw new WebSocketException(uri, "sent a reply with the key '" + key
                            + "', which matches no request in flight: " + message, null);
                }
            } else {
                reply = inOrder.poll();
                if (reply == null) {
                    throw new WebSocketException(uri, "sent a message while no request was in flight: " + message
                            + " (give the stage a reply key to skip pushed messages)", null);
                }
            }
        }
        // FAIL_CANCELLED: the request gave up (its timeout) at this moment; its reply has no taker
        Sinks.EmitResult r = reply.tryEmitValue(message);
        if (r.isFailure() && r != Sinks.EmitResult.FAIL_CANCELLED) {
            throw new IllegalStateException("reply to " + uri + " could not be delivered: " + r);
        }
    }

    /** Fails every pending request, and every later one, with {@code error}. */
    public void close(Throwable error) {
        Sinks.One<?>[] pending;
        synchronized (lock) {
            if (closed != null) {
                return;
            }
            closed = error;
            pending = (replyKey != null ? byKey.values() : inOrder).toArray(new Sinks.One<?>[0]);
            byKey.clear();
            inOrder.clear();
        }
        for (Sinks.One<?> p : pending) {
            p.tryEmitError(error); // FAIL_CANCELLED/TERMINATED: that request already ended
        }
    }

    /** @return how many late replies (of requests that gave up, or after the connection failed) were dropped */
    public long dropped() {
        synchronized (lock) {
            return dropped;
        }
    }

    /** @return how many requests are in flight */
    public int pending() {
        synchronized (lock) {
            return replyKey != null ? byKey.size() : inOrder.size();
        }
    }
}
