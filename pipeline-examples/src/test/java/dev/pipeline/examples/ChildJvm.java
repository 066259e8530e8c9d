package dev.pipeline.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The command line in a JVM of its own, as a user starts it: for what only a process shows
 * (signals, exit codes, running out of memory). Standard output is read line by line as it
 * comes; standard error goes to a file.
 */
final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final BufferedReader out;
    private final List<String> lines = new ArrayList<>();
    private final Path err;

    private ChildJvm(Process process, Path err) {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.err = err;
    }

    /** Starts {@code java <jvmOptions> -cp <this test's classpath> dev.pipeline.examples.Main <args>} in {@code dir}. */
    static ChildJvm main(Path dir, List<String> jvmOptions, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectError(err.toFile());
        builder.environment().remove("PIPELINE_DEBUG");
        return new ChildJvm(builder.start(), err);
    }

    /** Whether this JVM was started with SIGINT ignored (a background job): its children then ignore it too. */
    static boolean sigintIgnored() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("SigIgn:")) {
                    return (Long.parseLong(line.substring(7).trim(), 16) & (1L << (2 - 1))) != 0;
                }
            }
        } catch (IOException e) {
            // not Linux: assume the default disposition
        }
        return false;
    }

    /** Reads standard output until a line matches, and returns it; fails if the process ends first. */
    String awaitLine(Predicate<String> matching) {
        try {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                lines.add(line);
                if (matching.test(line)) {
                    return line;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError("the process ended (exit code " + exitCode() + ") before a matching line; it printed:\n"
                + String.join("\n", lines) + "\nand on standard error:\n" + err());
    }

    /** Sends SIGTERM (as {@link Process#destroy()} does, but keeping our end of its output open) or SIGINT. */
    void signal(String name) throws IOException, InterruptedException {
        if (name.equals("TERM")) {
            process.toHandle().destroy();
            return;
        }
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** Waits (bounded) for the process to exit, reads the rest of its output, and returns its exit code. */
    int waitFor(Duration limit) throws InterruptedException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the process did not exit within " + limit + "; it printed:\n" + String.join("\n", lines));
        }
        out.lines().forEach(lines::add);
        return process.exitValue();
    }

    private String exitCode() {
        try {
            return process.waitFor(5, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "none yet";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /** Every line of standard output read so far. */
    String out() {
        return String.join("\n", lines);
    }

    /** Standard error so far. */
    String err() {
        try {
            return Files.readString(err, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        process.destroyForcibly();
        out.close();
    }
}
