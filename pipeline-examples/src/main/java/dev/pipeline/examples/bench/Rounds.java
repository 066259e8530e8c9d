package dev.pipeline.examples.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.pipeline.core.aio.Tasks;
import reactor.core.publisher.Flux;

/**
 * Runs a measured body several times in one JVM: round 1 is cold (class loading, JIT), the
 * last is warm. Scenarios report both, as the reference implementations do.
 */
public final class Rounds {

    private Rounds() {
    }

    /**
     * One round's outcome: seconds and whatever the body wants to check, with what the round
     * cost besides the wall clock (the process's CPU seconds, on every thread; the seconds the
     * garbage collectors report; the JIT's compilation seconds; the classes loaded), which a
     * loaded machine disturbs far less than the wall time.
     */
    public record Round<T>(double seconds, T value, double cpuSeconds, double gcSeconds, double jitSeconds,
            long classesLoaded, Map<String, Double> cpuByThreads) {

        /** A round with only its time and value (no cost breakdown). */
        public Round(double seconds, T value) {
            this(seconds, value, Double.NaN, Double.NaN, Double.NaN, -1, Map.of());
        }
    }

    /**
     * Starts what every scenario's first round would otherwise pay for once per JVM, as a
     * running application has: Reactor's parallel and bounded-elastic schedulers (one gathered
     * 1 ms sleep and one call on another thread), Reactor's {@code Flux} (whose class
     * initialisation loads and verifies the hundred-odd operator classes its methods name:
     * 30 to 90 ms, which S4 paid inside its first round when nothing before it had touched a
     * {@code Flux}), and every class of the toolkit's packages ({@code dev.pipeline.core.aio}
     * and its {@code internal} package), loaded and initialised as {@code import asyncio}
     * loads asyncio's modules. The Python references likewise start their clocks after
     * importing asyncio and starting the loop. The first round then measures the scenario's own
     * warm-up (the JIT), as it does inside {@code bench all}: no method has been run more than
     * a few times, so it runs interpreted first.
     */
    public static void startRuntime() {
        Flux.range(0, 1).blockLast();
        loadClassesOf(Tasks.class);
        Tasks.run(Tasks.gather(Tasks.sleep(Duration.ofMillis(1), true), Tasks.toThread(() -> true)));
    }

    /** Loads and initialises every class in the package of {@code anchor} and in its subpackages. */
    static int loadClassesOf(Class<?> anchor) {
        String prefix = anchor.getPackageName().replace('.', '/') + "/";
        ClassLoader loader = anchor.getClassLoader();
        List<String> names = new ArrayList<>();
        try {
            Path where = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(where)) {
                try (Stream<Path> files = Files.walk(where.resolve(prefix))) {
                    files.map(f -> where.relativize(f).toString().replace(java.io.File.separatorChar, '/'))
                            .filter(n -> n.endsWith(".class")).forEach(names::add);
                }
            } else {
                try (JarFile jar = new JarFile(where.toFile())) {
                    jar.stream().map(JarEntry::getName)
                            .filter(n -> n.startsWith(prefix) && n.endsWith(".class")).forEach(names::add);
                }
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return 0; // nothing to preload from: the first round loads what it uses
        }
        int loaded = 0;
        for (String n : names) {
            if (n.endsWith("module-info.class") || n.endsWith("package-info.class")) {
                continue;
            }
            try {
                Class.forName(n.substring(0, n.length() - ".class".length()).replace('/', '.'), true, loader);
                loaded++;
            } catch (ClassNotFoundException | LinkageError e) {
                // a class that cannot load here is one the scenario does not use
            }
        }
        return loaded;
    }

    /** Runs {@code body} {@code rounds} times (at least once) and returns every round. */
    public static <T> List<Round<T>> run(int rounds, Supplier<T> body) {
        List<Round<T>> all = new ArrayList<>();
        for (int i = 0; i < Math.max(1, rounds); i++) {
            System.gc();
            long cpu0 = processCpuNanos();
            long gc0 = gcMillis();
            long jit0 = jitMillis();
            Map<String, Long> threads0 = ThreadCpu.snapshot();
            long classes0 = ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount();
            long t0 = System.nanoTime();
            T value = body.get();
            long t1 = System.nanoTime();
            Map<String, Long> threads1 = ThreadCpu.snapshot();
            all.add(new Round<>((t1 - t0) / 1e9, value, (processCpuNanos() - cpu0) / 1e9, (gcMillis() - gc0) / 1e3,
                    (jitMillis() - jit0) / 1e3,
                    ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount() - classes0,
                    ThreadCpu.difference(threads0, threads1)));
        }
        return all;
    }

    /**
     * The per-round breakdown, one line that is not a RESULT line: {@code ROUNDS scenario=...
     * impl=... wall_s=a,b,... cpu_s=... gc_s=... jit_s=... classes=...}, in round order.
     */
    public static <T> String breakdown(String scenario, String impl, List<Round<T>> rounds) {
        return "ROUNDS scenario=" + scenario + " impl=" + impl
                + " wall_s=" + join(rounds, Round::seconds)
                + " cpu_s=" + join(rounds, Round::cpuSeconds)
                + " gc_s=" + join(rounds, Round::gcSeconds)
                + " jit_s=" + join(rounds, Round::jitSeconds)
                + " classes=" + join(rounds, r -> r.classesLoaded())
                + ThreadCpu.GROUPS.stream().map(g -> " cpu_" + g + "_s=" + join(rounds, r -> r.cpuByThreads().getOrDefault(g, Double.NaN)))
                        .collect(Collectors.joining());
    }

    private static <T> String join(List<Round<T>> rounds, ToDoubleFunction<Round<T>> f) {
        StringJoiner j = new StringJoiner(",");
        for (Round<T> r : rounds) {
            double v = f.applyAsDouble(r);
            j.add(v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.4f", v));
        }
        return j.toString();
    }

    /** The process's CPU time so far, all threads (0 where the JVM does not tell). */
    static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
        }
        return 0L;
    }

    /** Milliseconds all the JVM's collectors have spent so far. */
    static long gcMillis() {
        long sum = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            sum += Math.max(0L, gc.getCollectionTime());
        }
        return sum;
    }

    private static long jitMillis() {
        java.lang.management.CompilationMXBean c = ManagementFactory.getCompilationMXBean();
        return c != null && c.isCompilationTimeMonitoringSupported() ? c.getTotalCompilationTime() : 0L;
    }

    /** The last round: the warm figure (the cold one when there was one round only). */
    public static <T> Round<T> warm(List<Round<T>> rounds) {
        return rounds.get(rounds.size() - 1);
    }

    /** The first round: the cold figure. */
    public static <T> Round<T> cold(List<Round<T>> rounds) {
        return rounds.get(0);
    }

    /** The median time of the rounds in the second half (warm), as a round holding the last value. */
    public static <T> Round<T> warmMedian(List<Round<T>> rounds) {
        List<Round<T>> warm = rounds.subList(rounds.size() / 2, rounds.size());
        double[] times = warm.stream().mapToDouble(Round::seconds).sorted().toArray();
        return new Round<>(times[times.length / 2], warm.get(warm.size() - 1).value());
    }
}
