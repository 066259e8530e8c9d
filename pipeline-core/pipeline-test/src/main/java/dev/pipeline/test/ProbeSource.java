package dev.pipeline.test;

import java.time.Duration;
import java.util.Objects;

import dev.pipeline.core.Source;
import reactor.core.publisher.Flux;
import reactor.test.publisher.TestPublisher;

/**
 * A source the test drives: it {@linkplain #emit emits}, {@linkplain #complete completes} or
 * {@linkplain #error fails} when the test says so, and never more than the pipeline has
 * requested. Built on reactor-test's {@link TestPublisher} (the spec-compliant kind).
 *
 * <pre>{@code
 * ProbeSource<String> lines = ProbeSource.create("lines");
 * RunningPipeline<List<Integer>> run = Pipeline.from(lines.source())
 *         .then(Stage.map("length", String::length))
 *         .to(Sink.collect("out"))
 *         .start();
 * lines.awaitRequested(2, Duration.ofSeconds(5)).emit("a", "bb").complete();
 * }</pre>
 *
 * <p>Outside virtual time, the pipeline subscribes and requests on its own threads:
 * {@link #awaitRequested} waits for that demand. In a {@link VirtualTimeRun}, everything runs on
 * the test's thread as the clock moves: emit, then {@link VirtualTimeRun#advance()}.
 *
 * <p>One probe per run: once completed or failed, it stays so (a later run sees it end at
 * once), as a {@code TestPublisher} does. Emit from one thread at a time, as a Reactive
 * Streams publisher must.
 *
 * @param <T> the item type
 */
public final class ProbeSource<T> {

    private final String name;
    private final TestPublisher<T> publisher = TestPublisher.create();
    private final Monitor monitor = new Monitor();
    private final Object lock = new Object();
    private long requested;
    private long emitted;
    private int subscriptions;
    private boolean subscribed;
    private boolean cancelled;

    private ProbeSource(String name) {
        this.name = name;
    }

    /**
     * A probe whose {@link #source()} is named {@code name}.
     *
     * @param name the source's name in the pipeline and its report
     * @param <T> the item type
     * @return a new probe, not yet subscribed
     */
    public static <T> ProbeSource<T> create(String name) {
        Objects.requireNonNull(name, "name must not be null");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        return new ProbeSource<>(name);
    }

    /**
     * The source to build the pipeline from. Each run subscribes to the probe once.
     *
     * @return the source
     */
    public Source<T> source() {
        Flux<T> flux = publisher.flux()
                .doOnSubscribe(s -> update(() -> {
                    subscriptions++;
                    subscribed = true;
                    cancelled = false;
                    requested = 0;
                    emitted = 0;
                }))
                .doOnRequest(n -> update(() -> requested = requested + n < 0 ? Long.MAX_VALUE : requested + n))
                .doOnCancel(() -> update(() -> {
                    cancelled = true;
                    subscribed = false;
                }))
                .doOnTerminate(() -> update(() -> subscribed = false));
        return Source.of(name, flux);
    }

    /**
     * Emits items to the running pipeline, in order.
     *
     * @param items the items
     * @return this probe
     * @throws IllegalStateException when no run is subscribed, or the items exceed the demand
     *     the pipeline has signalled (see {@link #requested()})
     */
    @SafeVarargs
    public final ProbeSource<T> emit(T... items) {
        Objects.requireNonNull(items, "items must not be null");
        synchronized (lock) {
            if (!subscribed) {
                throw new IllegalStateException("ProbeSource '" + name + "' has no subscriber"
                        + (cancelled ? " (the run cancelled it)" : ": start the run first (Pipeline.start() or subscribe to run())"));
            }
            long outstanding = requested - emitted;
            if (items.length > outstanding) {
                throw new IllegalStateException("ProbeSource '" + name + "': emitting " + items.length
                        + " items exceeds the pipeline's outstanding demand of " + outstanding
                        + "; wait for it with awaitRequested(n, timeout), or advance the virtual time");
            }
            emitted += items.length;
        }
        for (T item : items) {
            publisher.next(item);
        }
        monitor.changed();
        return this;
    }

    /**
     * Completes the source: the run ends once the items in flight are done.
     *
     * @return this probe
     */
    public ProbeSource<T> complete() {
        publisher.complete();
        return this;
    }

    /**
     * Fails the source with {@code error}, as a connector whose file or server broke does.
     *
     * @param error the error
     * @return this probe
     */
    public ProbeSource<T> error(Throwable error) {
        publisher.error(Objects.requireNonNull(error, "error must not be null"));
        return this;
    }

    /**
     * Waits until the current run has requested at least {@code n} items not yet emitted.
     * Blocks the calling thread (the test's), so never call it inside a pipeline or under
     * virtual time, where demand arrives as the clock moves.
     *
     * @param n the outstanding demand to wait for, {@code > 0}
     * @param timeout how long to wait
     * @return this probe
     * @throws AssertionError when the demand does not come in time
     */
    public ProbeSource<T> awaitRequested(long n, Duration timeout) {
        if (n <= 0) {
            throw new IllegalArgumentException("n must be > 0, was " + n);
        }
        Objects.requireNonNull(timeout, "timeout must not be null");
        monitor.await(() -> requested() >= n, timeout,
                () -> "ProbeSource '" + name + "' expected a demand of " + n + ", had " + requested());
        return this;
    }

    /**
     * Waits until the current run cancels its subscription (a stop, a cancel, a failure
     * downstream). Blocks the calling thread, as {@link #awaitRequested} does.
     *
     * @param timeout how long to wait
     * @return this probe
     * @throws AssertionError when no cancel comes in time
     */
    public ProbeSource<T> awaitCancelled(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout must not be null");
        monitor.await(this::wasCancelled, timeout, () -> "ProbeSource '" + name + "' expected its run to cancel it: " + this);
        return this;
    }

    /**
     * The demand signalled by the current run and not yet met by {@link #emit}.
     *
     * @return the outstanding demand ({@code Long.MAX_VALUE} minus what was emitted, for an unbounded request)
     */
    public long requested() {
        synchronized (lock) {
            return requested - emitted;
        }
    }

    /**
     * Everything the current run has requested so far, emitted or not.
     *
     * @return the total demand
     */
    public long totalRequested() {
        synchronized (lock) {
            return requested;
        }
    }

    /**
     * Whether a run is subscribed now (subscribed, and neither cancelled nor terminated).
     *
     * @return true while subscribed
     */
    public boolean isSubscribed() {
        synchronized (lock) {
            return subscribed;
        }
    }

    /**
     * Whether the last run cancelled its subscription (a stop, a cancel, or a failure elsewhere).
     *
     * @return true once cancelled
     */
    public boolean wasCancelled() {
        synchronized (lock) {
            return cancelled;
        }
    }

    /**
     * How many times runs have subscribed to this probe.
     *
     * @return the subscription count
     */
    public int subscriptions() {
        synchronized (lock) {
            return subscriptions;
        }
    }

    private void update(Runnable change) {
        synchronized (lock) {
            change.run();
        }
        monitor.changed();
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "ProbeSource[" + name + ", requested " + requested + ", emitted " + emitted
                    + (subscribed ? ", subscribed" : "") + (cancelled ? ", cancelled" : "") + "]";
        }
    }
}
