package dev.pipeline.connectors.http.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import dev.pipeline.test.SinkContract;
import dev.pipeline.connectors.http.StreamingServer;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineException;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.Source;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebSocketSinksTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    final StreamingServer server = new StreamingServer();

    @AfterEach
    void stop() {
        server.close();
    }

    /** Records every text message received; {@code closed} completes when the client closed. */
    final List<String> received = new CopyOnWriteArrayList<>();
    final Sinks.Empty<Void> closed = Sinks.empty();

    void collecting(String path) {
        server.ws(path, (in, out) -> in.receive().asString().doOnNext(received::add)
                .doFinally(s -> closed.tryEmitEmpty()).then());
    }

    @Test
    void sendsEveryItemInOrderAndReturnsTheCount() {
        collecting("/in");
        PipelineReport<Long> report = Pipeline.from(Source.fromIterable("n", List.of(1, 2, 3, 4, 5)))
                .to(WebSocketSinks.send("ws", server.ws("/in"), (Integer n) -> WebSocketMessage.text("n" + n),
                        WebSocketOptions.defaults()))
                .run().block(WAIT);
        assertThat(report.result()).contains(5L);
        closed.asMono().block(WAIT);
        assertThat(received).containsExactly("n1", "n2", "n3", "n4", "n5");
    }

    @Test
    void aServerThatClosesBeforeTheItemsEndFailsTheRunNamingTheUrl() {
        server.ws("/early", (in, out) -> {
            // reads on (cancelling the inbound would close without a code), closes with 1011 after two
            Sinks.Empty<Void> two = Sinks.empty();
            java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
            return Mono.when(in.receive().asString().doOnNext(m -> {
                if (n.incrementAndGet() == 2) {
                    two.tryEmitEmpty();
                }
            }).then(), two.asMono().then(out.sendClose(1011, "full")));
        });
        assertThatThrownBy(() -> Pipeline.from(Source.of("n", Flux.range(0, 10).concatWith(Flux.never())))
                        .to(WebSocketSinks.send("ws", server.ws("/early"), (Integer n) -> WebSocketMessage.text("n" + n),
                                WebSocketOptions.defaults()))
                        .run().block(WAIT))
                .isInstanceOf(PipelineException.class)
                .rootCause().isInstanceOfSatisfying(WebSocketClosedException.class, c -> {
                    assertThat(c.code()).isEqualTo(1011);
                    assertThat(c).hasMessageStartingWith(server.ws("/early").toString())
                            .hasMessageContaining("before the items ended");
                });
    }

    @Test
    void aFailedConnectIsRetriedBeforeAnyItemIsTaken() {
        java.util.concurrent.atomic.AtomicInteger tries = new java.util.concurrent.atomic.AtomicInteger();
        server.route("/later", (req, res) -> tries.incrementAndGet() < 3 ? res.status(503).send()
                : res.sendWebsocket((in, out) -> in.receive().asString().doOnNext(received::add).then()));
        Long sent = Pipeline.from(Source.fromIterable("s", List.of("a", "b")))
                .to(WebSocketSinks.sendText("ws", server.ws("/later"),
                        WebSocketOptions.defaults().reconnect(3, Duration.ofMillis(5), Duration.ofMillis(10))))
                .run().block(WAIT).result().orElseThrow();
        assertThat(sent).isEqualTo(2);
        assertThat(tries.get()).isEqualTo(3);
    }

    /** The connector contract. */
    @Nested
    class Contract implements SinkContract<String> {

        Contract() {
            collecting("/contract");
        }

        @Override
        public Function<Flux<String>, Mono<?>> sink() {
            return items -> Pipeline.from(Source.of("in", items))
                    .to(WebSocketSinks.sendText("ws", server.ws("/contract"), WebSocketOptions.defaults())).run();
        }

        @Override
        public String item(int i) {
            return "item " + i;
        }

        @Override
        public Mono<Boolean> released() {
            return server.closed();
        }

        @Override
        public long maxOutstandingDemand() {
            return 512;
        }
    }
}
