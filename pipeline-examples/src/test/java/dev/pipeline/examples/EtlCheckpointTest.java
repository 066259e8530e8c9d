package dev.pipeline.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pipeline.connectors.r2dbc.R2dbc;
import dev.pipeline.connectors.r2dbc.R2dbcSources;
import io.r2dbc.pool.ConnectionPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code etl --checkpoint}: a run killed with SIGKILL, in a JVM of its own, and started again
 * with the same checkpoint ends with exactly what a clean run stores and dead-letters: no gap,
 * and repeats only from the checkpoint's window.
 */
class EtlCheckpointTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern STATE = Pattern.compile("\\{\"done\":(\\d+),\"read\":(\\d+),\"pages\":(\\d+)}\\s*");
    private static final int RECORDS = 10_000;
    private static final int PAGE_SIZE = 100;
    private static final int PAGES = RECORDS / PAGE_SIZE;
    private static final int WINDOW = 12;

    @TempDir
    Path dir;

    private static List<String> job(String db, Path out, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("run", "etl", "--records", Integer.toString(RECORDS), "--page-size",
                Integer.toString(PAGE_SIZE), "--latency-ms", "50", "--error-rate", "0.05", "--concurrency", "2",
                "--db", db, "--out", out.toString()));
        args.addAll(List.of(more));
        return args;
    }

    /** {done, read} in the checkpoint file, or {-1, -1} while it is not there. */
    private static int[] state(Path checkpoint) {
        try {
            Matcher m = STATE.matcher(Files.readString(checkpoint));
            return m.matches() ? new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))} : new int[] {-1, -1};
        } catch (IOException e) {
            return new int[] {-1, -1};
        }
    }

    /** The record ids of an NDJSON file, dead letters' ({@code item.id}) or the audit copy's ({@code customer.id}); a torn line is skipped. */
    private static List<Long> ids(Path file, boolean letters) throws IOException {
        List<Long> ids = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (IOException torn) {
                continue; // at most the last line a killed run wrote; counted below
            }
            JsonNode record = letters ? node.get("item") : node.get("customer");
            if (record == null || record.get("id") == null) {
                System.out.println("not a whole record in " + file.getFileName() + ": " + line);
                continue;
            }
            ids.add(record.get("id").asLong());
        }
        return ids;
    }

    private static long tornLines(Path file) throws IOException {
        return Files.readAllLines(file).stream().filter(line -> {
            try {
                return !JSON.readTree(line).isObject();
            } catch (IOException e) {
                return true;
            }
        }).count();
    }

    private static Set<Long> rows(String db) {
        ConnectionPool pool = R2dbc.pool(db, 1);
        try {
            return new HashSet<>(R2dbcSources.query(pool, "SELECT id FROM etl_customers", List.of(), row -> row.get("id", Long.class))
                    .flux().collectList().block(Duration.ofSeconds(30)));
        } finally {
            pool.dispose();
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aRunKilledWithSigkillResumesAtItsCheckpointWithNoGapAndRepeatsOnlyTheWindow() throws Exception {
        // what a clean run (no checkpoint) stores and dead-letters
        Path cleanOut = dir.resolve("clean");
        String cleanDb = "r2dbc:h2:mem:///etl-checkpoint-clean;DB_CLOSE_DELAY=-1";
        Cli.Run clean = Cli.run(job(cleanDb, cleanOut, "--progress", "none").toArray(String[]::new));
        assertThat(clean.code()).as(clean.out() + clean.err()).isZero();
        Set<Long> cleanStored = rows(cleanDb);
        Set<Long> cleanDead = new HashSet<>(ids(cleanOut.resolve("rejected.ndjson"), true));
        assertThat(cleanStored).hasSizeGreaterThan(RECORDS / 2);
        assertThat(cleanDead).isNotEmpty().doesNotContainAnyElementsOf(cleanStored);

        // the checkpointed run, killed at 30-50%
        Path out = dir.resolve("out");
        Path checkpoint = dir.resolve("etl.checkpoint");
        // WRITE_DELAY=0: H2 writes each commit to its file at once (by default up to 500 ms later, which a kill loses)
        String db = "r2dbc:h2:file:///" + dir.resolve("db").resolve("etl").toAbsolutePath() + ";WRITE_DELAY=0";
        int[] atKill;
        try (ChildJvm etl = ChildJvm.main(dir, List.of("-Xmx256m"), job(db, out, "--checkpoint", checkpoint.toString(),
                "--checkpoint-window", Integer.toString(WINDOW), "--progress", "log", "--progress-every", "50ms")
                .toArray(String[]::new))) {
            // each progress line is a moment to look at the checkpoint (bounded: awaitLine fails after a minute)
            etl.awaitLine(line -> state(checkpoint)[0] >= PAGES * 3 / 10);
            etl.signal("KILL");
            int code = etl.waitFor(Duration.ofSeconds(30));
            assertThat(code).as("killed by SIGKILL").isEqualTo(128 + 9);
            atKill = state(checkpoint); // after the death: the last state it wrote
            assertThat(etl.out()).doesNotContain("COMPLETED");
        }
        int done = atKill[0];
        int read = atKill[1];
        assertThat(done).as("killed at 30-50%%").isBetween(PAGES * 3 / 10, PAGES / 2);
        assertThat(read - done).as("pages taken and not done").isBetween(0, WINDOW);
        assertThat(rows(db)).as("the killed run stored a part").isNotEmpty().hasSizeLessThan(cleanStored.size());

        // started again with the same checkpoint
        Cli.Run again = Cli.run(job(db, out, "--checkpoint", checkpoint.toString(), "--checkpoint-window",
                Integer.toString(WINDOW), "--progress", "none").toArray(String[]::new));
        assertThat(again.code()).as(again.out() + again.err()).isZero();
        assertThat(again.out()).contains("Checkpoint: resumed at page " + (done + 1) + " of " + PAGES + "; " + (read - done)
                        + " pages repeated").contains("all " + PAGES + " pages done")
                .contains("Database:   " + cleanStored.size() + " rows in etl_customers (= the API's " + cleanStored.size()
                        + " valid records");
        assertThat(state(checkpoint)).containsExactly(PAGES, PAGES);

        // exactly what the clean run has: no gap, nothing extra
        assertThat(rows(db)).isEqualTo(cleanStored);
        List<Long> dead = ids(out.resolve("rejected.ndjson"), true);
        assertThat(new HashSet<>(dead)).isEqualTo(cleanDead);
        List<Long> audited = ids(out.resolve("audit.ndjson"), false);
        assertThat(new HashSet<>(audited)).isEqualTo(cleanStored);
        assertThat(tornLines(out.resolve("audit.ndjson")) + tornLines(out.resolve("rejected.ndjson")))
                .as("a torn last line, at most, in each file").isLessThanOrEqualTo(2);

        // repeats only from the unsettled window: the pages past the checkpoint, at most WINDOW of them
        Set<Integer> repeatedPages = new TreeSet<>();
        for (List<Long> file : List.of(audited, dead)) {
            Map<Long, Integer> seen = new HashMap<>();
            file.forEach(id -> seen.merge(id, 1, Integer::sum));
            seen.forEach((id, n) -> {
                if (n > 1) {
                    repeatedPages.add((int) ((id - 1) / PAGE_SIZE) + 1);
                }
            });
        }
        assertThat(repeatedPages).as("pages written twice").allMatch(p -> p > done && p <= done + WINDOW);
        assertThat(repeatedPages.size()).isLessThanOrEqualTo(WINDOW);
        System.out.printf("etl --checkpoint: killed at page %d (read %d), resumed at %d; %d pages written twice%n", done, read,
                done + 1, repeatedPages.size());
    }

    @Test
    void aRunAfterACompletedOneFetchesNothingAndSaysSo() {
        Path checkpoint = dir.resolve("done.checkpoint");
        String db = "r2dbc:h2:file:///" + dir.resolve("done-db").resolve("etl").toAbsolutePath() + ";WRITE_DELAY=0";
        String[] args = job(db, dir.resolve("done-out"), "--checkpoint", checkpoint.toString(), "--progress", "none")
                .toArray(String[]::new);
        Cli.Run first = Cli.run(args);
        assertThat(first.code()).as(first.out() + first.err()).isZero();
        assertThat(first.out()).contains("Checkpoint: a first run, from page 1 of " + PAGES + "; all " + PAGES + " pages done");

        Cli.Run again = Cli.run(args);
        assertThat(again.code()).as(again.out() + again.err()).isZero();
        assertThat(again.out())
                .contains("checkpoint " + checkpoint + ": all " + PAGES + " pages were done by the runs before; nothing to fetch")
                .contains("Checkpoint: every page was done by the runs before; all " + PAGES + " pages done")
                .contains("this run took no page: 0 requests")
                .doesNotContain("of " + PAGES + "; 0 pages repeated");
    }

    @Test
    @SuppressWarnings("try") // the lock is held, not referenced
    void aSecondRunOnTheSameCheckpointIsRefusedNamingTheLockFile() throws Exception {
        Path checkpoint = dir.resolve("held.checkpoint");
        try (java.nio.channels.FileChannel lock = java.nio.channels.FileChannel.open(dir.resolve("held.checkpoint.lock"),
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE)) {
            // another process's lock: this JVM's lock on the file is what a second JVM sees
            try (java.nio.channels.FileLock taken = lock.lock()) {
                Cli.Run run = Cli.run(job("r2dbc:h2:mem:///etl-checkpoint-lock;DB_CLOSE_DELAY=-1", dir.resolve("o"),
                        "--checkpoint", checkpoint.toString(), "--progress", "none").toArray(String[]::new));
                assertThat(run.code()).isNotZero();
                assertThat(run.err()).contains(checkpoint + ".lock is locked by another etl run");
                assertThat(checkpoint).doesNotExist();
            }
        }
    }
}
