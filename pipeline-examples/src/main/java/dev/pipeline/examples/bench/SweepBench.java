package dev.pipeline.examples.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import dev.pipeline.examples.Main;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bench sweep <scenario>}: runs S1 (queue), S2 (gather-sleep), S7 (db-insert) or the
 * overhead scenario at several sizes, each size in a fresh JVM (and the CPython reference at the
 * same size with {@code --python}), and prints how wall time and peak memory grow with the size.
 * Each measurement is a RESULT line {@code scenario=sweep-<scenario> impl=<impl> size=N wall_s=..
 * rss_mb=..}; the peak RSS is the whole child process's (a JVM's is shared by the scenario's
 * implementations, which it runs one after another).
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Run queue, gather-sleep, db-insert or overhead at several sizes; print time and memory growth.")
public final class SweepBench implements Callable<Integer> {

    /** A scenario that can be swept: its size option, its fixed arguments, its Python script. */
    private record Swept(String sizeOption, List<String> args, String pythonScript, String pythonSizeOption) {
    }

    private static final Map<String, Swept> SWEPT = Map.of(
            "queue", new Swept("--n", List.of("--rounds", "2"), "s1_queue.py", "-n"),
            "gather-sleep", new Swept("--k", List.of("--rounds", "1"), "s2_gather_sleep.py", "-k"),
            "db-insert", new Swept("--n", List.of("--rounds", "1"), null, null),
            "overhead", new Swept("--n", List.of("--rounds", "6"), null, null));

    @Parameters(index = "0", paramLabel = "SCENARIO", description = "queue, gather-sleep, db-insert or overhead")
    String scenario;

    @Option(names = "--sizes", split = ",", description = "sizes (default ${DEFAULT-VALUE})", defaultValue = "10000,100000,1000000")
    List<Long> sizes;

    @Option(names = "--python", paramLabel = "DIR", description = "also run the CPython reference in DIR at each size")
    Path python;

    @Option(names = "--xmx", description = "the child JVMs' -Xmx (default: the JVM's own default)")
    String xmx;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Swept swept = SWEPT.get(scenario);
        if (swept == null) {
            throw new IllegalArgumentException("bench sweep: '" + scenario + "' cannot be swept; pick one of " + SWEPT.keySet());
        }
        List<BenchResult> results = new ArrayList<>();
        int failures = 0;
        for (long size : sizes) {
            List<String> command = new ArrayList<>();
            command.add(ProcessHandle.current().info().command().orElse("java"));
            if (xmx != null) {
                command.add("-Xmx" + xmx);
            }
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "bench", scenario,
                    swept.sizeOption(), Long.toString(size)));
            command.addAll(swept.args());
            failures += measure(command, size, results) ? 0 : 1;
            if (python != null && swept.pythonScript() != null) {
                failures += measure(List.of("/usr/bin/python3", python.resolve(swept.pythonScript()).toString(),
                        swept.pythonSizeOption(), Long.toString(size)), size, results) ? 0 : 1;
            }
        }
        printGrowth(results);
        return failures == 0 ? 0 : 1;
    }

    /** Runs one child under {@code /usr/bin/time -v} (for its peak RSS) and turns its RESULT lines into sweep lines. */
    private boolean measure(List<String> command, long size, List<BenchResult> results) throws IOException, InterruptedException {
        List<String> timed = new ArrayList<>();
        boolean withTime = Files.isExecutable(Path.of("/usr/bin/time"));
        if (withTime) {
            timed.addAll(List.of("/usr/bin/time", "-v"));
        }
        timed.addAll(command);
        Path out = Files.createTempFile("bench-sweep", ".out");
        Path err = Files.createTempFile("bench-sweep", ".err");
        try {
            Process p = new ProcessBuilder(timed).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            boolean done;
            try {
                done = p.waitFor(20, TimeUnit.MINUTES);
            } finally {
                p.destroyForcibly();
            }
            String errText = Files.readString(err, StandardCharsets.UTF_8);
            double rss = -1;
            for (String line : errText.split("\n")) {
                String t = line.strip();
                if (t.startsWith("Maximum resident set size (kbytes):")) {
                    rss = Long.parseLong(t.substring(t.indexOf(':') + 1).strip()) / 1024.0;
                }
            }
            boolean ok = done && p.exitValue() == 0;
            if (!ok) {
                System.err.println("bench sweep: " + String.join(" ", command) + " failed (exit "
                        + (done ? p.exitValue() : "timeout") + "):\n" + errText);
            }
            for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
                if (!line.startsWith("RESULT ")) {
                    continue;
                }
                Map<String, String> kv = parse(line);
                String wall = kv.get("wall_s");
                if (wall == null) {
                    continue;
                }
                BenchResult r = BenchResult.of("sweep-" + scenario, kv.getOrDefault("impl", "?")).put("size", size)
                        .put("wall_s", Double.parseDouble(wall)).put("items_per_s", size / Double.parseDouble(wall))
                        .put("rss_mb", rss).put("ok", ok && !"false".equals(kv.get("ok")));
                System.out.println(r.line());
                results.add(r);
            }
            return ok;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Per implementation: each size's time and memory, and how much they grew from the size before. */
    private static void printGrowth(List<BenchResult> results) {
        Map<String, List<BenchResult>> byImpl = new LinkedHashMap<>();
        for (BenchResult r : results) {
            byImpl.computeIfAbsent(r.impl(), k -> new ArrayList<>()).add(r);
        }
        System.out.println(String.format(Locale.ROOT, "%-16s %10s %10s %8s %9s %8s", "impl", "size", "wall_s", "x time", "rss_mb", "x rss"));
        byImpl.forEach((impl, rows) -> {
            BenchResult prev = null;
            for (BenchResult r : rows) {
                double wall = Double.parseDouble(r.get("wall_s"));
                double rss = Double.parseDouble(r.get("rss_mb"));
                String growth = prev == null ? "" : String.format(Locale.ROOT, "%.2f", wall / Double.parseDouble(prev.get("wall_s")));
                String rssGrowth = prev == null ? "" : String.format(Locale.ROOT, "%.2f", rss / Double.parseDouble(prev.get("rss_mb")));
                System.out.println(String.format(Locale.ROOT, "%-16s %10s %10.4f %8s %9.1f %8s", impl, r.get("size"), wall, growth,
                        rss, rssGrowth));
                prev = r;
            }
        });
    }

    static Map<String, String> parse(String line) {
        Map<String, String> kv = new LinkedHashMap<>();
        for (String part : line.substring("RESULT ".length()).trim().split("\\s+")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                kv.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return kv;
    }
}
