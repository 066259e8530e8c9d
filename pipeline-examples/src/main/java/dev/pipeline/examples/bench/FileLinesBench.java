package dev.pipeline.examples.bench;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.pipeline.connectors.file.FileSources;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.Sink;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * S8 file-lines: read a generated file of N lines (~100 bytes each, ~200 MB for 2,000,000)
 * counting lines and summing their lengths, through a pipeline on {@code FileSources.lines},
 * against a plain {@code BufferedReader} loop and {@code wc -l}. The first round is cold; the
 * reported numbers are the median of the warm rounds. Beside the wall time each Java run reports
 * {@code cpu_s}, the CPU time the JVM's threads spent on it (summed over the live threads with
 * {@link ThreadMXBean}; GC threads are not Java threads and are not counted), the least over the
 * warm rounds, and the pipeline's {@code ratio_cpu} against {@code BufferedReader}: on a loaded
 * machine that moves much less than the wall-time ratio. The file is deleted afterwards.
 */
@Command(name = "file-lines", mixinStandardHelpOptions = true, description = "S8 file-lines: MB/s reading lines")
public final class FileLinesBench implements Callable<Integer> {

    @Option(names = "--n", description = "lines in the file (default: ${DEFAULT-VALUE})")
    int n = 2_000_000;

    @Option(names = "--rounds", description = "warm rounds after one cold round (default: ${DEFAULT-VALUE})")
    int rounds = 3;

    @Option(names = "--file", description = "read this file instead of generating one")
    Path file;

    /** Lines and the sum of their lengths (in chars). */
    record Count(long lines, long chars) {
    }

    @Override
    public Integer call() throws Exception {
        Path dir = null;
        Path input = file;
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1, was " + rounds);
        }
        if (input == null) {
            dir = Files.createTempDirectory("file-lines");
            input = dir.resolve("lines.txt");
        }
        try {
            if (dir != null) {
                generate(input);
            }
            return run(input);
        } finally {
            if (dir != null) {
                Files.deleteIfExists(input);
                Files.deleteIfExists(dir);
            }
        }
    }

    private int run(Path input) throws Exception {
        long bytes = Files.size(input);
        List<Double> wc = new ArrayList<>();
        List<Double> reader = new ArrayList<>();
        List<Double> pipe = new ArrayList<>();
        double[] cpu = {Double.MAX_VALUE, Double.MAX_VALUE};
        double[] cold = new double[3];
        Count expected = bufferedReader(input);
        for (int round = 0; round <= rounds; round++) {
            double w = time(() -> new Count(wc(input), expected.chars()), expected, true);
            long c0 = threadsCpu();
            double b = time(() -> bufferedReader(input), expected, false);
            long c1 = threadsCpu();
            double p = time(() -> pipeline(input), expected, false);
            long c2 = threadsCpu();
            System.err.printf(Locale.ROOT, "round %d%s: wc %.3fs buffered-reader %.3fs (cpu %.3fs) pipeline %.3fs (cpu %.3fs)%n",
                    round, round == 0 ? " (cold)" : "", w, b, (c1 - c0) / 1e9, p, (c2 - c1) / 1e9);
            if (round > 0) {
                cpu[0] = Math.min(cpu[0], (c1 - c0) / 1e9);
                cpu[1] = Math.min(cpu[1], (c2 - c1) / 1e9);
            }
            if (round == 0) {
                cold = new double[] {w, b, p};
            } else {
                wc.add(w);
                reader.add(b);
                pipe.add(p);
            }
        }
        double w = median(wc);
        double b = median(reader);
        double p = median(pipe);
        // every run above was checked against the expected line count and length sum
        System.out.println(result("wc", w, cold[0], bytes, expected).put("ok", "true").line());
        System.out.println(result("buffered-reader", b, cold[1], bytes, expected).put("cpu_s", cpu[0]).put("ok", "true").line());
        System.out.println(result("pipeline", p, cold[2], bytes, expected)
                .put("cpu_s", cpu[1])
                .put("ratio", b / p)
                .put("ratio_cpu", cpu[0] / cpu[1])
                .put("ratio_wc", w / p)
                .put("ok", "true")
                .line());
        return 0;
    }

    private BenchResult result(String impl, double wall, double cold, long bytes, Count c) {
        return BenchResult.of("file-lines", impl).put("lines", c.lines()).put("bytes", bytes).put("wall_s", wall)
                .put("items_per_s", c.lines() / wall).put("mb_per_s", bytes / wall / 1e6).put("cold_s", cold)
                .put("checksum", c.lines() + ":" + c.chars());
    }

    /** The CPU time of the JVM's live threads so far, in nanoseconds. */
    private static long threadsCpu() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long id : threads.getAllThreadIds()) {
            long t = threads.getThreadCpuTime(id);
            if (t > 0) {
                sum += t;
            }
        }
        return sum;
    }

    interface Run {
        Count count() throws Exception;
    }

    private static double time(Run run, Count expected, boolean linesOnly) throws Exception {
        long t0 = System.nanoTime();
        Count c = run.count();
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (c.lines() != expected.lines() || (!linesOnly && c.chars() != expected.chars())) {
            throw new IllegalStateException("wrong count " + c + ", expected " + expected);
        }
        return seconds;
    }

    /** ~100-byte ASCII lines of varying length, deterministic. */
    private void generate(Path target) throws IOException {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,.;:-_";
        StringBuilder line = new StringBuilder(160);
        long seed = 42;
        try (BufferedWriter out = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
            for (int i = 0; i < n; i++) {
                seed = seed * 6364136223846793005L + 1442695040888963407L;
                int len = 50 + (int) ((seed >>> 33) % 100);
                line.setLength(0);
                line.append(i).append(',');
                for (int k = line.length(); k < len; k++) {
                    line.append(alphabet.charAt((int) ((seed >>> (k % 40)) & 63)));
                }
                out.append(line).append('\n');
            }
        }
    }

    private static long wc(Path input) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("wc", "-l", input.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("wc failed: " + out);
        }
        return Long.parseLong(out.split("\\s+")[0]);
    }

    private static Count bufferedReader(Path input) throws IOException {
        long lines = 0;
        long chars = 0;
        try (BufferedReader in = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                lines++;
                chars += line.length();
            }
        }
        return new Count(lines, chars);
    }

    private static Count pipeline(Path input) {
        long[] counts = new long[2];
        Pipeline.from(FileSources.lines(input))
                .to(Sink.forEach("count", (String line) -> {
                    counts[0]++;
                    counts[1] += line.length();
                }))
                .run().block(Duration.ofMinutes(10));
        return new Count(counts[0], counts[1]);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int m = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(m) : (sorted.get(m - 1) + sorted.get(m)) / 2;
    }
}
