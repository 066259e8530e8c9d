package dev.pipeline.connectors.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pipeline.test.SinkContract;
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

    static final ObjectMapper JSON = new ObjectMapper();

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
        return HttpOptions.defaults().concurrency(1).retries(3, Duration.ofMillis(1), Duration.ofMillis(5));
    }

    HttpPostOptions batches() {
        return HttpPostOptions.defaults().batchSize(100).maxWait(Duration.ofSeconds(5));
    }

    PipelineReport<Long> post(int n, Sink<Map<String, Integer>, Long> sink) {
        return Pipeline.from(Source.fromIterable("in", IntStream.range(0, n).mapToObj(i -> Map.of("n", i)).toList()))
                .to(sink).run().block(Duration.ofSeconds(20));
    }

    @Test
    void postsItemsAsJsonArraysPerBatch() {
        PipelineReport<Long> report = post(250, HttpSinks.post("up", server.uri("/in"), options(), batches()));
        assertThat(report.result()).contains(250L);
        assertThat(server.requests.get()).isEqualTo(3);
        assertThat(server.bodies.get(0)).startsWith("[{\"n\":0},{\"n\":1},");
        assertThat(server.bodies.get(2)).endsWith("{\"n\":249}]");
        assertThat(server.headers.get(0)).containsEntry("content-type", "application/json").containsEntry(":method", "POST");
        assertThat(report.stage("up").emitted()).isEqualTo(250);
    }

    @Test
    void postsNdjsonWhenAsked() {
        PipelineReport<Long> report = post(3, HttpSinks.post("up", server.uri("/in"), options(),
                batches().format(HttpSinks.Format.NDJSON)));
        assertThat(report.result()).contains(3L);
        assertThat(server.bodies).containsExactly("{\"n\":0}\n{\"n\":1}\n{\"n\":2}\n");
        assertThat(server.headers.get(0)).containsEntry("content-type", "application/x-ndjson");
    }

    @Test
    void retries503AndThenDeliversTheBatch() {
        server.then(Answer.status(503, "0"), Answer.status(500, null));
        PipelineReport<Long> report = post(10, HttpSinks.post("up", server.uri("/in"), options(), batches()));
        assertThat(report.result()).contains(10L);
        assertThat(server.requests.get()).isEqualTo(3);
    }

    @Test
    void aRefusedBatchDeadLettersEachOfItsItems() {
        server.then(Answer.status(400, null));
        List<DeadLetter<?>> letters = new CopyOnWriteArrayList<>();
        PipelineReport<Long> report = post(150, HttpSinks.<Map<String, Integer>>post("up", server.uri("/in"), options(), batches())
                .onError(ErrorPolicy.deadLetter(Sink.forEach("dlq", letters::add))));
        assertThat(report.result()).contains(50L);
        assertThat(letters).hasSize(100);
        assertThat(letters.get(0).error()).isInstanceOf(HttpStatusException.class).hasMessageContaining("returned 400");
        assertThat(report.stage("up").deadLettered()).isEqualTo(100);
        assertThat(report.stage("up").emitted()).isEqualTo(50);
        assertThat(server.requests.get()).isEqualTo(2);
    }

    /** The item numbers in a posted body, a JSON array or NDJSON. */
    static List<Integer> numbers(String body) {
        try {
            JsonNode tree = body.startsWith("[") ? JSON.readTree(body)
                    : JSON.readTree("[" + String.join(",", body.strip().split("\n")) + "]");
            List<Integer> ns = new ArrayList<>();
            tree.forEach(item -> ns.add(item.get("n").asInt()));
            return ns;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(body, e);
        }
    }

    static List<Integer> range(int from, int to) {
        return IntStream.range(from, to).boxed().toList();
    }

    @SuppressWarnings("unchecked")
    static int n(DeadLetter<?> letter) {
        return ((Map<String, Integer>) letter.item()).get("n");
    }

    /** A server that says how many items of a request it took gets each item once. */
    @Nested
    class WhatTheServerTook {

        final List<DeadLetter<?>> letters = new CopyOnWriteArrayList<>();

        /** Posts items 0 to n-1 through a sink that dead-letters into {@link #letters}. */
        PipelineReport<Long> postDeadLettering(int n, HttpOptions options) {
            return postDeadLettering(n, options, batches());
        }

        PipelineReport<Long> postDeadLettering(int n, HttpOptions options, HttpPostOptions post) {
            return post(n, HttpSinks.<Map<String, Integer>>post("up", server.uri("/in"), options, post)
                    .onError(ErrorPolicy.deadLetter(Sink.forEach("dlq", letters::add))));
        }

        /** Every item counted once: stored (the result, and what the sink emitted) or dead-lettered. */
        void assertAccounted(PipelineReport<Long> report, long stored, long deadLettered) {
            assertThat(report.result()).contains(stored);
            assertThat(report.stage("up").emitted()).isEqualTo(stored);
            assertThat(report.stage("up").deadLettered()).isEqualTo(deadLettered);
            assertThat(letters).hasSize((int) deadLettered);
            assertThat(report.balances()).as("%s", report).isTrue();
        }

        @Test
        void itemsTakenBeforeA503AreNotSentAgain() {
            server.then(Answer.json(503, "{\"accepted\":37,\"rejected\":0,\"error\":\"queue full\"}"));
            PipelineReport<Long> report = postDeadLettering(100, options());
            assertThat(server.bodies).hasSize(2);
            assertThat(numbers(server.bodies.get(0))).isEqualTo(range(0, 100));
            assertThat(numbers(server.bodies.get(1))).as("the rest, from item 38").isEqualTo(range(37, 100));
            assertAccounted(report, 100, 0);
        }

        @Test
        void theRestIsResentAsNdjsonToo() {
            server.then(Answer.json(500, "{\"accepted\":2}"), Answer.json(429, "{\"accepted\":1,\"rejected\":0}"));
            PipelineReport<Long> report = postDeadLettering(5, options(), batches().format(HttpSinks.Format.NDJSON));
            assertThat(server.bodies).containsExactly("{\"n\":0}\n{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n{\"n\":4}\n",
                    "{\"n\":2}\n{\"n\":3}\n{\"n\":4}\n", "{\"n\":3}\n{\"n\":4}\n");
            assertAccounted(report, 5, 0);
        }

        @Test
        void itemsTheServerRejectedGoToTheErrorPolicyAndOnlyTheRestIsResent() {
            server.then(Answer.json(503, "{\"accepted\":10,\"rejected\":2}"));
            PipelineReport<Long> report = postDeadLettering(100, options());
            assertThat(numbers(server.bodies.get(1))).isEqualTo(range(12, 100));
            assertThat(letters).extracting(HttpSinksTest::n).containsExactly(10, 11);
            assertThat(letters.get(0).attempts()).isEqualTo(1);
            assertThat(letters.get(1).error()).isInstanceOfSatisfying(HttpItemRejectedException.class, e -> {
                assertThat(e.status()).isEqualTo(503);
                assertThat(e.position()).isEqualTo(12);
                assertThat(e.uri()).isEqualTo(server.uri("/in"));
                assertThat(e).hasMessage("POST " + server.uri("/in") + " answered 503 with accepted 10, rejected 2: "
                                + "the server rejected item 12 of the 100 in the request")
                        .hasCauseInstanceOf(HttpStatusException.class);
            });
            assertAccounted(report, 98, 2);
        }

        @Test
        void a413WithCountsStoresTheTakenItemsAndRejectsOnlyTheRest() {
            server.then(Answer.json(413, "{\"accepted\":40,\"rejected\":0,\"error\":\"the body exceeds the limit\"}"));
            PipelineReport<Long> report = postDeadLettering(100, options());
            assertThat(server.requests).as("a 413 is not retried").hasValue(1);
            assertThat(letters).extracting(HttpSinksTest::n).isEqualTo(range(40, 100));
            assertThat(letters).allSatisfy(l -> assertThat(l.error()).isInstanceOfSatisfying(HttpStatusException.class,
                    e -> assertThat(e.status()).isEqualTo(413)));
            assertAccounted(report, 40, 60);
        }

        @Test
        void a2xxThatTookFewerThanAllRejectsTheRestWithoutResending() {
            server.then(Answer.json(200, "{\"accepted\":90,\"rejected\":5}"));
            PipelineReport<Long> report = postDeadLettering(100, options());
            assertThat(server.requests).hasValue(1);
            assertThat(letters).extracting(HttpSinksTest::n).isEqualTo(range(90, 100));
            assertThat(letters.get(0).error()).isInstanceOfSatisfying(HttpItemRejectedException.class, e -> {
                assertThat(e.status()).isEqualTo(200);
                assertThat(e.position()).isEqualTo(91);
                assertThat(e).hasMessageContaining("rejected item 91 of the 100").hasNoCause();
            });
            assertThat(letters.get(9).error()).isInstanceOf(HttpItemRejectedException.class)
                    .hasMessageContaining("did not take item 100 of the 100");
            assertAccounted(report, 90, 10);
        }

        @Test
        void aServerThatSaysNothingGetsTheWholeBatchAgain() {
            server.then(Answer.status(503, "0"), Answer.json(502, "bad gateway"));
            PipelineReport<Long> report = postDeadLettering(100, options());
            assertThat(server.bodies).hasSize(3).allSatisfy(b -> assertThat(numbers(b)).isEqualTo(range(0, 100)));
            assertAccounted(report, 100, 0);
        }

        @Test
        void countsThatDoNotFitTheRequestAreIgnored() {
            server.then(Answer.json(503, "{\"accepted\":101}"), Answer.json(503, "{\"accepted\":-1}"),
                    Answer.json(503, "{\"accepted\":\"7\"}"), Answer.json(503, "{\"accepted\":7,\"rejected\":1.5}"),
                    Answer.json(200, "{\"accepted\":50,\"rejected\":51}"));
            PipelineReport<Long> report = postDeadLettering(100, options().retries(4, Duration.ofMillis(1), Duration.ofMillis(1)));
            assertThat(server.bodies).hasSize(5).allSatisfy(b -> assertThat(numbers(b)).isEqualTo(range(0, 100)));
            assertAccounted(report, 100, 0); // a 2xx with counts that do not fit: all were taken
        }

        @Test
        void retriesCountOnlyTheAttemptsInARowInWhichTheServerTookNothing() {
            server.then(Answer.json(503, "{\"accepted\":10}"), Answer.json(503, "{\"accepted\":10}"),
                    Answer.json(503, "{\"accepted\":0}"), Answer.json(503, "{\"accepted\":10}"), Answer.json(503, "{\"accepted\":0}"));
            PipelineReport<Long> report = postDeadLettering(100, options().retries(1, Duration.ofMillis(1), Duration.ofMillis(1)));
            assertThat(server.bodies).extracting(b -> numbers(b).get(0)).containsExactly(0, 10, 20, 20, 30, 30);
            assertAccounted(report, 100, 0);
        }

        @Test
        void whenTheRetriesRunOutOnlyTheItemsNotTakenGoToTheErrorPolicy() {
            server.then(Answer.json(503, "{\"accepted\":10}"), Answer.json(503, "{\"accepted\":0}"), Answer.json(503, "{\"accepted\":0}"));
            PipelineReport<Long> report = postDeadLettering(100, options().retries(1, Duration.ofMillis(1), Duration.ofMillis(1)));
            assertThat(server.requests).hasValue(3);
            assertThat(letters).extracting(HttpSinksTest::n).isEqualTo(range(10, 100));
            assertThat(letters).allSatisfy(l -> {
                assertThat(l.attempts()).as("every attempt carried it").isEqualTo(3);
                assertThat(l.error()).isInstanceOf(HttpStatusException.class).hasMessageContaining("returned 503");
            });
            assertAccounted(report, 10, 90);
        }

        @Test
        void withNoRetriesAPartial503SendsNothingAgain() {
            server.then(Answer.json(503, "{\"accepted\":30}"));
            PipelineReport<Long> report = postDeadLettering(100, options().retries(0, Duration.ofMillis(1), Duration.ofMillis(1)));
            assertThat(server.requests).hasValue(1);
            assertThat(letters).extracting(HttpSinksTest::n).isEqualTo(range(30, 100));
            assertAccounted(report, 30, 70);
        }

        @Test
        void aBatchTheServerTookWholeInAnErrorAnswerIsNotResent() {
            server.then(Answer.json(400, "{\"accepted\":99,\"rejected\":1,\"error\":\"the array is not closed\"}"));
            PipelineReport<Long> report = postDeadLettering(100, options());
            assertThat(server.requests).hasValue(1);
            assertThat(letters).singleElement().satisfies(l -> {
                assertThat(n(l)).isEqualTo(99);
                assertThat(l.error()).isInstanceOf(HttpItemRejectedException.class);
            });
            assertAccounted(report, 99, 1);
        }

        @Test
        void anItemThatCannotBeEncodedIsRejectedAloneAndTheRestIsPosted() {
            List<Object> items = List.of(Map.of("n", 0), new Object(), Map.of("n", 2));
            PipelineReport<Long> report = Pipeline.from(Source.fromIterable("in", items))
                    .to(HttpSinks.post("up", server.uri("/in"), options(), batches()).onError(ErrorPolicy.deadLetter(Sink.forEach("dlq", letters::add))))
                    .run().block(Duration.ofSeconds(20));
            assertThat(numbers(server.bodies.get(0))).containsExactly(0, 2);
            assertThat(letters).singleElement().satisfies(l -> assertThat(l.error()).hasMessageContaining("No serializer found"));
            assertAccounted(report, 2, 1);
        }
    }

    @Nested
    class Contract implements SinkContract<Map<String, Integer>> {

        @Override
        public Function<Flux<Map<String, Integer>>, Mono<?>> sink() {
            Sink<Map<String, Integer>, Long> sink = HttpSinks.post("up", server.uri("/in"),
                    options(), batches().batchSize(10).maxWait(Duration.ofMillis(50)));
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
