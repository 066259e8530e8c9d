package dev.pipeline.core.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs actions on many plain threads at once (started together by a barrier) and waits for
 * them with a bound. Work done by these threads, and every hand-off it triggers, has finished
 * when {@link #run} returns: nothing is left running on a scheduler.
 */
public final class Races {

    private Races() {
    }

    /** A body run by each thread; {@code index} is the thread's number. */
    @FunctionalInterface
    public interface Body {
        void run(int index) throws Exception;
    }

    /** Runs {@code body} on {@code threads} threads at once; rethrows the first failure. */
    public static void run(int threads, Body body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CyclicBarrier start = new CyclicBarrier(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int index = t;
                futures.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    body.run(index);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(90, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("race threads did not stop");
            }
        }
    }
}
