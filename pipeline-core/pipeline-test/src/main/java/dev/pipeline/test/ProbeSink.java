package dev.pipeline.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.pipeline.core.Sink;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * A sink the test requests from and asserts on: it requests nothing until the test
 * {@linkplain #request requests} (or as much as {@link #create(String, long)} says up front),
 * records what arrives, and is the run's result as a list once the run completes.
 *
 * <pre>{@code
 * ProbeSink<Integer> out = ProbeSink.create("out");
 * RunningPipeline<List<Integer>> run = Pipeline.from(Source.fromIterable("n", List.of(1, 2, 3)))
 *         .then(Stage.map("double", n -> n * 2))
 *         .to(out.sink())
 *         .start();
 * out.request(2);
 * assertThat(out.awaitReceived(2, Duration.ofSeconds(5))).containsExactly(2, 4);
 * out.request(1).awaitTerminated(Duration.ofSeconds(5));
 * }</pre>
 *
 * <p>The items count as consumed in the report when the run's item stream completes (as for
 * any {@link Sink#of} sink). One run at a time: a new run starts with an empty record and the
 * initial demand. Thread-safe: items arrive on the pipeline's threads while the test reads.
 *
 * @param <T> the item type
 */
public final class ProbeSink<T> {

    private final String name;
    private final long initialDemand;
    private final Monitor monitor = new Monitor();
    private final Object lock = new Object();
    private final List<T> received = new ArrayList<>();
    private Probe current;
    private long pendingDemand;
    private boolean completed;
    private Throwable error;
    private boolean cancelled;

    private ProbeSink(String name, long initialDemand) {
        this.name = name;
        this.initialDemand = initialDemand;
    }

    /**
     * A probe that requests nothing until the test calls {@link #request}.
     *
     * @param name the sink's name in the pipeline and its report
     * @param <T> the item type
     * @return a new probe
     */
    public static <T> ProbeSink<T> create(String name) {
        return create(name, 0);
    }

    /**
     * A probe that requests {@code initialDemand} items as each run subscribes
     * ({@code Long.MAX_VALUE}: everything, like {@link Sink#collect}).
     *
     * @param name the sink's name
     * @param initialDemand the first request, {@code >= 0}
     * @param <T> the item type
     * @return a new probe
     */
    public static <T> ProbeSink<T> create(String name, long initialDemand) {
        Objects.requireNonNull(name, "name must not be null");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        if (initialDemand < 0) {
            throw new IllegalArgumentException("initialDemand must be >= 0, was " + initialDemand);
        }
        return new ProbeSink<>(name, initialDemand);
    }

    /**
     * The sink to end the pipeline with; its result is every item received, in order.
     *
     * @return the sink
     */
    public Sink<T, List<T>> sink() {
        return Sink.of(name, flux -> Mono.<List<T>>create(result -> {
            Probe probe = new Probe(result);
            result.onCancel(probe::dispose);
            flux.subscribe(probe);
        }));
    }

    /**
     * Requests {@code n} more items from the pipeline (before the run subscribes, the request
     * waits for it).
     *
     * @param n items, {@code > 0}
     * @return this probe
     */
    public ProbeSink<T> request(long n) {
        if (n <= 0) {
            throw new IllegalArgumentException("n must be > 0, was " + n);
        }
        Probe probe;
        synchronized (lock) {
            probe = current;
            if (probe == null) {
                pendingDemand = pendingDemand + n < 0 ? Long.MAX_VALUE : pendingDemand + n;
            }
        }
        if (probe != null) {
            probe.request(n);
        }
        return this;
    }

    /**
     * Cancels the current run's item stream and ends the sink with what it received, as a
     * sink that has had enough does ({@code take(n)}): the items still upstream are cut off.
     *
     * @return this probe
     */
    public ProbeSink<T> cancel() {
        Probe probe;
        synchronized (lock) {
            probe = current;
            cancelled = probe != null;
        }
        if (probe != null) {
            probe.stop();
        }
        monitor.changed();
        return this;
    }

    /**
     * A snapshot of the items received by the current (or last) run, in order.
     *
     * @return the items
     */
    public List<T> received() {
        synchronized (lock) {
            return List.copyOf(received);
        }
    }

    /**
     * Waits until at least {@code count} items arrived; blocks the test's thread (never call it
     * inside a pipeline or under virtual time).
     *
     * @param count the items to wait for
     * @param timeout how long to wait
     * @return the items received so far
     * @throws AssertionError when they do not arrive in time, or the run ended with fewer
     */
    public List<T> awaitReceived(int count, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout must not be null");
        monitor.await(() -> {
            synchronized (lock) {
                return received.size() >= count || completed || error != null;
            }
        }, timeout, () -> "ProbeSink '" + name + "' expected " + count + " items, received " + received());
        List<T> now = received();
        if (now.size() < count) {
            throw new AssertionError("ProbeSink '" + name + "' expected " + count + " items, but the run ended after "
                    + now + error().map(e -> " with " + e).orElse(""));
        }
        return now;
    }

    /**
     * Waits until the current run's item stream completes or fails.
     *
     * @param timeout how long to wait
     * @return this probe
     * @throws AssertionError when it does not end in time
     */
    public ProbeSink<T> awaitTerminated(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout must not be null");
        monitor.await(this::isTerminated, timeout,
                () -> "ProbeSink '" + name + "' expected its stream to end, received " + received());
        return this;
    }

    /**
     * Asserts that exactly these items arrived, in this order.
     *
     * @param expected the items
     * @return this probe
     * @throws AssertionError naming both lists when they differ
     */
    @SafeVarargs
    @SuppressWarnings("varargs") // the array is only read
    public final ProbeSink<T> assertReceived(T... expected) {
        List<T> now = received();
        if (!now.equals(Arrays.asList(expected))) {
            throw new AssertionError("ProbeSink '" + name + "' expected " + Arrays.asList(expected) + " but received " + now);
        }
        return this;
    }

    /**
     * Whether the current run's item stream completed.
     *
     * @return true once completed
     */
    public boolean isCompleted() {
        synchronized (lock) {
            return completed;
        }
    }

    /**
     * Whether the item stream ended: completed, failed, or cancelled by {@link #cancel()}.
     *
     * @return true once ended
     */
    public boolean isTerminated() {
        synchronized (lock) {
            return completed || error != null || cancelled;
        }
    }

    /**
     * The error the item stream ended with (a failure upstream of the sink).
     *
     * @return the error, or empty
     */
    public Optional<Throwable> error() {
        synchronized (lock) {
            return Optional.ofNullable(error);
        }
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "ProbeSink[" + name + ", received " + received.size() + (completed ? ", completed" : "")
                    + (error != null ? ", failed: " + error : "") + "]";
        }
    }

    /** One run's subscriber. */
    private final class Probe extends BaseSubscriber<T> {

        private final MonoSink<List<T>> result;

        Probe(MonoSink<List<T>> result) {
            this.result = result;
        }

        /** Cancels upstream and ends the sink's Mono with the items so far. */
        void stop() {
            dispose();
            result.success(received());
        }

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            long first;
            synchronized (lock) {
                current = this;
                received.clear();
                completed = false;
                error = null;
                cancelled = false;
                first = initialDemand + pendingDemand < 0 ? Long.MAX_VALUE : initialDemand + pendingDemand;
                pendingDemand = 0;
            }
            monitor.changed();
            if (first > 0) {
                request(first);
            }
        }

        @Override
        protected void hookOnNext(T value) {
            synchronized (lock) {
                received.add(value);
            }
            monitor.changed();
        }

        @Override
        protected void hookOnComplete() {
            List<T> all;
            synchronized (lock) {
                completed = true;
                all = List.copyOf(received);
            }
            monitor.changed();
            result.success(all);
        }

        @Override
        protected void hookOnError(Throwable failure) {
            synchronized (lock) {
                error = failure;
            }
            monitor.changed();
            result.error(failure);
        }
    }
}
