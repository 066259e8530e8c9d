package dev.pipeline.examples.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The CPU time of this process's threads by group (the main thread, Reactor's parallel and
 * bounded-elastic workers, the JIT's compiler threads, the garbage collector's threads, the
 * rest), read from Linux's {@code /proc/self/task/<tid>/schedstat} (nanoseconds on a CPU).
 * The JIT's and the collector's threads are hidden from {@code ThreadMXBean}, so this is how
 * a round's warm-up cost is told apart from its own work. Empty where {@code /proc} is absent.
 */
final class ThreadCpu {

    static final List<String> GROUPS = List.of("main", "parallel", "elastic", "jit", "gc", "other");

    private ThreadCpu() {
    }

    /** Nanoseconds on a CPU so far, summed by group, for the threads alive now. */
    static Map<String, Long> snapshot() {
        Map<String, Long> byGroup = new HashMap<>();
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return byGroup;
        }
        try (Stream<Path> ids = Files.list(tasks)) {
            ids.forEach(t -> {
                try {
                    String comm = Files.readString(t.resolve("comm")).trim();
                    String stat = Files.readString(t.resolve("schedstat")).trim();
                    long ns = Long.parseLong(stat.substring(0, stat.indexOf(' ')));
                    byGroup.merge(group(comm), ns, Long::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended while being read
                }
            });
        } catch (IOException e) {
            return byGroup;
        }
        return byGroup;
    }

    /** Seconds per group between two snapshots (threads that ended in between are not counted). */
    static Map<String, Double> difference(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Double> d = new HashMap<>();
        for (Map.Entry<String, Long> e : after.entrySet()) {
            d.put(e.getKey(), Math.max(0L, e.getValue() - before.getOrDefault(e.getKey(), 0L)) / 1e9);
        }
        return d;
    }

    private static String group(String comm) {
        if (comm.equals("main") || comm.equals("java")) { // Linux names the JVM's main thread after the launcher
            return "main";
        }
        if (comm.startsWith("parallel-")) {
            return "parallel";
        }
        if (comm.startsWith("boundedElastic")) {
            return "elastic";
        }
        if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
            return "jit";
        }
        if (comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.startsWith("VM Thread")) {
            return "gc";
        }
        return "other";
    }
}
