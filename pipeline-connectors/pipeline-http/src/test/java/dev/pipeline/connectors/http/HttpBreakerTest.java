package dev.pipeline.connectors.http;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import dev.pipeline.connectors.http.ScriptedServer.Answer;
import dev.pipeline.core.Breaker;
import dev.pipeline.core.CircuitOpenException;
import dev.pipeline.core.DeadLetter;
import dev.pipeline.core.ErrorPolicy;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP stage and sink behind a circuit breaker: a dead API fails the rest fast instead of retrying each item. */
class HttpBreakerTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    @Test
    void aGetStageAgainstADeadApiStopsCallingOnceTheBreakerOpens() throws Exception {
        URI dead = URI.create("http://127.0.0.1:" + closedPort());
        List<DeadLetter<?>> letters = new CopyOnWriteArrayList<>();
        Breaker api = Breaker.consecutiveFailures("api", 4, Duration.ofMinutes(1));
        PipelineReport<Void> report = Pipeline.from(Source.fromIterable("ids", IntStream.rangeClosed(1, 500).boxed().toList()))
                .then(HttpStages.get("fetch", (Integer id) -> dead.resolve("/items/" + id), String.class,
                                HttpOptions.defaults().concurrency(4).retries(8, Duration.ofMillis(50), Duration.ofSeconds(1)))
                        .circuitBreaker(api)
                        .onError(ErrorPolicy.deadLetter(Sink.forEach("failed", letters::add))))
                .to(Sink.forEach("out", s -> { }))
                .run().block(WAIT);

        assertThat(report.stage("fetch").deadLettered()).isEqualTo(500);
        assertThat(letters.stream().filter(l -> l.error() instanceof CircuitOpenException).count())
                .as("all but the few items in flight when it opened").isGreaterThanOrEqualTo(496);
        assertThat(report.breakers()).singleElement().satisfies(b -> {
            assertThat(b.state()).isEqualTo("OPEN");
            assertThat(b.transitions()).extracting(t -> t.from() + "->" + t.to()).containsExactly("CLOSED->OPEN");
        });
        // without the breaker each of the 500 items would retry 8 times with backoff up to 1 s
        assertThat(report.stage("fetch").retried()).isLessThan(20);
    }

    @Test
    void thePostSinkRefusesBatchesWhileOpenAndTheServerSeesNoMoreRequests() {
        try (ScriptedServer server = new ScriptedServer()) {
            for (int i = 0; i < 10; i++) {
                server.then(Answer.status(503, null));
            }
            List<DeadLetter<?>> letters = new CopyOnWriteArrayList<>();
            PipelineReport<Long> report = Pipeline.from(Source.fromIterable("n", IntStream.rangeClosed(1, 100).boxed().toList()))
                    .to(HttpSinks.<Integer>post("post", server.uri("/ingest"), HttpOptions.defaults()
                                    .concurrency(1).retries(5, Duration.ofMillis(10), Duration.ofMillis(20)),
                                    HttpPostOptions.defaults().batchSize(10).maxWait(Duration.ofSeconds(1)))
                            .circuitBreaker(Breaker.consecutiveFailures("ingest", 2, Duration.ofMinutes(1)))
                            .onError(ErrorPolicy.deadLetter(Sink.forEach("failed", letters::add))))
                    .run().block(WAIT);

            assertThat(server.requests).as("two 503s open it; the third attempt is refused, not sent").hasValue(2);
            assertThat(report.result()).contains(0L);
            assertThat(letters).hasSize(100).allSatisfy(l -> assertThat(l.error()).isInstanceOf(CircuitOpenException.class));
            assertThat(report.breakers().get(0).shortCircuited()).isEqualTo(10);
            assertThat(report.balances()).isTrue();
        }
    }

    @Test
    void anAnswerThatTookPartOfTheBatchIsStillAFailureAndAnOpenBreakerRefusesOnlyTheRest() {
        try (ScriptedServer server = new ScriptedServer()) {
            server.then(Answer.json(503, "{\"accepted\":30,\"rejected\":0}"), Answer.json(503, "{\"accepted\":30,\"rejected\":0}"));
            List<DeadLetter<?>> letters = new CopyOnWriteArrayList<>();
            PipelineReport<Long> report = Pipeline.from(Source.fromIterable("n", IntStream.range(0, 100).boxed().toList()))
                    .to(HttpSinks.<Integer>post("post", server.uri("/ingest"), HttpOptions.defaults()
                                    .concurrency(1).retries(5, Duration.ofMillis(1), Duration.ofMillis(1)),
                                    HttpPostOptions.defaults().batchSize(100).maxWait(Duration.ofSeconds(1)))
                            .circuitBreaker(Breaker.consecutiveFailures("ingest", 2, Duration.ofMinutes(1)))
                            .onError(ErrorPolicy.deadLetter(Sink.forEach("failed", letters::add))))
                    .run().block(WAIT);

            assertThat(server.requests).as("two 503s open it; the third attempt is refused, not sent").hasValue(2);
            assertThat(report.result()).contains(60L);
            assertThat(letters).extracting(l -> (Integer) l.item()).isEqualTo(IntStream.range(60, 100).boxed().toList());
            assertThat(letters).allSatisfy(l -> assertThat(l.error()).isInstanceOf(CircuitOpenException.class));
            assertThat(report.breakers().get(0).shortCircuited()).isEqualTo(1);
            assertThat(report.stage("post").emitted()).isEqualTo(60);
            assertThat(report.balances()).isTrue();
        }
    }
}
