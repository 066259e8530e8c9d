package dev.pipeline.connectors.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

import dev.pipeline.connectors.http.websocket.WebSocketClosedException;
import dev.pipeline.connectors.http.websocket.WebSocketException;
import dev.pipeline.connectors.http.websocket.WebSocketMessage;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.util.concurrent.Queues;

class CorrelatorTest {

    static final URI URL = URI.create("ws://127.0.0.1:1/rpc");
    static final int THREADS = 4;
    static final int PER_THREAD = 5_000;

    /**
     * Requests registered from several threads at once; a "server" answers each frame in the
     * order it was queued for sending, echoing its text. Every request must get its own reply.
     */
    void everyRequestGetsItsOwnReply(Function<? super WebSocketMessage, ?> replyKey) throws InterruptedException {
        Sinks.Many<WebSocketFrame> outbound = Sinks.many().unicast().onBackpressureBuffer(
                Queues.<WebSocketFrame>get(THREADS * PER_THREAD).get());
        Correlator correlator = new Correlator(URL, replyKey, outbound);
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        outbound.asFlux().subscribe(frame -> {
            String text = ((TextWebSocketFrame) frame).text();
            frame.release();
            try {
                correlator.reply(WebSocketMessage.text(text));
            } catch (RuntimeException e) {
                errors.add(e);
            }
        });
        AtomicReferenceArray<String> replies = new AtomicReferenceArray<>(THREADS * PER_THREAD);
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch answered = new CountDownLatch(THREADS * PER_THREAD);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            for (int t = 0; t < THREADS; t++) {
                int base = t * PER_THREAD;
                pool.execute(() -> {
                    try {
                        start.await();
                        for (int i = base; i < base + PER_THREAD; i++) {
                            int n = i;
                            correlator.request(replyKey == null ? null : String.valueOf(n), new TextWebSocketFrame(String.valueOf(n)))
                                    .subscribe(m -> {
                                        replies.set(n, m.text());
                                        answered.countDown();
                                    }, errors::add);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            start.countDown();
            assertThat(answered.await(60, TimeUnit.SECONDS)).as("every request answered").isTrue();
        } finally {
            pool.shutdownNow();
        }
        assertThat(errors).isEmpty();
        for (int i = 0; i < replies.length(); i++) {
            assertThat(replies.get(i)).isEqualTo(String.valueOf(i));
        }
        assertThat(correlator.pending()).isZero();
    }

    @Test
    void inOrderRepliesMatchTheirRequestsUnderContention() throws InterruptedException {
        everyRequestGetsItsOwnReply(null);
    }

    @Test
    void keyedRepliesMatchTheirRequestsUnderContention() throws InterruptedException {
        everyRequestGetsItsOwnReply(WebSocketMessage::text);
    }

    @Test
    void aLateReplyOfARequestThatGaveUpIsDroppedAndCounted() {
        Sinks.Many<WebSocketFrame> outbound = Sinks.many().unicast().onBackpressureBuffer();
        Correlator correlator = new Correlator(URL, WebSocketMessage::text, outbound);
        StepVerifier.create(correlator.request("a", new TextWebSocketFrame("a")).timeout(Duration.ofMillis(10)))
                .expectError(java.util.concurrent.TimeoutException.class)
                .verify(Duration.ofSeconds(10));
        assertThat(correlator.pending()).isZero();
        Mono<WebSocketMessage> b = correlator.request("b", new TextWebSocketFrame("b"));
        correlator.reply(WebSocketMessage.text("a")); // late: dropped, the connection goes on
        correlator.reply(WebSocketMessage.text("b"));
        StepVerifier.create(b).expectNext(WebSocketMessage.text("b")).verifyComplete();
        assertThat(correlator.dropped()).isEqualTo(1);
        // a key is forgotten once its late reply came: a second one is a stray reply
        assertThatThrownBy(() -> correlator.reply(WebSocketMessage.text("a")))
                .isInstanceOf(WebSocketException.class)
                .hasMessageStartingWith(URL + ": sent a reply with the key 'a', which matches no request in flight");
    }

    @Test
    void inOrderATimeoutFailsTheConnectionSoNoReplyLandsOnTheWrongRequest() {
        Sinks.Many<WebSocketFrame> outbound = Sinks.many().unicast().onBackpressureBuffer();
        Correlator correlator = new Correlator(URL, null, outbound);
        Mono<WebSocketMessage> slow = correlator.request(null, new TextWebSocketFrame("slow"));
        Mono<WebSocketMessage> second = correlator.request(null, new TextWebSocketFrame("second"));
        WebSocketException timeout = new WebSocketException(URL, "no reply within PT1S to the request for slow", null);
        StepVerifier.create(slow.timeout(Duration.ofMillis(10)).doOnError(e -> correlator.timedOut(timeout)))
                .expectError(java.util.concurrent.TimeoutException.class)
                .verify(Duration.ofSeconds(10));
        // the server never answers "slow": without failing the connection, "second"'s reply would
        // be taken as the (dropped) answer to "slow", and "third"'s as the answer to "second"
        Mono<WebSocketMessage> third = correlator.request(null, new TextWebSocketFrame("third"));
        correlator.reply(WebSocketMessage.text("answer to second"));
        correlator.reply(WebSocketMessage.text("answer to third"));
        StepVerifier.create(second).expectErrorSatisfies(e -> assertThat(e).isSameAs(timeout)).verify(Duration.ofSeconds(10));
        StepVerifier.create(third).expectErrorSatisfies(e -> assertThat(e).isSameAs(timeout)).verify(Duration.ofSeconds(10));
        assertThat(correlator.dropped()).isEqualTo(2);
        assertThat(correlator.pending()).isZero();
    }

    @Test
    void keyedATimeoutDoesNotFailTheConnection() {
        Sinks.Many<WebSocketFrame> outbound = Sinks.many().unicast().onBackpressureBuffer();
        Correlator correlator = new Correlator(URL, WebSocketMessage::text, outbound);
        Mono<WebSocketMessage> other = correlator.request("other", new TextWebSocketFrame("other"));
        StepVerifier.create(correlator.request("slow", new TextWebSocketFrame("slow")).timeout(Duration.ofMillis(10))
                        .doOnError(e -> correlator.timedOut(e)))
                .expectError(java.util.concurrent.TimeoutException.class)
                .verify(Duration.ofSeconds(10));
        correlator.reply(WebSocketMessage.text("slow"));
        correlator.reply(WebSocketMessage.text("other"));
        StepVerifier.create(other).expectNext(WebSocketMessage.text("other")).verifyComplete();
        assertThat(correlator.dropped()).isEqualTo(1);
    }

    @Test
    void theKeysOfRequestsThatGaveUpAreBounded() {
        Sinks.Many<WebSocketFrame> outbound = Sinks.many().unicast().onBackpressureBuffer();
        Correlator correlator = new Correlator(URL, WebSocketMessage::text, outbound);
        for (int i = 0; i < Correlator.REMEMBERED + 10; i++) {
            correlator.request(String.valueOf(i), new TextWebSocketFrame(String.valueOf(i))).subscribe().dispose();
        }
        assertThat(correlator.pending()).isZero();
        correlator.reply(WebSocketMessage.text(String.valueOf(Correlator.REMEMBERED + 9))); // remembered: dropped
        assertThat(correlator.dropped()).isEqualTo(1);
        assertThatThrownBy(() -> correlator.reply(WebSocketMessage.text("0"))) // forgotten long ago
                .isInstanceOf(WebSocketException.class);
    }

    @Test
    void inOrderARequestThatGaveUpKeepsItsPlace() {
        Sinks.Many<WebSocketFrame> outbound = Sinks.many().unicast().onBackpressureBuffer();
        Correlator correlator = new Correlator(URL, null, outbound);
        StepVerifier.create(correlator.request(null, new TextWebSocketFrame("slow")).timeout(Duration.ofMillis(10)))
                .expectError(java.util.concurrent.TimeoutException.class)
                .verify(Duration.ofSeconds(10));
        Mono<WebSocketMessage> next = correlator.request(null, new TextWebSocketFrame("next"));
        correlator.reply(WebSocketMessage.text("late answer to slow"));
        correlator.reply(WebSocketMessage.text("answer to next"));
        StepVerifier.create(next).expectNext(WebSocketMessage.text("answer to next")).verifyComplete();
    }

    @Test
    void aPushIsSkippedAndADuplicateKeyIsRefused() {
        Sinks.Many<WebSocketFrame> outbound = Sinks.many().unicast().onBackpressureBuffer();
        Correlator correlator = new Correlator(URL, m -> m.text().startsWith("re ") ? m.text().substring(3) : null, outbound);
        Mono<WebSocketMessage> first = correlator.request("1", new TextWebSocketFrame("1"));
        StepVerifier.create(correlator.request("1", new TextWebSocketFrame("1 again")))
                .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("two requests in flight with the key '1'"))
                .verify(Duration.ofSeconds(10));
        correlator.reply(WebSocketMessage.text("heartbeat"));
        correlator.reply(WebSocketMessage.text("re 1"));
        StepVerifier.create(first).expectNext(WebSocketMessage.text("re 1")).verifyComplete();
    }

    @Test
    void closingFailsPendingAndLaterRequests() {
        Sinks.Many<WebSocketFrame> outbound = Sinks.many().unicast().onBackpressureBuffer();
        Correlator correlator = new Correlator(URL, null, outbound);
        Mono<WebSocketMessage> pending = correlator.request(null, new TextWebSocketFrame("q"));
        WebSocketClosedException closed = new WebSocketClosedException(URL, 1011, "boom", "with 1 request(s) unanswered");
        correlator.close(closed);
        StepVerifier.create(pending).expectErrorMatches(e -> e == closed).verify(Duration.ofSeconds(10));
        StepVerifier.create(correlator.request(null, new TextWebSocketFrame("later"))).expectErrorMatches(e -> e == closed)
                .verify(Duration.ofSeconds(10));
        assertThat(correlator.pending()).isZero();
    }
}
