package dev.pipeline.core.aio.tck;

import org.reactivestreams.Publisher;
import org.reactivestreams.tck.TestEnvironment;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/** Shared settings for the Reactive Streams TCK classes of this package (not a test itself). */
final class TckSupport {

    /** How long the TCK waits for an expected signal. */
    static final long DEFAULT_TIMEOUT_MILLIS = 2_000;
    /** How long the TCK waits to be sure that no signal comes. */
    static final long NO_SIGNALS_TIMEOUT_MILLIS = 500;
    /** How long §3.13 waits after cancelling before it checks the subscriber was dropped. */
    static final long GC_TIMEOUT_MILLIS = 1_000;

    /** Most elements a multi-element publisher is asked for. */
    static final long MAX_FLUX_ELEMENTS = 1024;

    private TckSupport() {
    }

    static TestEnvironment env() {
        return new TestEnvironment(DEFAULT_TIMEOUT_MILLIS, NO_SIGNALS_TIMEOUT_MILLIS);
    }

    static IllegalStateException boom() {
        return new IllegalStateException("boom (expected by the TCK)");
    }

    /**
     * Views an empty {@code Mono<Void>} as a publisher of any type: it never calls onNext, so
     * this is the same publisher object, not a wrapper.
     */
    @SuppressWarnings("unchecked")
    static <T> Publisher<T> empty(Mono<Void> empty) {
        return (Publisher<T>) (Publisher<?>) empty;
    }

    /** A scheduler that rejects every task. */
    static Scheduler disposedScheduler() {
        Scheduler s = Schedulers.newSingle("tck-disposed");
        s.dispose();
        return s;
    }
}
