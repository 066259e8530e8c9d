package dev.pipeline.core.aio.internal;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.Scannable;

/**
 * The downstream side of a hand-written single-valued publisher: holds at most one value until
 * it is requested, and terminates the subscriber exactly once, whichever of
 * {@link #complete}, {@link #error}, {@link #request} and {@link #cancel} race.
 *
 * @param <T> the value type
 */
public abstract class SingleSubscription<T> implements Subscription, Scannable {

    private static final int NO_REQUEST_NO_VALUE = 0;
    private static final int REQUESTED = 1;
    private static final int HAS_VALUE = 2;
    private static final int TERMINATED = 3;
    private static final int CANCELLED = 4;

    /** An updater, not a {@code VarHandle}: see the package comment on the first-use path. */
    @SuppressWarnings("rawtypes")
    private static final AtomicIntegerFieldUpdater<SingleSubscription> STATE =
            AtomicIntegerFieldUpdater.newUpdater(SingleSubscription.class, "state");

    protected final CoreSubscriber<? super T> actual;
    private volatile int state;
    private T value;

    protected SingleSubscription(CoreSubscriber<? super T> actual) {
        this.actual = actual;
    }

    /** Delivers {@code v} (or completes empty when null) once it is requested. */
    protected final void complete(T v) {
        if (v == null) {
            for (;;) {
                int s = state;
                if (s >= TERMINATED) {
                    return;
                }
                if (STATE.compareAndSet(this, s, TERMINATED)) {
                    actual.onComplete();
                    return;
                }
            }
        }
        for (;;) {
            int s = state;
            if (s == REQUESTED) {
                if (STATE.compareAndSet(this, REQUESTED, TERMINATED)) {
                    actual.onNext(v);
                    actual.onComplete();
                    return;
                }
            } else if (s == NO_REQUEST_NO_VALUE) {
                value = v;
                if (STATE.compareAndSet(this, NO_REQUEST_NO_VALUE, HAS_VALUE)) {
                    return;
                }
                value = null;
            } else {
                return;
            }
        }
    }

    /** Fails the subscriber unless it already terminated or cancelled; false if dropped. */
    protected final boolean error(Throwable e) {
        for (;;) {
            int s = state;
            if (s >= TERMINATED) {
                return false;
            }
            if (STATE.compareAndSet(this, s, TERMINATED)) {
                value = null;
                actual.onError(e);
                return true;
            }
        }
    }

    @Override
    public final void request(long n) {
        if (n <= 0) {
            // only the call that moved us to CANCELLED signals the §3.9 error: a completion, an
            // error or another bad request that won the race has already ended the subscriber
            if (cancelled()) {
                actual.onError(Exceptions.nullOrNegativeRequestException(n));
            }
            return;
        }
        for (;;) {
            int s = state;
            if (s == HAS_VALUE) {
                if (STATE.compareAndSet(this, HAS_VALUE, TERMINATED)) {
                    T v = value;
                    value = null;
                    actual.onNext(v);
                    actual.onComplete();
                }
                return;
            }
            if (s != NO_REQUEST_NO_VALUE || STATE.compareAndSet(this, NO_REQUEST_NO_VALUE, REQUESTED)) {
                return;
            }
        }
    }

    @Override
    public final void cancel() {
        cancelled();
    }

    /** Moves to CANCELLED unless terminated or cancelled already; true if this call did. */
    private boolean cancelled() {
        for (;;) {
            int s = state;
            if (s >= TERMINATED) {
                return false;
            }
            if (STATE.compareAndSet(this, s, CANCELLED)) {
                value = null;
                onCancel();
                return true;
            }
        }
    }

    /** Called once when the subscriber cancels before termination. */
    protected abstract void onCancel();

    protected final boolean isCancelled() {
        return state == CANCELLED;
    }

    protected final boolean isTerminatedOrCancelled() {
        return state >= TERMINATED;
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
            return state == TERMINATED;
        }
        return null;
    }
}
