package dev.pipeline.core.aio.internal;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.Scannable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;

/**
 * {@code asyncio.sleep(delay, result)}: emits {@code result} (or just completes) after a delay
 * measured on a {@link Scheduler}, through the coalescing {@link TimerWheel}. Cold: the clock
 * starts on subscription. {@link GatherMono} starts a gathered sleep without a subscriber of
 * its own ({@link #start(Sleep)}): a million gathered sleeps are a million small objects.
 *
 * @param <T> the result type
 */
public final class SleepMono<T> extends Mono<T> {

    private final long nanos;
    private final Scheduler scheduler;
    private final T result;

    /**
     * @param result emitted when the sleep ends; null completes empty
     */
    public SleepMono(long nanos, Scheduler scheduler, T result) {
        this.nanos = nanos;
        this.scheduler = scheduler;
        this.result = result;
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
        Sleeper<T> s = new Sleeper<>(actual, result);
        actual.onSubscribe(s);
        start(s);
    }

    /** The value emitted when the sleep ends, or null for an empty sleep. */
    T result() {
        return result;
    }

    /** Starts the clock of {@code s}: fires at once for a zero delay, else joins a bucket. */
    void start(Sleep s) {
        if (nanos == 0) {
            s.fire();
            return;
        }
        TimerWheel.of(scheduler).add(scheduler, s, nanos);
        if (!s.isPending()) {
            // cancelled while being added: make sure it is not left in its bucket
            TimerWheel.Bucket b = s.bucket;
            if (b != null) {
                b.remove(s);
            }
        }
    }

    /**
     * One sleep, linked into a bucket (guarded by the bucket's monitor). Its whole state is one
     * int, a phase and a {@link #REQUESTED} flag, so that a million concurrent sleeps stay small;
     * it starts at 0 ({@code PENDING}, not requested), which a new sleep need not write.
     *
     * <pre>
     *   PENDING --timer, requested or no demand needed--&gt; FIRED   (delivered)
     *      |  \--timer, value not requested--&gt; ELAPSED --request--&gt; FIRED
     *      +--cancel--&gt; CANCELLED &lt;--cancel--+
     * </pre>
     */
    abstract static class Sleep extends Trampoline.Task {
        static final int PENDING = 0;
        static final int FIRED = 1;
        static final int CANCELLED = 2;
        /** The time is up but the value awaits demand. */
        static final int ELAPSED = 3;
        static final int PHASE = 3;
        /** Set by the first {@code request(n > 0)} while pending. */
        static final int REQUESTED = 4;
        /**
         * An updater, not a {@code VarHandle}: see the package comment on the first-use path.
         */
        private static final AtomicIntegerFieldUpdater<Sleep> STATE =
                AtomicIntegerFieldUpdater.newUpdater(Sleep.class, "state");

        private volatile int state;
        /** The bucket holding this sleep while linked; kept once it fires (for its rejection). */
        volatile TimerWheel.Bucket bucket;
        Sleep prev;
        Sleep next;

        /**
         * Whether delivering needs demand: a value for a subscriber that may not have requested
         * it yet. False for an empty sleep, and for a sleep whose receiver always has demand.
         */
        abstract boolean needsDemand();

        /** The sleep is over (FIRED): emit; {@code rejected} is why its timer was refused, or null. */
        abstract void deliver(Throwable rejected);

        final boolean isPending() {
            return (state & PHASE) == PENDING;
        }

        final int phase() {
            return state & PHASE;
        }

        /** The timer is up: run on this thread's trampoline. */
        final void fire() {
            Trampoline.execute(this);
        }

        @Override
        public final void run() {
            TimerWheel.Bucket b = bucket;
            Throwable rejected = b == null ? null : b.rejected;
            for (;;) {
                int s = state;
                if ((s & PHASE) != PENDING) {
                    return;
                }
                if (rejected == null && (s & REQUESTED) == 0 && needsDemand()) {
                    // a value needs demand: request() delivers it
                    if (STATE.compareAndSet(this, s, ELAPSED)) {
                        return;
                    }
                    continue;
                }
                if (STATE.compareAndSet(this, s, FIRED)) {
                    deliver(rejected);
                    return;
                }
            }
        }

        /** {@code request(n > 0)}: delivers an elapsed value, else remembers the demand. */
        final void requested() {
            for (;;) {
                int s = state;
                int phase = s & PHASE;
                if ((s & REQUESTED) != 0 || phase == FIRED || phase == CANCELLED) {
                    return;
                }
                if (phase == ELAPSED) {
                    if (STATE.compareAndSet(this, s, FIRED)) {
                        deliver(null);
                        return;
                    }
                } else if (STATE.compareAndSet(this, s, s | REQUESTED)) {
                    return;
                }
            }
        }

        /** Moves a pending or elapsed sleep to CANCELLED, leaving its bucket; true if this call did. */
        final boolean cancelled() {
            for (;;) {
                int s = state;
                int phase = s & PHASE;
                if (phase == FIRED || phase == CANCELLED) {
                    return false;
                }
                if (STATE.compareAndSet(this, s, CANCELLED)) {
                    if (phase == PENDING) {
                        TimerWheel.Bucket b = bucket;
                        if (b != null) {
                            b.remove(this);
                        }
                    }
                    return true;
                }
            }
        }

        static Throwable rejection(Throwable rejected, CoreSubscriber<?> to) {
            return Operators.onRejectedExecution(rejected instanceof RejectedExecutionException
                    ? rejected : new RejectedExecutionException(rejected), to.currentContext());
        }
    }

    /** A subscriber's sleep: also its subscription. */
    static final class Sleeper<T> extends Sleep implements Subscription, Scannable {
        final CoreSubscriber<? super T> actual;
        private final T result;

        Sleeper(CoreSubscriber<? super T> actual, T result) {
            this.actual = actual;
            this.result = result;
        }

        @Override
        boolean needsDemand() {
            return result != null;
        }

        @Override
        void deliver(Throwable rejected) {
            if (rejected == null) {
                if (result != null) {
                    actual.onNext(result);
                }
                actual.onComplete();
            } else {
                actual.onError(rejection(rejected, actual));
            }
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                if (cancelled()) {
                    actual.onError(Exceptions.nullOrNegativeRequestException(n));
                }
                return;
            }
            requested();
        }

        @Override
        public void cancel() {
            cancelled();
        }

        @Override
        @SuppressWarnings("rawtypes")
        public Object scanUnsafe(Attr key) {
            if (key == Attr.ACTUAL) {
                return actual;
            }
            if (key == Attr.CANCELLED) {
                return phase() == CANCELLED;
            }
            if (key == Attr.TERMINATED) {
                return phase() == FIRED;
            }
            return null;
        }
    }
}
