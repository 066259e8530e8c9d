package dev.pipeline.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link FatalErrors} in a JVM of its own: whichever thread a fatal error hits, the program ends with one line. */
class FatalErrorsTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "on {0}")
    @CsvSource({"main, main", "reactor, parallel-1", "thread, worker"})
    void aStackOverflowAnywhereEndsTheProgramWithOneLineAfterTheCleanup(String where, String thread)
            throws IOException, InterruptedException {
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xss512k", "-cp", System.getProperty("java.class.path"), FatalErrorsMain.class.getName(), where));
        Process child = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            assertThat(child.waitFor(Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS)).as("ended, not hanging").isTrue();
            List<String> errors = Files.readAllLines(err);
            assertThat(child.exitValue()).as(String.join("\n", errors)).isEqualTo(FatalErrors.EXIT_CODE);
            assertThat(errors).as("one line, the last").last().isEqualTo("error: fatal-test: a thread ran out of stack "
                    + "(StackOverflowError: null, in thread " + thread + "); a hint for the user");
            assertThat(errors.stream().filter(l -> l.startsWith("error: "))).hasSize(1);
            assertThat(Files.readAllLines(out)).containsExactly("cleaned up");
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void aFatalErrorIsRecognisedAsTheCauseOfAnotherError() {
        assertThat(FatalErrors.isFatal(new IllegalStateException("wrapped", new OutOfMemoryError("Java heap space")))).isTrue();
        assertThat(FatalErrors.isFatal(new StackOverflowError())).isTrue();
        assertThat(FatalErrors.isFatal(new IllegalStateException("ordinary", new IOException("disk")))).isFalse();
    }
}
