package dev.pipeline.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pipeline.connectors.testing.Services;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The ETL job end to end, in-process, on embedded H2 and the embedded demo API. */
class EtlTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path out;

    @Test
    void theAccountingReconcilesAndTheDatabaseHoldsExactlyTheValidRecords() throws IOException {
        Cli.Run run = Cli.run("run", "etl", "--records", "3000", "--page-size", "100", "--invalid-fraction", "0.05",
                "--error-rate", "0.1", "--latency-ms", "0", "--progress", "none", "--db", "r2dbc:h2:mem:///etl-test-1;DB_CLOSE_DELAY=-1",
                "--out", out.toString());
        assertThat(run.code()).as(run.out() + run.err()).isZero();

        Matcher accounting = Pattern.compile("Accounting: (\\d+) records from the API = (\\d+) stored \\+ (\\d+) dead-lettered \\+ (\\d+) skipped  \\(reconciled\\)")
                .matcher(run.out());
        assertThat(accounting.find()).as(run.out()).isTrue();
        long fromApi = Long.parseLong(accounting.group(1));
        long stored = Long.parseLong(accounting.group(2));
        long dead = Long.parseLong(accounting.group(3));
        assertThat(fromApi).isEqualTo(3000);
        assertThat(stored + dead).isEqualTo(3000);
        assertThat(dead).as("about 5%% invalid").isBetween(60L, 300L);
        assertThat(run.out()).contains("Database:   " + stored + " rows in etl_customers (= stored)");
        // the demo API knows which records it made invalid: exactly those were refused, all others stored
        Matcher api = Pattern.compile("API: +served (\\d+) records, (\\d+) of them invalid \\(= refused\\)").matcher(run.out());
        assertThat(api.find()).as(run.out()).isTrue();
        assertThat(Long.parseLong(api.group(1))).isEqualTo(3000);
        assertThat(Long.parseLong(api.group(2))).isEqualTo(dead);
        assertThat(stored).isEqualTo(3000 - Long.parseLong(api.group(2)));
        assertThat(run.out()).contains("Pipeline 'etl' COMPLETED");

        // every rejected record is in the dead-letter file, once, with its reason
        List<String> rejected = Files.readAllLines(out.resolve("rejected.ndjson"));
        assertThat(rejected).hasSize((int) dead);
        for (String line : rejected) {
            JsonNode letter = JSON.readTree(line);
            assertThat(letter.get("stage").asText()).isEqualTo("validate");
            assertThat(letter.get("reason").asText()).matches(".*record \\d+: (email missing|amount -?[0-9.]+ is missing or negative|unknown country 'XX')");
            assertThat(letter.get("item").get("id").asLong()).isPositive();
        }
        assertThat(rejected.stream().map(l -> l.replaceAll(".*\"id\":(\\d+).*", "$1")).distinct()).hasSize((int) dead);

        // the summary adds up to the stored rows
        List<String> summary = Files.readAllLines(out.resolve("summary.csv"));
        assertThat(summary.get(0)).isEqualTo("region,tier,customers,total_eur");
        long customers = summary.stream().skip(1).mapToLong(l -> Long.parseLong(l.split(",")[2])).sum();
        assertThat(customers).isEqualTo(stored);
    }

    @Test
    void theSameSeedGivesTheSameResultAndRetriesDoNotDuplicateRows() {
        String[] args = {"run", "etl", "--records", "1000", "--page-size", "50", "--error-rate", "0.3", "--latency-ms", "0",
            "--progress", "none", "--seed", "9", "--db", "r2dbc:h2:mem:///etl-test-2;DB_CLOSE_DELAY=-1", "--out", out.toString()};
        Cli.Run first = Cli.run(args);
        Cli.Run second = Cli.run(args);
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(second.code()).as(second.err()).isZero();
        assertThat(accounting(first)).isEqualTo(accounting(second));
        assertThat(first.out()).containsPattern("API: .*; \\d+ requests, [1-9]\\d* answered with an error");
    }

    private static String accounting(Cli.Run run) {
        return run.lines().stream().filter(l -> l.startsWith("Accounting:") || l.startsWith("Database:")).toList().toString();
    }

    @Test
    void progressIsLoggedWhenNotOnATerminal() {
        Cli.Run run = Cli.run("run", "etl", "--records", "500", "--page-size", "50", "--concurrency", "2", "--latency-ms", "30",
                "--error-rate", "0", "--progress", "log", "--progress-every", "50ms",
                "--db", "r2dbc:h2:mem:///etl-test-3;DB_CLOSE_DELAY=-1", "--out", out.toString());
        assertThat(run.code()).as(run.err()).isZero();
        List<String> progress = run.lines().stream().filter(l -> l.startsWith("[etl]")).toList();
        assertThat(progress).isNotEmpty();
        // the last line is the final state; enrich and store know their totals: what validate passed on
        assertThat(progress.get(progress.size() - 1)).contains("fetch 10/10 pages").contains("validate 500/500 records")
                .containsPattern("enrich (\\d+)/\\1 records, store \\1/\\1 rows");
    }

    @Test
    void theJobRunsAgainstPostgresqlToo() {
        Services.requirePostgres();
        Cli.Run run = Cli.run("run", "etl", "--records", "1500", "--page-size", "100", "--latency-ms", "0", "--progress", "none",
                "--db", "r2dbc:postgresql://postgres@127.0.0.1:5432/test", "--out", out.toString());
        assertThat(run.code()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("(reconciled)").contains("(= stored)").contains("r2dbc:postgresql://");
    }

    @Test
    void anUnreachableDatabaseIsAOneLineErrorAndANonZeroExit() {
        Cli.Run run = Cli.run("run", "etl", "--records", "100", "--progress", "none",
                "--db", "r2dbc:postgresql://etl:secret@127.0.0.1:1/nowhere", "--out", out.toString());
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err().lines().toList()).hasSize(1);
        assertThat(run.err()).startsWith("error: etl: ").contains("127.0.0.1:1").doesNotContain("secret");
    }

    @Test
    void badOptionsAreRefusedBeforeAnythingStarts() {
        for (String[] bad : List.of(new String[] {"--records", "0"}, new String[] {"--page-size", "5000"},
                new String[] {"--progress-every", "0s"})) {
            Cli.Run run = Cli.run("run", "etl", bad[0], bad[1], "--out", out.resolve("never").toString());
            assertThat(run.code()).as(bad[0]).isEqualTo(1);
            assertThat(run.err()).startsWith("error: etl: ").contains(bad[0]);
            assertThat(out.resolve("never")).doesNotExist();
        }
        Cli.Run run = Cli.run("run", "etl", "--progress", "fancy");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("--progress", "AUTO, BAR, LOG, NONE");
    }

    /** Errors say in words what is wrong, and with which option. */
    @Nested
    class Breaker {

        @Test
        void aDeadApiFailsTheRunWithinSecondsNamingTheBreaker() {
            Cli.Run run = Cli.run("run", "etl", "--records", "5000", "--page-size", "50", "--error-rate", "1",
                    "--latency-ms", "0", "--progress", "none", "--out", out.resolve("dead").toString());
            assertThat(run.code()).isEqualTo(1);
            // the first refused call fails the run: no page waits through its 8 retries with backoff
            assertThat(run.err().strip()).startsWith("error: etl: PipelineException: stage 'fetch' failed on item ")
                    .contains("CircuitOpenException: circuit breaker 'demo-api' is OPEN since ");
        }

        @Test
        void aNegativeBreakerIsRefusedByName() {
            Cli.Run run = Cli.run("run", "etl", "--breaker", "-1", "--progress", "none", "--out", out.resolve("never").toString());
            assertThat(run.code()).isEqualTo(1);
            assertThat(run.err().strip()).isEqualTo("error: etl: --breaker must be at least 0 (0: no breaker), was -1");
        }
    }

    @Nested
    class Messages {

        @Test
        void aCountBelowOneNamesTheOneOptionThatIsWrong() {
            for (String option : List.of("--records", "--page-size", "--concurrency", "--batch-size")) {
                Cli.Run run = Cli.run("run", "etl", option, "0", "--progress", "none", "--out", out.resolve("never").toString());
                assertThat(run.code()).as(option).isEqualTo(1);
                assertThat(run.err().strip()).isEqualTo("error: etl: " + option + " must be at least 1, was 0");
            }
        }

        @Test
        void anOutThatIsAFileIsSaidInWords() throws IOException {
            Path file = Files.writeString(out.resolve("etl-output.txt"), "not a directory");
            Cli.Run run = Cli.run("run", "etl", "--records", "10", "--progress", "none", "--out", file.toString());
            assertThat(run.code()).isEqualTo(1);
            assertThat(run.err().strip()).isEqualTo("error: etl: --out " + file + " is a file, not a directory; give a directory");
            assertThat(Files.readString(file)).isEqualTo("not a directory");
        }

        @Test
        void anOutUnderAFileIsSaidInWords() throws IOException {
            Path file = Files.writeString(out.resolve("plain"), "");
            Cli.Run run = Cli.run("run", "etl", "--records", "10", "--progress", "none", "--out", file.resolve("x").toString());
            assertThat(run.code()).isEqualTo(1);
            assertThat(run.err().strip()).isEqualTo("error: etl: --out " + file.resolve("x") + " cannot be created: " + file
                    + " is a file, not a directory; give a directory");
        }

        @Test
        void anOutTheFileSystemRefusesIsSaidInWords() {
            assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux's /proc");
            Cli.Run run = Cli.run("run", "etl", "--records", "10", "--progress", "none", "--out", "/proc/x");
            assertThat(run.code()).isEqualTo(1);
            assertThat(run.err().strip()).isEqualTo("error: etl: --out /proc/x cannot be created: /proc refuses new directories "
                    + "(no such file or directory); give a directory elsewhere");
        }

        @Test
        void anUnreachableDatabaseLeavesNoOutputDirectoryBehind() {
            Path fresh = out.resolve("fresh");
            Cli.Run run = Cli.run("run", "etl", "--records", "100", "--progress", "none",
                    "--db", "r2dbc:postgresql://etl@127.0.0.1:1/nowhere", "--out", fresh.toString());
            assertThat(run.code()).isEqualTo(1);
            assertThat(run.err()).startsWith("error: etl: ").contains("127.0.0.1:1");
            assertThat(fresh).as("checked first, created only once the database answered").doesNotExist();
        }
    }
}
