package dev.pipeline.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The packaged jar, run as a separate process the way the README tells a user to. */
class PackagedJarIT {

    private static final Path JAR = Path.of("target", "pipeline.jar");

    @TempDir
    Path dir;

    private record Result(int code, String out) {
    }

    private Result java(String... args) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-jar", JAR.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        Path output = Files.createTempFile(dir, "output", ".txt");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        try {
            assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("finished within 2 minutes").isTrue();
        } finally {
            process.destroyForcibly();
        }
        return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }

    @Test
    void withNoArgumentsTheJarRunsTheEtlJobAndReconciles() throws Exception {
        assertThat(JAR).exists();
        Result etl = java();
        assertThat(etl.code()).as(etl.out()).isZero();
        assertThat(etl.out()).contains("Pipeline 'etl' COMPLETED").contains("(reconciled)").contains("(= stored)");
        // not a terminal: plain progress lines, no escape codes
        assertThat(etl.out()).contains("[etl]").doesNotContain("\033[");
        assertThat(dir.resolve("etl-output/summary.csv")).exists();
        assertThat(Files.readAllLines(dir.resolve("etl-output/rejected.ndjson"))).isNotEmpty();
    }

    @Test
    void anExampleRunsAndAFailureIsOneLineWithANonZeroCode() throws Exception {
        Result lock = java("run", "lock", "--time-scale", "0.1");
        assertThat(lock.code()).as(lock.out()).isZero();
        assertThat(lock.out()).contains("worker 4 after:  counter = 5");

        Result bad = java("run", "etl", "--db", "r2dbc:postgresql://u:pw@127.0.0.1:1/none", "--progress", "none");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.out().lines().filter(l -> l.startsWith("error: ")).toList()).hasSize(1);
        assertThat(bad.out()).doesNotContain("\tat ").doesNotContain(":pw@");
    }

    @Test
    void sigtermStopsTheJarsEtlGracefullyWithItsReportAndExitCode143() throws Exception {
        assertThat(JAR).exists();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process etl = new ProcessBuilder(java, "-jar", JAR.toAbsolutePath().toString(), "run", "etl", "--records", "1000000",
                "--progress", "log", "--progress-every", "100ms").directory(dir.toFile()).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(etl.getInputStream(), StandardCharsets.UTF_8))) {
            List<String> lines = new ArrayList<>();
            for (String line = out.readLine(); line != null && !line.matches("\\[etl].* store [1-9]\\d*/\\d+ rows.*");
                    line = out.readLine()) {
                lines.add(line);
            }
            etl.toHandle().destroy();                           // SIGTERM, keeping our end of its output open
            assertThat(etl.waitFor(1, TimeUnit.MINUTES)).as("exited within a minute").isTrue();
            out.lines().forEach(lines::add);
            String printed = String.join("\n", lines);
            assertThat(etl.exitValue()).as(printed).isEqualTo(143);
            assertThat(printed).contains("Pipeline 'etl' STOPPED").contains("Stopped by SIGTERM").contains("(balanced)");
            try (Stream<Path> files = Files.list(dir.resolve("etl-output"))) {
                // what the stop let finish is committed (the dead letters, the audit copy); no summary, no temporary file
                assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("rejected.ndjson",
                        "audit.ndjson");
            }
        } finally {
            etl.destroyForcibly();
        }
    }
}
