package dev.pipeline.connectors.tcp;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import java.util.stream.IntStream;

import dev.pipeline.core.Pipeline;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class TcpStreamsTest {

    private static final Duration T = Duration.ofSeconds(30);

    @Test
    void eachFramingReadsWhatItWrites() {
        for (Framing framing : List.of(Framing.lines(32), Framing.delimiter("||", 32), Framing.lengthPrefixed(32),
                Framing.fixed(3))) {
            try (TestServer server = new TestServer((in, out) -> out.sendByteArray(
                    Flux.just("abc", "def", "ghi").map(framing::encode)).then())) {
                StepVerifier.create(TcpSources.connect("f", "127.0.0.1", server.port(), framing, Flux.empty()).flux())
                        .expectNext("abc", "def", "ghi").expectComplete().verify(T);
            }
        }
    }

    @Test
    void aFrameOverTheLimitNamesThePeerAndTheLimit() {
        try (TestServer server = new TestServer((in, out) -> out.sendString(Mono.just("0123456789\n")).then())) {
            StepVerifier.create(TcpSources.connect("f", "127.0.0.1", server.port(), Framing.lines(4), Flux.empty()).flux())
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(TcpFrameTooLongException.class)
                            .hasMessageContaining("127.0.0.1:" + server.port()).hasMessageContaining("4 bytes"))
                    .verify(T);
            StepVerifier.create(server.released()).expectNext(true).verifyComplete();
        }
    }

    @Test
    void aRefusedConnectNamesHostAndPort() {
        int port;
        try (TestServer server = new TestServer((in, out) -> out.neverComplete())) {
            port = server.port();
        }
        StepVerifier.create(TcpSources.connect("f", "127.0.0.1", port, Framing.lines(4), Flux.empty()).flux())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(TcpException.class)
                        .hasMessageContaining("127.0.0.1:" + port))
                .verify(T);
    }

    @Test
    void aSlowReaderPausesTheSocketRatherThanBuffering() {
        AtomicLong written = new AtomicLong();
        // the server writes up to 100 000 lines of 1 KiB (100 MB) as fast as the socket takes them
        String kib = "x".repeat(1023) + "\n";
        try (TestServer server = new TestServer((in, out) -> out.sendString(
                Flux.range(0, 100_000).map(i -> kib).doOnNext(s -> written.incrementAndGet())).then())) {
            StepVerifier.create(TcpSources.connect("slow", "127.0.0.1", server.port(), Framing.lines(2048),
                    Flux.empty()).flux(), 0)
                    .thenRequest(10)
                    .expectNextCount(10)
                    .thenAwait(Duration.ofMillis(500))
                    .then(() -> assertThat(written.get())
                            .as("lines written while the reader took 10: socket buffers only, not the whole stream")
                            .isLessThan(20_000))
                    .thenCancel()
                    .verify(T);
            StepVerifier.create(server.released()).expectNext(true).verifyComplete();
        }
    }

    @Test
    void requestStagePipelinesRequestsAndAnswersInOrder() {
        try (TestServer server = new TestServer((in, out) -> out.sendString(
                in.receive().asString().flatMapIterable(s -> List.of(s.split("(?<=\n)"))).map(s -> s.toUpperCase())))) {
            Mono<List<String>> answers = Pipeline.from(Source.fromIterable("in",
                            IntStream.rangeClosed(1, 1000).mapToObj(i -> "item " + i).toList()))
                    .then(TcpStages.request("upper", "127.0.0.1", server.port(), Framing.lines(64)))
                    .to(Sink.<String>collect("out"))
                    .run()
                    .map(report -> report.result().orElseThrow());
            StepVerifier.create(answers)
                    .assertNext(list -> assertThat(list).hasSize(1000).startsWith("ITEM 1", "ITEM 2").endsWith("ITEM 1000"))
                    .verifyComplete();
            StepVerifier.create(server.released()).expectNext(true).verifyComplete();
        }
    }

    @Test
    void serverSourceEchoesEveryClientsLines() throws Exception {
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Flux<String> served = TcpSources.server("echo", "127.0.0.1", 0, Framing.lines(64), 8,
                address -> port.complete(((InetSocketAddress) address).getPort()))
                .flux()
                .concatMap(m -> m.reply("echo " + m.text()).thenReturn(m.text()));
        StepVerifier.create(served.take(40).collectList())
                .then(() -> {
                    int p = port.join();
                    Flux.range(0, 4).flatMap(c -> TcpSources.connect("client", "127.0.0.1", p, Framing.lines(64),
                            Flux.range(0, 10).map(i -> c + "-" + i)).flux().take(10).collectList())
                            .subscribe(list -> assertThat(list).allMatch(s -> s.startsWith("echo ")));
                })
                .assertNext(list -> assertThat(list).hasSize(40).doesNotHaveDuplicates())
                .verifyComplete();
        assertThat(port.get(30, TimeUnit.SECONDS)).isPositive();
    }
}
