package dev.pipeline.examples.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import dev.pipeline.core.aio.Tasks;

/**
 * Runs a measured body several times in one JVM: round 1 is cold (class loading, JIT), the
 * last is warm. Scenarios report both, as the reference implementations do.
 */
public final class Rounds {

    private Rounds() {
    }

    /** One round's outcome: seconds and whatever the body wants to check. */
    public record Round<T>(double seconds, T value) {
    }

    /**
     * Starts what every scenario's first round would otherwise pay for once per JVM: Reactor's
     * parallel and bounded-elastic schedulers and the toolkit's classes (one gathered 1 ms
     * sleep and one call on another thread). The Python references likewise start their clocks
     * after importing asyncio and starting the loop. The first round then measures the
     * scenario's own warm-up (the JIT), as it does inside {@code bench all}.
     */
    public static void startRuntime() {
        Tasks.run(Tasks.gather(Tasks.sleep(Duration.ofMillis(1), true), Tasks.toThread(() -> true)));
    }

    /** Runs {@code body} {@code rounds} times (at least once) and returns every round. */
    public static <T> List<Round<T>> run(int rounds, Supplier<T> body) {
        List<Round<T>> all = new ArrayList<>();
        for (int i = 0; i < Math.max(1, rounds); i++) {
            System.gc();
            long t0 = System.nanoTime();
            T value = body.get();
            all.add(new Round<>((System.nanoTime() - t0) / 1e9, value));
        }
        return all;
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
