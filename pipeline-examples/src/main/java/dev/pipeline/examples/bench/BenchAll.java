package dev.pipeline.examples.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench all}: every scenario in sequence (and, with {@code --python}, the CPython asyncio
 * reference scripts beside them), collecting the RESULT lines into a file and a chart.
 */
@Command(name = "all", mixinStandardHelpOptions = true,
        description = "Run every scenario in sequence; optionally the Python references too; write RESULT lines and a chart.")
public final class BenchAll implements Callable<Integer> {

    /** Each scenario's arguments, full size and quick. */
    private static final String[][] SCENARIOS = {
        {"queue", "queue --n 100000 --rounds 2"},
        {"gather-sleep", "gather-sleep --k 1000 --sleep 0.2 --rounds 1"},
        {"gather-sleep --k 100000", "gather-sleep --k 2000 --sleep 0.2 --rounds 1"},
        {"semaphore", "semaphore --k 200 --permits 20 --rounds 1"},
        {"chain", "chain --k 500 --rounds 1"},
        {"chess", "chess --boards 4 --moves 3 --rounds 1"},
        {"http-fetch", "http-fetch --m 300 --warmup 1 --rounds 1 --wrk-seconds 1"},
        {"db-insert", "db-insert --n 2000 --rounds 1"},
        {"file-lines", "file-lines --n 20000 --rounds 1"},
        {"backpressure-memory", "backpressure-memory --n 100000"},
        {"overhead", "overhead --n 100000 --rounds 4"},
        {"fan-out", "fan-out --n 100000 --rounds 2"},
    };

    /** The Python reference script for each scenario that has one runnable here without extra set-up. */
    private static final String[][] PYTHON = {
        {"s1_queue.py"}, {"s2_gather_sleep.py"}, {"s2_gather_sleep.py", "-k", "100000"}, {"s3_semaphore.py"},
        {"s4_chain.py"}, {"s5_chess.py"}, {"s9_backpressure.py"},
    };

    @Spec
    CommandSpec spec;

    @Option(names = "--quick", description = "small sizes: checks every scenario runs, measures nothing")
    boolean quick;

    @Option(names = "--python", paramLabel = "DIR",
            description = "also run the CPython asyncio references in DIR (../shared/bench/python) with /usr/bin/python3")
    Path python;

    @Option(names = "--results", paramLabel = "FILE", description = "write every RESULT line to FILE")
    Path results;

    @Option(names = "--chart", paramLabel = "PNG", description = "draw the chart of the RESULT lines to PNG")
    Path chart;

    @Override
    public Integer call() throws IOException, InterruptedException {
        List<String> lines = new ArrayList<>();
        int failures = 0;
        for (String[] scenario : SCENARIOS) {
            String[] split = (quick ? scenario[1] : scenario[0]).split(" ");
            // CPython's S6 must hit the server the pipeline's S6 uses, which lives in that scenario's run
            String[] args = python != null && !quick && split[0].equals("http-fetch")
                    ? concat(split, "--python", python.toString()) : split;
            int code = captured(lines, () -> spec.parent().commandLine().execute(args));
            if (code != 0) {
                failures++;
                System.err.println("bench " + String.join(" ", args) + ": exit code " + code);
            }
        }
        if (python != null) {
            for (String[] script : PYTHON) {
                failures += runPython(script, lines) ? 0 : 1;
            }
        }
        if (results != null) {
            Files.write(results, lines, StandardCharsets.UTF_8);
        }
        if (chart != null) {
            PerformanceChart.write(PerformanceChart.parse(lines), chart);
            System.out.println("chart: " + chart.toAbsolutePath());
        }
        return failures == 0 ? 0 : 1;
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /**
     * Runs one reference script; under {@code /usr/bin/time -v} when present, whose peak RSS is
     * added to the script's RESULT line as {@code rss_mb} where the script does not report one
     * (S9's figure is the peak RSS, measured from outside as its docstring says).
     */
    private boolean runPython(String[] script, List<String> lines) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        boolean timed = Files.isExecutable(Path.of("/usr/bin/time"));
        if (timed) {
            command.addAll(List.of("/usr/bin/time", "-v"));
        }
        command.addAll(List.of("/usr/bin/python3", python.resolve(script[0]).toString()));
        command.addAll(List.of(script).subList(1, script.length));
        if (quick) {
            return true;
        }
        Path output = Files.createTempFile("bench-python", ".txt");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        boolean done;
        try {
            done = process.waitFor(10, TimeUnit.MINUTES);
        } finally {
            process.destroyForcibly();
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);
        Files.deleteIfExists(output);
        String rss = null;
        for (String line : text.split("\n")) {
            String t = line.strip();
            if (t.startsWith("Maximum resident set size (kbytes):")) {
                rss = String.format(java.util.Locale.ROOT, "%.1f", Long.parseLong(t.substring(t.indexOf(':') + 1).strip()) / 1024.0);
            }
        }
        for (String line : text.split("\n")) {
            if (line.startsWith("RESULT ")) {
                line = line.strip();
                if (rss != null && !line.contains(" rss_mb=")) {
                    line = line + " rss_mb=" + rss;
                }
                System.out.println(line);
                lines.add(line);
            }
        }
        return done && process.exitValue() == 0;
    }

    /** Runs a scenario with System.out teed into {@code lines} (its RESULT lines). */
    private static int captured(List<String> lines, java.util.function.IntSupplier run) {
        PrintStream original = System.out;
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        PrintStream tee = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                copy.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                original.write(b, off, len);
                copy.write(b, off, len);
            }
        }, true, StandardCharsets.UTF_8);
        System.setOut(tee);
        try {
            return run.getAsInt();
        } finally {
            System.setOut(original);
            for (String line : copy.toString(StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("RESULT ")) {
                    lines.add(line.strip());
                }
            }
        }
    }
}
