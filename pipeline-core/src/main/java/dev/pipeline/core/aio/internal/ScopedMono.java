package dev.pipeline.core.aio.internal;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.Supplier;

import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * Acquire, run, release as one operator ({@code async with lock:}): the release runs exactly
 * once, after the work completes, fails or is cancelled, and also when the cancellation races
 * the very moment the permit is handed over (the waiter returns a permit granted but not yet
 * delivered; this class releases one delivered to a scope that was cancelled meanwhile).
 *
 * @param <T> the work's value type
 */
public final class ScopedMono<T> extends Mono<T> {

    private final Mono<Void> acquire;
    private final Runnable release;
    private final Supplier<? extends Mono<? extends T>> work;

    public ScopedMono(Mono<Void> acquire, Runnable release, Supplier<? extends Mono<? extends T>> work) {
        this.acquire = acquire;
        this.release = release;
        this.work = work;
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
        Scope<T> scope = new Scope<>(actual, release, work);
        actual.onSubscribe(scope);
        acquire.subscribe(scope);
    }

    /** The subscriber's subscription, and the subscriber of the acquisition (one object for both). */
    static final class Scope<T> extends SingleSubscription<T> implements CoreSubscriber<Void> {
        private static final int ACQUIRING = 0;
        private static final int HELD = 1;
        private static final int RELEASED = 2;

        // updaters, not VarHandles: see the package comment on the first-use path
        @SuppressWarnings("rawtypes")
        private static final AtomicIntegerFieldUpdater<Scope> HOLD =
                AtomicIntegerFieldUpdater.newUpdater(Scope.class, "hold");
        @SuppressWarnings("rawtypes")
        private static final AtomicReferenceFieldUpdater<Scope, Subscription> ACQUIRE_SUB =
                AtomicReferenceFieldUpdater.newUpdater(Scope.class, Subscription.class, "acquireSub");
        @SuppressWarnings("rawtypes")
        private static final AtomicReferenceFieldUpdater<Scope, Subscription> WORK_SUB =
                AtomicReferenceFieldUpdater.newUpdater(Scope.class, Subscription.class, "workSub");

        private final Runnable release;
        private final Supplier<? extends Mono<? extends T>> work;
        private volatile int hold;
        private volatile Subscription acquireSub;
        private volatile Subscription workSub;

        Scope(CoreSubscriber<? super T> actual, Runnable release, Supplier<? extends Mono<? extends T>> work) {
            super(actual);
            this.release = release;
            this.work = work;
        }

        private boolean releaseOnce() {
            if (HOLD.getAndSet(this, RELEASED) == HELD) {
                release.run();
                return true;
            }
            return false;
        }

        @Override
        protected void onCancel() {
            Operators.terminate(ACQUIRE_SUB, this);
            Operators.terminate(WORK_SUB, this);
            releaseOnce();
        }

        void held() {
            if (!HOLD.compareAndSet(this, ACQUIRING, HELD)) {
                // cancelled while the permit was being delivered to us
                release.run();
                return;
            }
            if (isCancelled()) {
                releaseOnce();
                return;
            }
            Mono<? extends T> m;
            try {
                m = Objects.requireNonNull(work.get(), "the work supplier returned null");
            } catch (Throwable e) {
                Exceptions.throwIfJvmFatal(e);
                releaseOnce();
                error(e);
                return;
            }
            m.subscribe(new Worker());
        }

        // the acquisition's subscriber

        @Override
        public Context currentContext() {
            return actual.currentContext();
        }

        @Override
        public void onSubscribe(Subscription s) {
            if (Operators.setOnce(ACQUIRE_SUB, this, s)) {
                s.request(1);
            }
        }

        @Override
        public void onNext(Void v) {
            // Mono<Void>: never called
        }

        @Override
        public void onError(Throwable e) {
            if (!error(e)) {
                Operators.onErrorDropped(e, actual.currentContext());
            }
        }

        @Override
        public void onComplete() {
            held();
        }

        final class Worker implements CoreSubscriber<T> {
            private T value;
            private boolean done;

            @Override
            public Context currentContext() {
                return actual.currentContext();
            }

            @Override
            public void onSubscribe(Subscription s) {
                if (Operators.setOnce(WORK_SUB, Scope.this, s)) {
                    s.request(Long.MAX_VALUE);
                }
            }

            @Override
            public void onNext(T t) {
                if (done) {
                    Operators.onNextDropped(t, actual.currentContext());
                    return;
                }
                value = t;
            }

            @Override
            public void onError(Throwable e) {
                if (done) {
                    Operators.onErrorDropped(e, actual.currentContext());
                    return;
                }
                done = true;
                releaseOnce();
                if (!error(e)) {
                    Operators.onErrorDropped(e, actual.currentContext());
                }
            }

            @Override
            public void onComplete() {
                if (done) {
                    return;
                }
                done = true;
                T v = value;
                value = null;
                releaseOnce();
                complete(v);
            }
        }
    }
}
