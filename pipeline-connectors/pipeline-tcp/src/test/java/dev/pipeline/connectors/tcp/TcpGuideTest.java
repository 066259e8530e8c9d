package dev.pipeline.connectors.tcp;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.pipeline.core.ErrorPolicy;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import dev.pipeline.core.Stage;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** The snippets of docs/connectors/tcp.md, run against a local upper-casing server. */
class TcpGuideTest {

    private static final Duration T = Duration.ofSeconds(30);

    static TestServer upper() {
        return new TestServer((in, out) -> out.sendString(
                in.receive().asString().flatMapIterable(s -> List.of(s.split("(?<=\n)"))).map(String::toUpperCase)));
    }

    @Test
    void client() {
        try (TestServer server = upper()) {
            int port = server.port();
            // tag::connect[]
            // asyncio: reader, writer = await asyncio.open_connection("127.0.0.1", port)
            //          writer.write(b"Hello World!\n"); line = await reader.readline()
            Source<String> replies = TcpSources.connect("echo", "127.0.0.1", port, Framing.lines(8192),
                    Flux.just("Hello World!"));
            // end::connect[]
            StepVerifier.create(replies.flux().take(1)).expectNext("HELLO WORLD!").expectComplete().verify(T);
            // tag::idle[]
            Source<String> watched = TcpSources.connect("feed", "127.0.0.1", port, Framing.lines(8192),
                    Flux.just("ping").concatWith(Mono.never()),
                    TcpOptions.defaults().idleTimeout(Duration.ofMillis(500)));  // TcpIdleTimeoutException
            // end::idle[]
            StepVerifier.create(watched.flux()).expectNext("PING").expectError(TcpIdleTimeoutException.class).verify(T);
        }
    }

    @Test
    void requests() {
        try (TestServer server = upper()) {
            int port = server.port();
            // tag::request[]
            Stage<String, String> ask = TcpStages.request("ask", "127.0.0.1", port, Framing.lines(8192));
            // end::request[]
            // tag::pool[]
            TcpConnectionPool pool = TcpConnectionPool.of("127.0.0.1", port, Framing.lines(8192), 4);
            Mono<PipelineReport<List<String>>> run = Pipeline
                    .from(Source.fromIterable("words", List.of("a", "b", "c")))
                    .then(TcpStages.request("ask", pool).onError(ErrorPolicy.skip()))  // concurrency 4
                    .to(Sink.collect("answers"))
                    .run();
            // ... and when no run needs it any more:
            // pool.dispose();
            // end::pool[]
            StepVerifier.create(Flux.just("x").as(f -> Pipeline.from(Source.of("x", f)).then(ask).to(Sink.<String>collect("o")).run()))
                    .assertNext(r -> assertThat(r.result().orElseThrow()).containsExactly("X")).expectComplete().verify(T);
            StepVerifier.create(run).assertNext(r -> assertThat(r.result().orElseThrow()).containsExactly("A", "B", "C"))
                    .expectComplete().verify(T);
            pool.dispose();
        }
    }

    @Test
    void server() {
        CompletableFuture<Integer> bound = new CompletableFuture<>();
        int port = 0;
        // tag::server[]
        // asyncio: server = await asyncio.start_server(handle_echo, "127.0.0.1", port)
        Source<TcpMessage> requests = TcpSources.server("echo", "127.0.0.1", port, Framing.lines(8192), 64,
                        address -> System.out.println("Serving on " + address))
                .onError(ErrorPolicy.skip());  // the default: a failed connection is closed, counted, logged
        Sink<TcpMessage, Void> echo = Sink.forEachAsync("reply", m -> m.reply(m.text()));
        // end::server[]
        Source<TcpMessage> listening = TcpSources.server("echo", "127.0.0.1", 0, Framing.lines(8192), 64,
                address -> bound.complete(((InetSocketAddress) address).getPort()));
        var running = Pipeline.from(listening).to(echo).start();
        StepVerifier.create(TcpSources.connect("c", "127.0.0.1", bound.join(), Framing.lines(64),
                        Flux.just("hi").concatWith(Mono.never())).flux().take(1))
                .expectNext("hi").expectComplete().verify(T);
        running.stop(Duration.ofSeconds(5)).block(T);
        assertThat(requests.name()).isEqualTo("echo");
    }
}
