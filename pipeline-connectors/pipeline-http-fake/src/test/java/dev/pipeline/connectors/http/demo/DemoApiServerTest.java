package dev.pipeline.connectors.http.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

class DemoApiServerTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(20);

    record Answer(int status, String retryAfter, String body) {
    }

    static Answer get(URI uri) {
        return HttpClient.create().get().uri(uri)
                .responseSingle((res, body) -> body.asString().defaultIfEmpty("")
                        .map(b -> new Answer(res.status().code(), res.responseHeaders().get("retry-after"), b)))
                .onErrorResume(e -> Mono.just(new Answer(-1, null, e.getClass().getSimpleName())))
                .block(WAIT);
    }

    static JsonNode json(String body) throws Exception {
        return JSON.readTree(body);
    }

    static boolean invalid(JsonNode r) {
        JsonNode email = r.get("email");
        return email == null || email.asText().isBlank() || r.get("amount").decimalValue().signum() < 0
                || !DemoApiServer.COUNTRIES.contains(r.get("country").asText());
    }

    @Test
    void servesDeterministicPagesOfRecordsWithTheInvalidOnesCountable() throws Exception {
        List<JsonNode> all = new ArrayList<>();
        long invalid;
        try (DemoApiServer api = DemoApiServer.start(DemoApiOptions.defaults().totalRecords(1050).invalidFraction(0.1))) {
            JsonNode first = json(get(api.baseUri().resolve("/records?page=1&size=100")).body());
            assertThat(first.get("page").asInt()).isEqualTo(1);
            assertThat(first.get("size").asInt()).isEqualTo(100);
            assertThat(first.get("totalPages").asInt()).isEqualTo(11);
            assertThat(first.get("totalRecords").asInt()).isEqualTo(1050);
            for (int page = 1; page <= 11; page++) {
                json(get(api.baseUri().resolve("/records?page=" + page + "&size=100")).body()).get("records").forEach(all::add);
            }
            assertThat(json(get(api.baseUri().resolve("/records?page=12&size=100")).body()).get("records")).isEmpty();
            invalid = api.invalidRecords();
            assertThat(api.isInvalid(all.get(0).get("id").asLong())).isEqualTo(invalid(all.get(0)));
        }
        assertThat(all).hasSize(1050);
        assertThat(all).extracting(r -> r.get("id").asLong()).doesNotHaveDuplicates().startsWith(1L, 2L).endsWith(1050L);
        assertThat(all.stream().filter(DemoApiServerTest::invalid).count()).isEqualTo(invalid).isBetween(60L, 150L);
        JsonNode valid = all.stream().filter(r -> !invalid(r)).findFirst().orElseThrow();
        assertThat(valid.get("email").asText()).contains("@example.com");
        assertThat(valid.get("amount").decimalValue()).isGreaterThan(BigDecimal.ZERO);
        assertThat(Instant.parse(valid.get("createdAt").asText())).isAfter(Instant.parse("2023-12-31T00:00:00Z"));
        try (DemoApiServer again = DemoApiServer.start(DemoApiOptions.defaults().totalRecords(1050).invalidFraction(0.1))) {
            assertThat(json(get(again.baseUri().resolve("/records?page=3&size=100")).body()).get("records"))
                    .isEqualTo(JSON.valueToTree(all.subList(200, 300)));
        }
    }

    @Test
    void servesSmallItemsAndRejectsBadParameters() throws Exception {
        try (DemoApiServer api = DemoApiServer.start()) {
            Answer item = get(api.baseUri().resolve("/items/42"));
            assertThat(item.status()).isEqualTo(200);
            assertThat(item.body().length()).isBetween(80, 130);
            assertThat(json(item.body()).get("id").asLong()).isEqualTo(42);
            assertThat(get(api.baseUri().resolve("/records?page=0")).status()).isEqualTo(400);
            assertThat(get(api.baseUri().resolve("/items/abc")).status()).isEqualTo(400);
            assertThat(get(api.baseUri().resolve("/health")).body()).contains("UP");
            assertThat(api.requests()).isEqualTo(3);
        }
    }

    @Test
    void injectsErrorsDropsAndMalformedBodiesDeterministically() {
        Map<String, Integer> first = faults(7);
        assertThat(first).isEqualTo(faults(7));
        assertThat(first.get("500") + first.get("503") + first.get("429")).isBetween(40, 80);
        assertThat(first.get("drop")).isBetween(20, 60);
        assertThat(first.get("malformed")).isBetween(20, 60);
        assertThat(first.get("retry-after")).isEqualTo(first.get("503") + first.get("429"));
    }

    private static Map<String, Integer> faults(long seed) {
        Map<String, Integer> seen = new TreeMap<>(Map.of("500", 0, "503", 0, "429", 0, "drop", 0, "malformed", 0,
                "ok", 0, "retry-after", 0));
        try (DemoApiServer api = DemoApiServer.start(DemoApiOptions.defaults().seed(seed).errorRate(0.2).dropRate(0.1).malformedRate(0.1)
                .retryAfter(Duration.ofSeconds(2)))) {
            Flux.range(0, 300).concatMap(i -> Mono.fromCallable(() -> get(api.baseUri().resolve("/items/" + i)))
                            .subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic()))
                    .doOnNext(a -> {
                        String kind = a.status() == -1 ? "drop" : a.status() != 200 ? String.valueOf(a.status())
                                : a.body().endsWith("}") ? "ok" : "malformed";
                        seen.merge(kind, 1, Integer::sum);
                        if ("2".equals(a.retryAfter())) {
                            seen.merge("retry-after", 1, Integer::sum);
                        }
                    })
                    .blockLast(Duration.ofSeconds(60));
            assertThat(api.faults()).isEqualTo(300 - seen.get("ok"));
        }
        return seen;
    }

    @Test
    void addsTheConfiguredLatency() {
        try (DemoApiServer api = DemoApiServer.start(DemoApiOptions.defaults().latency(Duration.ofMillis(200)))) {
            long start = System.nanoTime();
            assertThat(get(api.baseUri().resolve("/items/1")).status()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(190));
        }
    }
}
