package dev.pipeline.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a body on many plain threads at once, released together by a barrier, and waits for
 * them with a bound: the harness for thread-safety tests of a sink, a stage's function or a
 * shared structure ("thousands of iterations on many threads, then assert the invariant").
 * When {@link #run} returns, every thread has finished.
 *
 * <pre>{@code
 * Set<Integer> counter = ConcurrentHashMap.newKeySet();
 * Races.run(8, thread -> {
 *     for (int i = 0; i < 1000; i++) {
 *         counter.add(thread * 1000 + i);        // the code under test
 *     }
 * });
 * assertThat(counter.size()).isEqualTo(8000);
 * }</pre>
 *
 * The threads are not Reactor's: blocking in the body is allowed.
 */
public final class Races {

    /** How long the threads may take in all, and how long the barrier waits for them to start. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(90);

    /** How long the interrupted threads may take to stop. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    private Races() {
    }

    /** A body run by each thread. */
    @FunctionalInterface
    public interface Body {
        /**
         * Runs on one of the threads.
         *
         * @param index the thread's number, from 0
         * @throws Exception anything: it fails {@link Races#run}
         */
        void run(int index) throws Exception;
    }

    /**
     * Runs {@code body} on {@code threads} threads at once and waits for all of them, at most
     * {@link #DEFAULT_TIMEOUT}.
     *
     * @param threads how many threads, {@code > 0}
     * @param body the body
     * @throws Exception the first failure of a body (its cause, unwrapped)
     * @throws AssertionError when the threads do not finish in time
     */
    public static void run(int threads, Body body) throws Exception {
        run(threads, DEFAULT_TIMEOUT, body);
    }

    /**
     * Runs {@code body} on {@code threads} threads at once and waits for all of them.
     *
     * @param threads how many threads, {@code > 0}
     * @param timeout how long they may take in all
     * @param body the body
     * @throws Exception the first failure of a body (its cause, unwrapped; an {@link Error} too is
     *         rethrown as it is); should the threads then not stop within 30 s of being
     *         interrupted, that is added to it as a suppressed exception
     * @throws AssertionError when the threads do not finish in time
     * @throws IllegalStateException when the bodies succeeded but the threads did not stop
     */
    public static void run(int threads, Duration timeout, Body body) throws Exception {
        run(threads, timeout, STOP_WAIT, body);
    }

    /** {@link #run(int, Duration, Body)} with the wait for the threads' stop given (for tests). */
    static void run(int threads, Duration timeout, Duration stopWait, Body body) throws Exception {
        if (threads <= 0) {
            throw new IllegalArgumentException("threads must be > 0, was " + threads);
        }
        Objects.requireNonNull(timeout, "timeout must not be null");
        Objects.requireNonNull(body, "body must not be null");
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CyclicBarrier start = new CyclicBarrier(threads);
        long deadline = System.nanoTime() + timeout.toNanos();
        Throwable failure = null;
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int index = t;
                futures.add(pool.submit(() -> {
                    start.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
                    body.run(index);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception || e.getCause() instanceof Error ? e.getCause() : e;
                } catch (TimeoutException e) {
                    throw new AssertionError("the " + threads + " race threads did not finish within " + timeout, e);
                }
            }
        } catch (Throwable e) {
            failure = e;
        }
        pool.shutdownNow();
        boolean stopped;
        try {
            stopped = pool.awaitTermination(stopWait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            if (failure == null) {
                throw e;
            }
            failure.addSuppressed(e);
            Thread.currentThread().interrupt();
            stopped = true;
        }
        if (!stopped) {
            IllegalStateException notStopped = new IllegalStateException(
                    "race threads did not stop within " + stopWait + " of being interrupted");
            if (failure == null) {
                throw notStopped;
            }
            failure.addSuppressed(notStopped);
        }
        if (failure instanceof Exception e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new ExecutionException(failure);
        }
    }
}
