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
    /** The same bean with the allocation counter, where the JVM has one (HotSpot does). */
    private static final com.sun.management.ThreadMXBean ALLOC = THREADS instanceof com.sun.management.ThreadMXBean b
            && b.isThreadAllocatedMemorySupported() ? b : null;

    private final List<Long> cpuNanos = new ArrayList<>();
    private final List<Long> allocated = new ArrayList<>();
    private final List<Rounds.Round<Long>> rounds = new ArrayList<>();

    /** Runs one round of {@code body}: a GC first, then the body timed by the wall clock and this thread's CPU clock. */
    void run(Supplier<Long> body) {
        System.gc();
        long a0 = ALLOC != null ? ALLOC.getCurrentThreadAllocatedBytes() : 0;
        long c0 = THREADS.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        Long value = body.get();
        long t1 = System.nanoTime();
        long c1 = THREADS.getCurrentThreadCpuTime();
        long a1 = ALLOC != null ? ALLOC.getCurrentThreadAllocatedBytes() : 0;
        rounds.add(new Rounds.Round<>((t1 - t0) / 1e9, value));
        cpuNanos.add(c1 - c0);
        allocated.add(a1 - a0);
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

    /**
     * The least number of bytes the calling thread allocated in a warm round, per item of
     * {@code n}, or -1 where the JVM does not count them; only what this thread allocates (the
     * synchronous pipelines and chains measured here do all their work on it).
     */
    double allocPerItem(int n) {
        if (ALLOC == null) {
            return -1;
        }
        long least = allocated.subList(allocated.size() / 2, allocated.size()).stream().mapToLong(Long::longValue).min()
                .orElse(0);
        return Math.round(least * 10.0 / n) / 10.0;
    }

    /** The median CPU time of the warm rounds, in seconds. */
    double cpuMedian() {
        long[] warm = warmCpu();
        return warm[warm.length / 2] / 1e9;
    }
}
