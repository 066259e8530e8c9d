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
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The command line in a JVM of its own, as a user starts it: for what only a process shows
 * (signals, exit codes, running out of memory). Standard output is read line by line as it
 * comes, by a thread of its own (so the child never waits on a full pipe); standard error goes
 * to a file. Every wait is bounded.
 */
final class ChildJvm implements AutoCloseable {

    /** How long {@link #awaitLine} waits for a matching line. */
    private static final Duration LINE_WAIT = Duration.ofSeconds(60);

    private final Process process;
    private final BlockingQueue<Optional<String>> arriving = new LinkedBlockingQueue<>(); // empty: the end
    private final List<String> lines = new ArrayList<>();
    private final Path err;
    private boolean ended;

    private ChildJvm(Process process, Path err) {
        this.process = process;
        this.err = err;
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    arriving.add(Optional.of(line));
                }
            } catch (IOException e) {
                // the stream was closed: the end
            } finally {
                arriving.add(Optional.empty());
            }
        }, "child-jvm-stdout");
        reader.setDaemon(true);
        reader.start();
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

    /** Reads standard output until a line matches (within a minute), and returns it; fails if the process ends first. */
    String awaitLine(Predicate<String> matching) throws InterruptedException {
        long deadline = System.nanoTime() + LINE_WAIT.toNanos();
        while (!ended) {
            Optional<String> next = arriving.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (next == null) {
                throw new AssertionError("no matching line within " + LINE_WAIT + "; it printed:\n" + out());
            }
            if (next.isEmpty()) {
                ended = true;
                break;
            }
            lines.add(next.get());
            if (matching.test(next.get())) {
                return next.get();
            }
        }
        throw new AssertionError("the process ended (exit code " + exitCode() + ") before a matching line; it printed:\n"
                + out() + "\nand on standard error:\n" + err());
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

    /** Waits (bounded) for the process to exit and for the rest of its output, and returns its exit code. */
    int waitFor(Duration limit) throws InterruptedException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            for (Optional<String> next = arriving.poll(); next != null && next.isPresent(); next = arriving.poll()) {
                lines.add(next.get());
            }
            throw new AssertionError("the process did not exit within " + limit + "; it printed:\n" + out()
                    + "\nand on standard error:\n" + err());
        }
        while (!ended) {
            Optional<String> next = arriving.poll(10, TimeUnit.SECONDS);
            if (next == null || next.isEmpty()) {
                ended = true;
            } else {
                lines.add(next.get());
            }
        }
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

    /** Every line of standard output read so far (by {@link #awaitLine} and {@link #waitFor}). */
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
    public void close() {
        process.destroyForcibly();
    }
}
