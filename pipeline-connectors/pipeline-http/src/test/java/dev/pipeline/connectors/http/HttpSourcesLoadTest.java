package dev.pipeline.connectors.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Many clients post to one ingest server whose pipeline pauses now and then ({@link PausingIngest}:
 * 5 ms every 1,000 records, longer than the queue's 2 ms timeout), so requests meet a full queue
 * and are answered 503; each client then resends at once exactly what the answer says was not taken. Every record
 * must be stored exactly once, in each of 20 runs of 32 clients x 3,125 records.
 *
 * <p>When the server counted an item only after {@code put(item).timeout(..)} completed, a
 * timeout that cancelled a put at the moment the item was admitted left the item out of the
 * count, and the client sent it again: 15 of 40 runs stored one to 33 records twice.
 */
class HttpSourcesLoadTest {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final ObjectMapper JSON = new ObjectMapper();

    static final int CLIENTS = 32;
    static final int RECORDS_PER_CLIENT = 3_125;
    static final int BATCH = 200;
    static final int REPETITIONS = 20;

    /** One client: posts its records in batches, resending from the first one not accepted. */
    static final class Client {
        final int end;
        int next;
        int requests;
        int refused;

        Client(int first, int count) {
            this.next = first;
            this.end = first + count;
        }
    }

    /** The figures of one run. */
    record Run(int records, long duplicated, long lost, long refused, long requests, long millis) {
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES) // 20 runs of 100,000 records: minutes when other builds share the cores
    void thirtyTwoClientsResendingByTheCountOfEach503StoreEveryRecordExactlyOnce(TestReporter reporter) {
        ConnectionProvider pool = ConnectionProvider.builder("ingest-load").maxConnections(CLIENTS * 2).build();
        HttpClient http = HttpClient.create(pool);
        List<Run> runs = new ArrayList<>();
        try {
            for (int i = 0; i < REPETITIONS; i++) {
                runs.add(once(http));
            }
        } finally {
            pool.disposeLater().block(WAIT);
        }
        long duplicated = runs.stream().mapToLong(Run::duplicated).sum();
        long lost = runs.stream().mapToLong(Run::lost).sum();
        long refused = runs.stream().mapToLong(Run::refused).sum();
        reporter.publishEntry("ingest load", String.format("%d runs x %d clients x %d records: %d duplicated, %d lost, "
                        + "%d answers 503 of %d requests, %d ms in all; per run %s",
                runs.size(), CLIENTS, RECORDS_PER_CLIENT, duplicated, lost, refused,
                runs.stream().mapToLong(Run::requests).sum(), runs.stream().mapToLong(Run::millis).sum(), runs));
        assertThat(runs).allSatisfy(r -> {
            assertThat(r.duplicated()).as("records stored twice in %s", r).isZero();
            assertThat(r.lost()).as("records never stored in %s", r).isZero();
        });
        assertThat(refused).as("answers 503 (the resend path must be exercised)").isPositive();
    }

    private static Run once(HttpClient http) {
        int total = CLIENTS * RECORDS_PER_CLIENT;
        PausingIngest ingest = new PausingIngest(total, WAIT);
        long started = System.nanoTime();
        URI uri = ingest.base.resolve("/ingest");
        List<Client> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            clients.add(new Client(c * RECORDS_PER_CLIENT, RECORDS_PER_CLIENT));
        }
        Flux.fromIterable(clients).flatMap(c -> send(http, uri, c), CLIENTS).then().block(WAIT);
        PausingIngest.Stored stored = ingest.finish(WAIT);
        long millis = (System.nanoTime() - started) / 1_000_000;
        return new Run(total, stored.duplicated(), stored.lost(), clients.stream().mapToLong(c -> c.refused).sum(),
                clients.stream().mapToLong(c -> c.requests).sum(), millis);
    }

    /** Posts the client's records until each was accepted, resending the rest after every 503. */
    private static Mono<Void> send(HttpClient http, URI uri, Client c) {
        return Mono.defer(() -> {
            int from = c.next;
            int to = Math.min(c.end, from + BATCH);
            StringBuilder body = new StringBuilder((to - from) * 12);
            for (int n = from; n < to; n++) {
                body.append("{\"n\":").append(n).append("}\n");
            }
            c.requests++;
            return http.headers(h -> h.set("content-type", "application/x-ndjson"))
                    .post().uri(uri)
                    .send(Mono.just(Unpooled.wrappedBuffer(body.toString().getBytes(StandardCharsets.UTF_8))))
                    .responseSingle((res, bytes) -> bytes.asString().map(text -> {
                        JsonNode answer = read(text);
                        int status = res.status().code();
                        if (status == 200) {
                            assertThat(answer.get("accepted").asInt()).as("accepted of a 200").isEqualTo(to - from);
                        } else if (status == 503) {
                            c.refused++;
                        } else {
                            throw new AssertionError("unexpected answer " + status + ": " + text);
                        }
                        c.next = from + taken(answer);
                        return status;
                    }));
        }).repeat(() -> c.next < c.end).take(10_000).then();
    }

    /** How many of the posted items the server took: the client resends from the next one. */
    private static int taken(JsonNode answer) {
        assertThat(answer.has("accepted") && answer.has("rejected")).as("counts in %s", answer).isTrue();
        return answer.get("accepted").asInt() + answer.get("rejected").asInt();
    }

    private static JsonNode read(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(text, e);
        }
    }
}
