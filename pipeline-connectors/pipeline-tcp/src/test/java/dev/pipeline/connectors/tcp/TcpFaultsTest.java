package dev.pipeline.connectors.tcp;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import dev.pipeline.core.ErrorPolicy;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.RunningPipeline;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import io.netty.channel.ChannelOption;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class TcpFaultsTest {

    private static final Duration T = Duration.ofSeconds(30);

    /** A server that sends one line, then resets the connection (SO_LINGER 0: close sends RST, not FIN). */
    static TestServer resetting() {
        return new TestServer((in, out) -> out.sendString(Mono.just("first\n"))
                .then(Mono.<Void>fromRunnable(() -> in.withConnection(conn -> {
                    conn.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                    conn.channel().close();
                })))
                .then(Mono.never()));
    }

    @Nested
    class Client {

        @Test
        void aPeerResetFailsTheSourceNamingThePeerEveryTime() {
            try (TestServer server = resetting()) {
                for (int i = 0; i < 20; i++) {
                    StepVerifier.create(TcpSources.connect("reset", "127.0.0.1", server.port(), Framing.lines(64),
                                    Flux.just("hello").concatWith(Mono.never())).flux())
                            // "first" may be lost: a reset discards what the peer's kernel still held
                            .thenConsumeWhile("first"::equals)
                            .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(TcpException.class)
                                    .hasMessageContaining("127.0.0.1:" + server.port())
                                    .hasMessageContaining("reset"))
                            .verify(T);
                }
                StepVerifier.create(server.released()).expectNext(true).verifyComplete();
            }
        }

        @Test
        void aCleanCloseStillCompletes() {
            try (TestServer server = new TestServer((in, out) -> out.sendString(Mono.just("only\n")).then())) {
                StepVerifier.create(TcpSources.connect("close", "127.0.0.1", server.port(), Framing.lines(64),
                                Flux.empty()).flux())
                        .expectNext("only").expectComplete().verify(T);
            }
        }

        @Test
        void anIdleConnectionFailsNamingThePeerAndTheLimit() {
            try (TestServer server = new TestServer((in, out) -> out.sendString(Mono.just("hello\n")).then(Mono.never()))) {
                TcpOptions idle = TcpOptions.defaults().idleTimeout(Duration.ofMillis(500));
                StepVerifier.create(TcpSources.connect("idle", "127.0.0.1", server.port(), Framing.lines(64),
                                Flux.empty(), idle).flux())
                        .expectNext("hello")
                        .expectErrorSatisfies(e -> {
                            assertThat(e).isInstanceOf(TcpIdleTimeoutException.class)
                                    .hasMessageContaining("127.0.0.1:" + server.port())
                                    .hasMessageContaining("PT0.5S");
                            assertThat(((TcpIdleTimeoutException) e).idleTimeout()).isEqualTo(Duration.ofMillis(500));
                        })
                        .verify(T);
                StepVerifier.create(server.released()).expectNext(true).verifyComplete();
            }
        }
    }

    @Test
    void theIdleLimitRunsOnTheGivenTimerSoVirtualTimeCanTestIt() {
        try (TestServer server = new TestServer((in, out) -> out.sendString(Mono.just("hello\n")).then(Mono.never()))) {
            StepVerifier.withVirtualTime(() -> TcpSources.connect("idle", "127.0.0.1", server.port(), Framing.lines(64),
                            Flux.empty(), TcpOptions.defaults().idleTimeout(Duration.ofHours(1))
                                    .timer(reactor.test.scheduler.VirtualTimeScheduler.get())).flux())
                    .expectSubscription()
                    .expectNext("hello")
                    .expectNoEvent(Duration.ofMinutes(59))
                    .thenAwait(Duration.ofMinutes(1))
                    .expectError(TcpIdleTimeoutException.class)
                    .verify(T);
            StepVerifier.create(server.released()).expectNext(true).verifyComplete();
        }
    }

    @Nested
    class Server {

        @Test
        void oneBadConnectionIsClosedAndReportedWhileTheOthersAreServed() throws Exception {
            CompletableFuture<Integer> port = new CompletableFuture<>();
            ConcurrentLinkedQueue<String> served = new ConcurrentLinkedQueue<>();
            CountDownLatch ten = new CountDownLatch(10);
            RunningPipeline<Void> run = Pipeline
                    .from(TcpSources.server("server", "127.0.0.1", 0, Framing.lines(16), 8,
                            address -> port.complete(((InetSocketAddress) address).getPort())))
                    .to(Sink.<TcpMessage>forEachAsync("reply", m -> m.reply("ok " + m.text())
                            .doOnSuccess(v -> {
                                served.add(m.text());
                                ten.countDown();
                            })))
                    .start();
            int p = port.get(30, TimeUnit.SECONDS);
            // a peer whose line is over the 16-byte limit: its connection is closed
            StepVerifier.create(TcpSources.connect("bad", "127.0.0.1", p, Framing.lines(64),
                            Flux.just("x".repeat(100)).concatWith(Mono.never())).flux())
                    .expectComplete().verify(T);
            // the server goes on with the others
            StepVerifier.create(Flux.range(0, 2).flatMap(c -> TcpSources.connect("good", "127.0.0.1", p, Framing.lines(64),
                            Flux.range(0, 5).map(i -> c + "-" + i).concatWith(Mono.never())).flux().take(5)).collectList())
                    .assertNext(answers -> assertThat(answers).hasSize(10).allMatch(a -> a.startsWith("ok ")))
                    .expectComplete().verify(T);
            assertThat(ten.await(30, TimeUnit.SECONDS)).isTrue();
            PipelineReport<Void> report = run.stop(Duration.ofSeconds(5)).block(T);
            assertThat(report.stage("server").skipped()).as(report.toString()).isEqualTo(1);
            assertThat(report.stage("reply").emitted()).isEqualTo(10);
            assertThat(served).hasSize(10);
        }

        @Test
        void underFailFastOneBadConnectionFailsTheRunNamingThePeer() throws Exception {
            CompletableFuture<Integer> port = new CompletableFuture<>();
            Mono<PipelineReport<Void>> run = Pipeline
                    .from(TcpSources.server("server", "127.0.0.1", 0, Framing.lines(16), 8,
                            address -> port.complete(((InetSocketAddress) address).getPort())).onError(ErrorPolicy.failFast()))
                    .to(Sink.<TcpMessage>forEach("drop", m -> { }))
                    .run();
            StepVerifier.create(run)
                    .then(() -> TcpSources.connect("bad", "127.0.0.1", port.join(), Framing.lines(64),
                            Flux.just("x".repeat(100)).concatWith(Mono.never())).flux().subscribe(v -> { }, e -> { }))
                    .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("server")
                            .hasMessageContaining("exceeds the limit of 16 bytes"))
                    .verify(T);
        }

        @Test
        void aConnectionBeyondTheLimitIsClosedAtOnce() {
            CompletableFuture<Integer> port = new CompletableFuture<>();
            ConcurrentLinkedQueue<String> firstGot = new ConcurrentLinkedQueue<>();
            reactor.core.Disposable[] first = new reactor.core.Disposable[1];
            Flux<String> served = TcpSources.server("one", "127.0.0.1", 0, Framing.lines(64), 1,
                            address -> port.complete(((InetSocketAddress) address).getPort()))
                    .flux()
                    .concatMap(m -> m.reply("echo " + m.text()).thenReturn(m.text()));
            StepVerifier.create(served)
                    // the first client holds the only slot, and stays connected
                    .then(() -> first[0] = TcpSources.connect("first", "127.0.0.1", port.join(), Framing.lines(64),
                            Flux.just("a").concatWith(Mono.never())).flux().subscribe(firstGot::add))
                    .expectNext("a")
                    // the second is closed at once: its source completes without a frame
                    .then(() -> StepVerifier.create(TcpSources.connect("second", "127.0.0.1", port.join(),
                                    Framing.lines(64), Flux.never()).flux())
                            .expectComplete().verify(T))
                    .then(() -> Flux.interval(Duration.ofMillis(10)).filter(i -> !firstGot.isEmpty()).blockFirst(T))
                    .then(() -> first[0].dispose())
                    .thenCancel()
                    .verify(T);
            assertThat(firstGot).containsExactly("echo a");
        }
    }

    @Nested
    class Pool {

        @Test
        void requestsShareAtMostTheMaximumOfConnectionsAndAnswersKeepInputOrder() {
            try (TestServer server = new TestServer((in, out) -> out.sendString(
                    in.receive().asString().flatMapIterable(s -> List.of(s.split("(?<=\n)"))).map(String::toUpperCase)))) {
                TcpConnectionPool pool = TcpConnectionPool.of("127.0.0.1", server.port(), Framing.lines(64), 3);
                try {
                    Mono<PipelineReport<List<String>>> run = Pipeline
                            .from(Source.fromIterable("in", IntStream.range(0, 300).mapToObj(i -> "item " + i).toList()))
                            .then(TcpStages.request("upper", pool))
                            .to(Sink.<String>collect("out"))
                            .run();
                    StepVerifier.create(run)
                            .assertNext(report -> {
                                assertThat(report.result().orElseThrow()).hasSize(300).startsWith("ITEM 0", "ITEM 1")
                                        .endsWith("ITEM 299");
                                assertThat(report.reconciles()).isTrue();
                            })
                            .expectComplete().verify(T);
                    assertThat(pool.open()).isBetween(1, 3);
                    assertThat(server.open.get()).isBetween(1, 3);
                } finally {
                    pool.disposeLater().block(T);
                }
                StepVerifier.create(server.released()).expectNext(true).verifyComplete();
            }
        }

        @Test
        void aConnectionThatClosesFailsItsItemAndIsReplaced() {
            // the server closes the connection instead of answering "drop"
            try (TestServer server = new TestServer((in, out) -> out.sendString(
                    in.receive().asString().flatMapIterable(s -> List.of(s.split("(?<=\n)")))
                            .takeWhile(s -> !s.startsWith("drop"))
                            .map(String::toUpperCase)))) {
                TcpConnectionPool pool = TcpConnectionPool.of("127.0.0.1", server.port(), Framing.lines(64), 1);
                try {
                    Mono<PipelineReport<List<String>>> run = Pipeline
                            .from(Source.fromIterable("in", List.of("a", "b", "drop", "c", "d")))
                            .then(TcpStages.request("upper", pool).onError(ErrorPolicy.skip()))
                            .to(Sink.<String>collect("out"))
                            .run();
                    StepVerifier.create(run)
                            .assertNext(report -> {
                                assertThat(report.result().orElseThrow()).containsExactly("A", "B", "C", "D");
                                assertThat(report.stage("upper").skipped()).isEqualTo(1);
                                assertThat(report.reconciles()).isTrue();
                            })
                            .expectComplete().verify(T);
                } finally {
                    pool.disposeLater().block(T);
                }
            }
        }

        @Test
        void aRefusedConnectNamesThePeer() {
            int port;
            try (TestServer server = new TestServer((in, out) -> out.neverComplete())) {
                port = server.port();
            }
            TcpConnectionPool pool = TcpConnectionPool.of("127.0.0.1", port, Framing.lines(64), 2);
            StepVerifier.create(pool.request("x"))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(TcpException.class).hasMessageContaining("127.0.0.1:" + port))
                    .verify(T);
            pool.dispose();
        }
    }
}
