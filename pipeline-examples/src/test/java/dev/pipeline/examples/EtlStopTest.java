package dev.pipeline.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** Stopping {@code etl}: Ctrl-C, SIGTERM and running out of memory, in a JVM of its own as a user runs it. */
class EtlStopTest {

    @TempDir
    Path dir;

    private Path output() {
        return dir.resolve("etl-output");
    }

    /** The atomic file sinks' temporary files left in the output directory. */
    private List<Path> temporaryFiles() throws IOException {
        if (!Files.isDirectory(output())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(output())) {
            return files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    @Test
    void aFirstCtrlCStopsTheJobGracefullyPrintsTheAccountingAndExits130() throws Exception {
        assumeFalse(ChildJvm.sigintIgnored(), "this JVM ignores SIGINT (a background job), and so would the child");
        try (ChildJvm etl = ChildJvm.main(dir, List.of("-Xmx256m"), "run", "etl", "--records", "1000000", "--latency-ms", "20",
                "--progress", "log", "--progress-every", "100ms", "--db", "r2dbc:h2:mem:///etl-stop;DB_CLOSE_DELAY=-1")) {
            etl.awaitLine(line -> line.matches("\\[etl].* store [1-9]\\d*/\\d+ rows.*"));

            long signalled = System.nanoTime();
            etl.signal("INT");
            int code = etl.waitFor(Duration.ofSeconds(30));
            Duration took = Duration.ofNanos(System.nanoTime() - signalled);

            String out = etl.out();
            assertThat(code).as(out + etl.err()).isEqualTo(130);
            assertThat(out).contains("Pipeline 'etl' STOPPED");
            Matcher accounting = Pattern.compile("Accounting: (\\d+) records from the API = (\\d+) stored \\+ (\\d+) dead-lettered "
                    + "\\+ 0 skipped \\+ 0 cut off  \\(balanced\\)").matcher(out);
            assertThat(accounting.find()).as(out).isTrue();
            long stored = Long.parseLong(accounting.group(2));
            long dead = Long.parseLong(accounting.group(3));
            assertThat(stored).isPositive().isLessThan(1_000_000);
            assertThat(out).containsPattern("Pages: +\\d+ of 5000 taken, 0 cut off in flight, [1-9]\\d* never started")
                    .contains("Database:   " + stored + " rows in etl_customers (= stored)")
                    .contains("summary.csv not written: the job was stopped")
                    .contains("Stopped by SIGINT");
            // the batches and the dead letters were committed
            assertThat(Files.readAllLines(output().resolve("rejected.ndjson"))).hasSize((int) dead);
            assertThat(temporaryFiles()).isEmpty();
            assertThat(took).as("the items in flight take milliseconds, far less than the grace").isLessThan(Duration.ofSeconds(10));
            System.out.printf("graceful stop on SIGINT: exit %d after %d ms, %d stored, %d dead-lettered%n", code, took.toMillis(),
                    stored, dead);
        }
    }

    @Test
    void aStoppedCheckpointedRunSaysWhereItResumesAndThatItsDeadLettersWereAppended() throws Exception {
        Path checkpoint = dir.resolve("etl.checkpoint");
        try (ChildJvm etl = ChildJvm.main(dir, List.of("-Xmx256m"), "run", "etl", "--records", "1000000", "--latency-ms", "20",
                "--progress", "log", "--progress-every", "100ms", "--checkpoint", checkpoint.toString(),
                "--db", "r2dbc:h2:mem:///etl-stop-checkpoint;DB_CLOSE_DELAY=-1")) {
            etl.awaitLine(line -> line.matches("\\[etl].* store [1-9]\\d*/\\d+ rows.*"));
            etl.signal("TERM");
            int code = etl.waitFor(Duration.ofSeconds(30));

            String out = etl.out();
            assertThat(code).as(out + etl.err()).isEqualTo(143);
            assertThat(out).contains("Stopped by SIGTERM").containsPattern("Checkpoint: .*resumes at page [1-9]\\d*")
                    .doesNotContain("rejected.ndjson not written");
            Matcher appended = Pattern.compile("appended record by record with --checkpoint: (\\d+) rejected records").matcher(out);
            assertThat(appended.find()).as(out).isTrue();
            assertThat(Files.readAllLines(output().resolve("rejected.ndjson"))).hasSize(Integer.parseInt(appended.group(1)));
        }
    }

    @Test
    void aSecondSigtermAbortsAtOnceAndLeavesNoTemporaryFile() throws Exception {
        // every page takes 2 s: a graceful stop would wait for the pages in flight
        try (ChildJvm etl = ChildJvm.main(dir, List.of("-Xmx256m"), "run", "etl", "--records", "1000000", "--latency-ms", "2000",
                "--progress", "log", "--progress-every", "100ms", "--db", "r2dbc:h2:mem:///etl-abort;DB_CLOSE_DELAY=-1")) {
            // dead letters are being written: the dead-letter file's temporary file exists
            etl.awaitLine(line -> line.startsWith("[etl]") && !temporaryFilesQuietly().isEmpty());

            etl.signal("TERM");
            etl.awaitLine(line -> line.contains("stopping"));
            long signalled = System.nanoTime();
            etl.signal("TERM");
            int code = etl.waitFor(Duration.ofSeconds(30));
            Duration took = Duration.ofNanos(System.nanoTime() - signalled);

            String out = etl.out();
            assertThat(code).as(out + etl.err()).isEqualTo(143);
            assertThat(out).contains("Pipeline 'etl' CANCELLED").contains("Aborted by a second SIGTERM")
                    .containsPattern("Pages: +\\d+ of 5000 taken, [1-9]\\d* cut off in flight, [1-9]\\d* never started")
                    .contains("rejected.ndjson not written: the job was aborted");
            assertThat(temporaryFiles()).as("the cancel deleted the temporary file before the JVM exited").isEmpty();
            assertThat(took).as("the pages in flight take 2 s; the abort does not wait for them").isLessThan(Duration.ofSeconds(2));
            System.out.printf("abort on a second SIGTERM: exit %d after %d ms%n", code, took.toMillis());
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES) // the collector's thrashing before it gives up grows with the machine's load
    void runningOutOfMemoryEndsTheJobWithAOneLineReasonAndANonZeroExitInsteadOfHanging() throws Exception {
        // 32 MB of heap and an in-memory database that holds every row: it runs out after some 30,000 records; the
        // parallel collector gives up when collecting frees next to nothing, where the serial one (the JVM's choice
        // on a small machine) would thrash for as long as the machine is busy
        try (ChildJvm etl = ChildJvm.main(dir, List.of("-Xmx32m", "-XX:+UseParallelGC"), "run", "etl", "--records", "1000000", "--page-size", "1000",
                "--latency-ms", "0", "--error-rate", "0", "--progress", "log", "--db", "r2dbc:h2:mem:///etl-oom;DB_CLOSE_DELAY=-1")) {
            long start = System.nanoTime();
            int code = etl.waitFor(Duration.ofSeconds(280));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            List<String> err = etl.err().lines().toList();
            assertThat(code).as(etl.out() + "\n" + etl.err()).isEqualTo(FatalErrors.EXIT_CODE);
            List<String> reasons = err.stream().filter(line -> line.startsWith("error: ")).toList();
            assertThat(reasons).as(etl.err()).hasSize(1);
            assertThat(reasons.get(0)).containsPattern("^error: etl: the JVM ran out of memory \\(OutOfMemoryError: "
                            + "(Java heap space|GC overhead limit exceeded)")
                    .contains("in-memory database").contains("r2dbc:h2:file:");
            assertThat(err.get(err.size() - 1)).as("the reason is the last word").isEqualTo(reasons.get(0));
            assertThat(temporaryFiles()).as("the job was cancelled before the JVM halted").isEmpty();
            System.out.printf("out of memory at -Xmx32m: exit %d after %d ms: %s%n", code, took.toMillis(), reasons.get(0));
        }
    }

    private List<Path> temporaryFilesQuietly() {
        try {
            return temporaryFiles();
        } catch (IOException e) {
            return List.of();
        }
    }
}
