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
 * {@code asyncio.sleep}: completes after a delay measured on a {@link Scheduler}, through the
 * coalescing {@link TimerWheel}. Cold: the clock starts on subscription.
 */
public final class SleepMono extends Mono<Void> {

    private final long nanos;
    private final Scheduler scheduler;

    public SleepMono(long nanos, Scheduler scheduler) {
        this.nanos = nanos;
        this.scheduler = scheduler;
    }

    @Override
    public void subscribe(CoreSubscriber<? super Void> actual) {
        Sleeper s = new Sleeper(actual);
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
    static final class Sleeper extends Trampoline.Task implements Subscription, Scannable {
        private static final int PENDING = 0;
        private static final int FIRED = 1;
        private static final int CANCELLED = 2;
        private static final VarHandle STATE;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(Sleeper.class, "state", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final CoreSubscriber<? super Void> actual;
        private volatile int state;
        volatile TimerWheel.Bucket bucket;
        Sleeper prev;
        Sleeper next;
        boolean linked;
        private Throwable rejected;

        Sleeper(CoreSubscriber<? super Void> actual) {
            this.actual = actual;
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
            if (STATE.compareAndSet(this, PENDING, FIRED)) {
                Throwable e = rejected;
                if (e == null) {
                    actual.onComplete();
                } else {
                    actual.onError(Operators.onRejectedExecution(
                            e instanceof RejectedExecutionException ? e : new RejectedExecutionException(e),
                            actual.currentContext()));
                }
            }
        }

        @Override
        public void request(long n) {
            if (n <= 0 && STATE.compareAndSet(this, PENDING, CANCELLED)) {
                removeFromBucket();
                actual.onError(Exceptions.nullOrNegativeRequestException(n));
            }
        }

        @Override
        public void cancel() {
            if (STATE.compareAndSet(this, PENDING, CANCELLED)) {
                removeFromBucket();
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
