package dev.pipeline.examples;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.pipeline.connectors.r2dbc.R2dbc;
import dev.pipeline.connectors.r2dbc.R2dbcSources;
import dev.pipeline.connectors.testing.Services;
import io.r2dbc.pool.ConnectionPool;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The distributed ETL's kill test, with real processes: publish 20,000 work items, run three
 * workers (prefetch 50 each), SIGKILL one at about 30% of the work, let the others finish, and
 * reconcile: nothing lost, every duplicate a redelivery, duplicates within the killed worker's
 * prefetch, the queue empty.
 */
class EtlDistributedIT {

    private static final String DB = "r2dbc:postgresql://postgres@127.0.0.1:5432/test";
    private static final int ITEMS = 20_000;
    private static final int PREFETCH = 50;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES) // 20,000 items on a loaded 2-core machine
    void aWorkerKilledAtAThirdLosesNothingAndItsRepeatsAreRedeliveriesWithinItsPrefetch() throws Exception {
        Services.require("RabbitMQ", "127.0.0.1", 5672);
        Services.requirePostgres();
        String queue = "it-etl-" + UUID.randomUUID();
        String tables = "it_etl_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        List<String> common = List.of("--queue", queue, "--tables", tables);
        List<ChildJvm> workers = new ArrayList<>();
        ConnectionPool pool = R2dbc.pool(DB, 2);
        try {
            try (ChildJvm publish = ChildJvm.main(dir, List.of("-Xmx256m"), args("etl-publish", common, "--items", "" + ITEMS))) {
                assertThat(publish.waitFor(Duration.ofMinutes(5))).as(publish.out() + publish.err()).isZero();
            }
            for (int w = 1; w <= 3; w++) {
                workers.add(ChildJvm.main(dir, List.of("-Xmx256m"), args("etl-worker", common, "--worker", "w" + w,
                        "--prefetch", "" + PREFETCH, "--concurrency", "" + PREFETCH, "--batch-size", "25", "--idle", "5s")));
            }
            // SIGKILL w2 once about 30% of the records are stored (w2 busy with its prefetch in flight)
            Long reached = count(pool, "SELECT COUNT(*) FROM " + tables + "_customers")
                    .filter(n -> n >= ITEMS * 3L / 10)
                    .repeatWhenEmpty(6000, f -> f.delayElements(Duration.ofMillis(100)))
                    .block(Duration.ofMinutes(10));
            assertThat(reached).as("30% stored within 10 minutes").isNotNull();
            ChildJvm killed = workers.get(1);
            killed.signal("KILL");
            assertThat(killed.waitFor(Duration.ofMinutes(1))).isEqualTo(137);
            long killedReceipts = count(pool, "SELECT COUNT(*) FROM " + tables + "_receipts WHERE worker = 'w2'").block();
            for (ChildJvm w : List.of(workers.get(0), workers.get(2))) {
                assertThat(w.waitFor(Duration.ofMinutes(15))).as(w.out() + w.err()).isZero();
            }
            try (ChildJvm reconcile = ChildJvm.main(dir, List.of("-Xmx256m"), args("etl-reconcile", common))) {
                int code = reconcile.waitFor(Duration.ofMinutes(2));
                String out = reconcile.out();
                System.out.println("kill test: w2 killed at " + reached + " stored, after " + killedReceipts + " receipts\n" + out);
                Map<String, Long> f = figures(out);
                assertThat(f.get("lost")).as(out).isZero();
                assertThat(f.get("stored") + f.get("dead_lettered")).isEqualTo(ITEMS);
                assertThat(f.get("unexplained")).as("every duplicate was a redelivery").isZero();
                assertThat(f.get("duplicates")).as("duplicates within the killed worker's prefetch").isLessThanOrEqualTo(PREFETCH);
                assertThat(f.get("redelivered")).as("the killed worker had messages in flight, redelivered to the others")
                        .isBetween(1L, (long) PREFETCH);
                assertThat(f.get("queued")).as("the queue is empty").isZero();
                assertThat(code).as(out).isZero();
            }
            assertThat(killedReceipts).as("w2 worked before it was killed").isPositive();
        } finally {
            workers.forEach(ChildJvm::close);
            try {
                Mono.from(pool.create()).flatMap(c -> Mono.from(c.createStatement("DROP TABLE IF EXISTS " + tables + "_customers, "
                        + tables + "_rejected, " + tables + "_receipts, " + tables + "_work").execute()).then(Mono.from(c.close())))
                        .block(Duration.ofMinutes(1));
            } finally {
                pool.dispose();
                deleteQueue(queue);
            }
        }
    }

    private static String[] args(String command, List<String> common, String... more) {
        List<String> all = new ArrayList<>(List.of("run", command));
        all.addAll(common);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private static Mono<Long> count(ConnectionPool pool, String sql) {
        return Mono.defer(() -> R2dbcSources.query(pool, sql, List.of(), row -> row.get(0, Long.class)).flux().single())
                .onErrorResume(e -> Mono.just(-1L)); // the table may not be visible yet
    }

    /** The {@code RECONCILE key=value ...} line. */
    private static Map<String, Long> figures(String out) {
        Map<String, Long> f = new HashMap<>();
        out.lines().filter(l -> l.startsWith("RECONCILE ")).findFirst().ifPresent(l -> {
            for (String kv : l.substring(10).split(" ")) {
                String[] p = kv.split("=");
                f.put(p[0], Long.parseLong(p[1]));
            }
        });
        assertThat(f).as("a RECONCILE line in:\n" + out).isNotEmpty();
        return f;
    }

    private static void deleteQueue(String queue) throws Exception {
        ConnectionFactory cf = new ConnectionFactory();
        cf.setUri("amqp://guest:guest@127.0.0.1:5672/%2F");
        try (Connection c = cf.newConnection("it-cleanup"); Channel ch = c.createChannel()) {
            ch.queueDelete(queue);
        }
    }
}
