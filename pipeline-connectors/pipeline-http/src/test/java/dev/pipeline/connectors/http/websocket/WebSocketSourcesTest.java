package dev.pipeline.connectors.http.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.pipeline.test.SourceContract;
import dev.pipeline.connectors.http.StreamingServer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;

class WebSocketSourcesTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    final StreamingServer server = new StreamingServer();

    @AfterEach
    void stop() {
        server.close();
    }

    static WebSocketOptions fastReconnect(int n) {
        return WebSocketOptions.defaults().reconnect(n, Duration.ofMillis(5), Duration.ofMillis(20));
    }

    @Test
    void emitsTextAndBinaryMessagesInOrderAndCompletesOnANormalClose() {
        server.ws("/feed", (in, out) -> out.sendString(Flux.range(0, 100).map(i -> "m" + i))
                .then(out.sendByteArray(Mono.just(new byte[] {1, 2, 3})).then())
                .then(out.sendClose(1000, "bye")));
        List<WebSocketMessage> got = WebSocketSources.connect("feed", server.ws("/feed"), WebSocketOptions.defaults())
                .flux().collectList().block(WAIT);
        assertThat(got).hasSize(101);
        assertThat(got.subList(0, 100)).extracting(WebSocketMessage::text)
                .containsExactlyElementsOf(Flux.range(0, 100).map(i -> "m" + i).collectList().block());
        assertThat(got.get(100)).isEqualTo(WebSocketMessage.binary(new byte[] {1, 2, 3}));
        assertThat(got.get(100).isText()).isFalse();
    }

    @Test
    void sendsTheGreetingOnConnect() {
        server.ws("/echo", (in, out) -> out.sendString(in.receive().asString().take(2).map(s -> "echo " + s))
                .then(out.sendClose(1000, "")));
        assertThat(WebSocketSources.connect("echo", server.ws("/echo"),
                        List.of(WebSocketMessage.text("hello"), WebSocketMessage.text("world")), WebSocketOptions.defaults())
                .flux().map(WebSocketMessage::text).collectList().block(WAIT))
                .containsExactly("echo hello", "echo world");
    }

    @Test
    void aCloseWithAnotherCodeIsATypedErrorNamingTheUrlCodeAndReason() {
        server.ws("/bad", (in, out) -> out.sendString(Mono.just("one")).then(out.sendClose(1011, "database down")));
        StepVerifier.create(WebSocketSources.connect("bad", server.ws("/bad"), WebSocketOptions.defaults()).flux())
                .expectNextMatches(m -> m.text().equals("one"))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(WebSocketClosedException.class, c -> {
                    assertThat(c.code()).isEqualTo(1011);
                    assertThat(c.reason()).isEqualTo("database down");
                    assertThat(c.transientClose()).isTrue();
                    assertThat(c).hasMessageStartingWith(server.ws("/bad") + ": ")
                            .hasMessageContaining("code 1011 (internal error) 'database down'");
                }))
                .verify(WAIT);
    }

    @Test
    void aConnectionDroppedWithoutACloseFrameIs1006() {
        server.ws("/drop", (in, out) -> out.sendString(Mono.just("one")).then(Mono.defer(() -> {
            out.withConnection(c -> c.channel().close());
            return Mono.never();
        })));
        StepVerifier.create(WebSocketSources.connect("drop", server.ws("/drop"), WebSocketOptions.defaults()).flux())
                .expectNextCount(1)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(WebSocketClosedException.class,
                        c -> assertThat(c.code()).isEqualTo(1006)).hasMessageContaining(server.ws("/drop").toString()))
                .verify(WAIT);
    }

    @Test
    void reconnectsAfterATransientCloseAndResumes() {
        AtomicInteger connections = new AtomicInteger();
        server.ws("/restart", (in, out) -> connections.incrementAndGet() == 1
                ? out.sendString(Flux.just("a", "b")).then(out.sendClose(1012, "restarting"))
                : out.sendString(Flux.just("c", "d")).then(out.sendClose(1000, "")));
        assertThat(WebSocketSources.connect("r", server.ws("/restart"), fastReconnect(3)).flux()
                .map(WebSocketMessage::text).collectList().block(WAIT)).containsExactly("a", "b", "c", "d");
        assertThat(connections.get()).isEqualTo(2);
    }

    @Test
    void givesUpAfterTheReconnectsInARow() {
        AtomicInteger connections = new AtomicInteger();
        server.ws("/down", (in, out) -> {
            connections.incrementAndGet();
            return out.sendClose(1013, "try later");
        });
        StepVerifier.create(WebSocketSources.connect("d", server.ws("/down"), fastReconnect(2)).flux())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(WebSocketException.class)
                        .hasMessageContaining("gave up after 2 reconnect(s)")
                        .hasMessageContaining("1013")
                        .hasCauseInstanceOf(WebSocketClosedException.class))
                .verify(WAIT);
        assertThat(connections.get()).isEqualTo(3);
    }

    @Test
    void aConnectionThatCannotBeOpenedIsRetriedThenNamesTheUrl() {
        java.net.URI nowhere = java.net.URI.create("ws://127.0.0.1:" + freePort() + "/x");
        StepVerifier.create(WebSocketSources.connect("n", nowhere, fastReconnect(1)).flux())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(WebSocketException.class)
                        .hasMessageStartingWith(nowhere + ": gave up after 1 reconnect(s)")
                        .hasMessageContaining("connection failed"))
                .verify(WAIT);
    }

    @Test
    void aPermanentCloseIsNotReconnected() {
        AtomicInteger connections = new AtomicInteger();
        server.ws("/policy", (in, out) -> {
            connections.incrementAndGet();
            return out.sendClose(1008, "not allowed");
        });
        StepVerifier.create(WebSocketSources.connect("p", server.ws("/policy"), fastReconnect(5)).flux())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(WebSocketClosedException.class,
                        c -> assertThat(c.code()).isEqualTo(1008)))
                .verify(WAIT);
        assertThat(connections.get()).isEqualTo(1);
    }

    @Test
    void aMessageOverTheLimitFailsNamingTheUrlAndTheLimit() {
        server.ws("/big", (in, out) -> out.sendString(Flux.just("small", "x".repeat(5000))).then(Mono.never()));
        StepVerifier.create(WebSocketSources.connect("big", server.ws("/big"), WebSocketOptions.defaults().maxMessageSize(4096))
                        .flux())
                .expectNextCount(1)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(WebSocketException.class)
                        .hasMessageStartingWith(server.ws("/big").toString())
                        .hasMessageContaining("over the limit of 4096 bytes"))
                .verify(WAIT);
    }

    @Test
    void aFragmentedMessageArrivesWholeAndCountsWholeAgainstTheLimit() {
        server.ws("/fragments", (in, out) -> out.sendObject(Flux.just(
                        new TextWebSocketFrame(false, 0, "a".repeat(1500)), new ContinuationWebSocketFrame(true, 0, "b".repeat(1500)),
                        new TextWebSocketFrame(false, 0, "c".repeat(3000)), new ContinuationWebSocketFrame(true, 0, "d".repeat(3000))))
                .then().then(Mono.never()));
        StepVerifier.create(WebSocketSources.connect("f", server.ws("/fragments"), WebSocketOptions.defaults().maxMessageSize(4096))
                        .flux())
                .expectNextMatches(m -> m.text().equals("a".repeat(1500) + "b".repeat(1500)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(WebSocketException.class)
                        .hasMessageContaining("over the limit of 4096 bytes"))
                .verify(WAIT);
    }

    @Test
    void reconnectBackoffsAreTimedOnTheOptionsScheduler() throws InterruptedException {
        AtomicInteger connections = new AtomicInteger();
        java.util.concurrent.CountDownLatch second = new java.util.concurrent.CountDownLatch(1);
        server.ws("/restart", (in, out) -> {
            if (connections.incrementAndGet() == 1) {
                return out.sendString(Mono.just("a")).then(out.sendClose(1012, "restarting"));
            }
            second.countDown();
            return out.sendString(Mono.just("b")).then(out.sendClose(1000, ""));
        });
        reactor.test.scheduler.VirtualTimeScheduler clock = reactor.test.scheduler.VirtualTimeScheduler.create();
        try {
            // a first backoff of 10 s with jitter 0.5 waits 5 to 15 s: virtual seconds, advanced by the test
            WebSocketOptions options = WebSocketOptions.defaults().reconnect(1, Duration.ofSeconds(10), Duration.ofSeconds(10))
                    .scheduler(clock);
            List<String> got = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.concurrent.CountDownLatch completed = new java.util.concurrent.CountDownLatch(1);
            reactor.core.Disposable run = WebSocketSources.connect("r", server.ws("/restart"), options).flux()
                    .subscribe(m -> got.add(m.text()), e -> got.add("error: " + e), completed::countDown);
            long advanced = 0;
            while (!second.await(50, java.util.concurrent.TimeUnit.MILLISECONDS) && advanced < 60) {
                clock.advanceTimeBy(Duration.ofSeconds(1));
                advanced++;
            }
            assertThat(second.getCount()).as("reconnected").isZero();
            assertThat(advanced).as("virtual seconds before the reconnect").isBetween(5L, 60L);
            assertThat(completed.await(30, java.util.concurrent.TimeUnit.SECONDS)).as("completed").isTrue();
            assertThat(got).containsExactly("a", "b");
            run.dispose();
        } finally {
            clock.dispose();
        }
    }

    @Test
    void aSlowSubscriberDoesNotMakeTheClientBufferWithoutBound() {
        AtomicInteger sent = new AtomicInteger();
        String payload = "y".repeat(1000);
        server.ws("/flood", (in, out) -> out.sendString(Flux.range(0, 4000).map(i -> i + " " + payload)
                .doOnNext(m -> sent.incrementAndGet())).then(out.sendClose(1000, "")));
        WebSocketOptions small = WebSocketOptions.defaults()
                .client(HttpClient.newConnection().option(ChannelOption.SO_RCVBUF, 16 * 1024));
        AtomicInteger next = new AtomicInteger();
        StepVerifier.create(WebSocketSources.connect("flood", server.ws("/flood"), small).flux()
                        .doOnNext(m -> assertThat(m.text()).startsWith(next.getAndIncrement() + " ")), 0)
                .thenRequest(5)
                .expectNextCount(5)
                .expectNoEvent(Duration.ofMillis(500)) // let the server run ahead as far as it can
                .then(() -> assertThat(sent.get()).as("messages the server could send ahead of a stopped reader")
                        .isLessThan(1000))
                .thenRequest(Long.MAX_VALUE)
                .expectNextCount(3995)
                .verifyComplete();
    }

    static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The connector contract. */
    @Nested
    class Contract implements SourceContract<WebSocketMessage> {

        Contract() {
            server.ws("/twenty", (in, out) -> out.sendString(Flux.range(0, 20).map(i -> "m" + i)).then(out.sendClose(1000, "")));
            server.ws("/fails", (in, out) -> out.sendClose(1011, "no"));
        }

        @Override
        public Flux<WebSocketMessage> subject() {
            return WebSocketSources.connect("twenty", server.ws("/twenty"), WebSocketOptions.defaults()).flux();
        }

        @Override
        public Flux<WebSocketMessage> failingSubject() {
            return WebSocketSources.connect("fails", server.ws("/fails"), WebSocketOptions.defaults()).flux();
        }

        @Override
        public Mono<Boolean> released() {
            return server.closed();
        }
    }
}
