package dev.pipeline.examples.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Rounds measured in the calling thread's CPU time as well as wall time. On a loaded machine
 * wall time mostly measures the other processes; the CPU time of the thread that does the work
 * (a synchronous pipeline and a hand-written Flux both run on the thread that blocks on them)
 * does not count the time the thread waited for a core. The warm figures are the minimum and
 * the median over the second half of the rounds.
 */
final class CpuRounds {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final List<Long> cpuNanos = new ArrayList<>();
    private final List<Rounds.Round<Long>> rounds = new ArrayList<>();

    /** Runs one round of {@code body}: a GC first, then the body timed by the wall clock and this thread's CPU clock. */
    void run(Supplier<Long> body) {
        System.gc();
        long c0 = THREADS.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        Long value = body.get();
        long t1 = System.nanoTime();
        long c1 = THREADS.getCurrentThreadCpuTime();
        rounds.add(new Rounds.Round<>((t1 - t0) / 1e9, value));
        cpuNanos.add(c1 - c0);
    }

    List<Rounds.Round<Long>> rounds() {
        return rounds;
    }

    private long[] warmCpu() {
        long[] warm = cpuNanos.subList(cpuNanos.size() / 2, cpuNanos.size()).stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(warm);
        return warm;
    }

    /** The least CPU time of the warm rounds, in seconds: the figure least disturbed by other processes. */
    double cpuMin() {
        return warmCpu()[0] / 1e9;
    }

    /** The median CPU time of the warm rounds, in seconds. */
    double cpuMedian() {
        long[] warm = warmCpu();
        return warm[warm.length / 2] / 1e9;
    }
}
