package dev.pipeline.core.aio.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.RejectedExecutionException;

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
 * starts on subscription.
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
        if (nanos == 0) {
            s.fire(null);
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

    /** One subscriber's sleep; linked into a bucket (guarded by the bucket's monitor). */
    static final class Sleeper<T> extends Trampoline.Task implements Subscription, Scannable {
        private static final int PENDING = 0;
        private static final int FIRED = 1;
        private static final int CANCELLED = 2;
        /** The time is up but the value awaits demand. */
        private static final int ELAPSED = 3;
        private static final VarHandle STATE;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(Sleeper.class, "state", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final CoreSubscriber<? super T> actual;
        private final T result;
        private volatile int state;
        private volatile boolean requested;
        volatile TimerWheel.Bucket bucket;
        Sleeper<?> prev;
        Sleeper<?> next;
        boolean linked;
        private Throwable rejected;

        Sleeper(CoreSubscriber<? super T> actual, T result) {
            this.actual = actual;
            this.result = result;
        }

        boolean isPending() {
            return state == PENDING;
        }

        void fire(Throwable rejectedError) {
            this.rejected = rejectedError;
            Trampoline.execute(this);
        }

        @Override
        public void run() {
            if (result != null && rejected == null && !requested) {
                // a value needs demand: request() delivers it (FIRED is set by whoever delivers)
                if (STATE.compareAndSet(this, PENDING, ELAPSED) && requested) {
                    deliverElapsed();
                }
                return;
            }
            if (STATE.compareAndSet(this, PENDING, FIRED)) {
                Throwable e = rejected;
                if (e == null) {
                    if (result != null) {
                        actual.onNext(result);
                    }
                    actual.onComplete();
                } else {
                    actual.onError(Operators.onRejectedExecution(
                            e instanceof RejectedExecutionException ? e : new RejectedExecutionException(e),
                            actual.currentContext()));
                }
            }
        }

        private void deliverElapsed() {
            if (STATE.compareAndSet(this, ELAPSED, FIRED)) {
                actual.onNext(result);
                actual.onComplete();
            }
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                if (STATE.compareAndSet(this, PENDING, CANCELLED)) {
                    removeFromBucket();
                    actual.onError(Exceptions.nullOrNegativeRequestException(n));
                } else if (STATE.compareAndSet(this, ELAPSED, CANCELLED)) {
                    actual.onError(Exceptions.nullOrNegativeRequestException(n));
                }
                return;
            }
            if (!requested) {
                requested = true;
                if (state == ELAPSED) {
                    deliverElapsed();
                }
            }
        }

        @Override
        public void cancel() {
            if (STATE.compareAndSet(this, PENDING, CANCELLED)) {
                removeFromBucket();
            } else {
                STATE.compareAndSet(this, ELAPSED, CANCELLED);
            }
        }

        private void removeFromBucket() {
            TimerWheel.Bucket b = bucket;
            if (b != null) {
                b.remove(this);
            }
        }

        @Override
        @SuppressWarnings("rawtypes")
        public Object scanUnsafe(Attr key) {
            if (key == Attr.ACTUAL) {
                return actual;
            }
            if (key == Attr.CANCELLED) {
                return state == CANCELLED;
            }
            if (key == Attr.TERMINATED) {
                return state == FIRED;
            }
            return null;
        }
    }
}
