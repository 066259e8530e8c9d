package dev.pipeline.connectors.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.IntStream;

import dev.pipeline.connectors.contract.SinkContract;
import dev.pipeline.connectors.http.ScriptedServer.Answer;
import dev.pipeline.core.DeadLetter;
import dev.pipeline.core.ErrorPolicy;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

class HttpSinksTest {

    ScriptedServer server;

    @BeforeEach
    void start() {
        server = new ScriptedServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    HttpOptions options() {
        return HttpOptions.defaults().withConcurrency(1).withBatch(100, Duration.ofSeconds(5))
                .withRetries(3, Duration.ofMillis(1), Duration.ofMillis(5));
    }

    PipelineReport<Long> post(int n, Sink<Map<String, Integer>, Long> sink) {
        return Pipeline.from(Source.fromIterable("in", IntStream.range(0, n).mapToObj(i -> Map.of("n", i)).toList()))
                .to(sink).run().block(Duration.ofSeconds(20));
    }

    @Test
    void postsItemsAsJsonArraysPerBatch() {
        PipelineReport<Long> report = post(250, HttpSinks.post("up", server.uri("/in"), options()));
        assertThat(report.result()).contains(250L);
        assertThat(server.requests.get()).isEqualTo(3);
        assertThat(server.bodies.get(0)).startsWith("[{\"n\":0},{\"n\":1},");
        assertThat(server.bodies.get(2)).endsWith("{\"n\":249}]");
        assertThat(server.headers.get(0)).containsEntry("content-type", "application/json").containsEntry(":method", "POST");
        assertThat(report.stage("up").emitted()).isEqualTo(250);
    }

    @Test
    void postsNdjsonWhenAsked() {
        PipelineReport<Long> report = post(3, HttpSinks.post("up", server.uri("/in"), options().withFormat(HttpSinks.Format.NDJSON)));
        assertThat(report.result()).contains(3L);
        assertThat(server.bodies).containsExactly("{\"n\":0}\n{\"n\":1}\n{\"n\":2}\n");
        assertThat(server.headers.get(0)).containsEntry("content-type", "application/x-ndjson");
    }

    @Test
    void retries503AndThenDeliversTheBatch() {
        server.then(Answer.status(503, "0"), Answer.status(500, null));
        PipelineReport<Long> report = post(10, HttpSinks.post("up", server.uri("/in"), options()));
        assertThat(report.result()).contains(10L);
        assertThat(server.requests.get()).isEqualTo(3);
    }

    @Test
    void aRefusedBatchDeadLettersEachOfItsItems() {
        server.then(Answer.status(400, null));
        List<DeadLetter<?>> letters = new CopyOnWriteArrayList<>();
        PipelineReport<Long> report = post(150, HttpSinks.<Map<String, Integer>>post("up", server.uri("/in"), options())
                .onError(ErrorPolicy.deadLetter(Sink.forEach("dlq", letters::add))));
        assertThat(report.result()).contains(50L);
        assertThat(letters).hasSize(100);
        assertThat(letters.get(0).error()).isInstanceOf(HttpStatusException.class).hasMessageContaining("returned 400");
        assertThat(report.stage("up").deadLettered()).isEqualTo(100);
        assertThat(report.stage("up").emitted()).isEqualTo(50);
        assertThat(server.requests.get()).isEqualTo(2);
    }

    @Nested
    class Contract implements SinkContract<Map<String, Integer>> {

        @Override
        public Function<Flux<Map<String, Integer>>, Mono<?>> sink() {
            Sink<Map<String, Integer>, Long> sink = HttpSinks.post("up", server.uri("/in"),
                    options().withBatch(10, Duration.ofMillis(50)));
            return items -> Pipeline.from(Source.of("in", items)).to(sink).run();
        }

        @Override
        public Map<String, Integer> item(int i) {
            return Map.of("n", i);
        }

        @Override
        public Mono<Boolean> released() {
            return server.noneInFlight();
        }

        @Override
        public long maxOutstandingDemand() {
            return 512;
        }
    }
}
