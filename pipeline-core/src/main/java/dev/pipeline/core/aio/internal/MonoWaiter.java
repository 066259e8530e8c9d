package dev.pipeline.core.aio.internal;

import java.util.Objects;

import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.Scannable;

/**
 * A {@link Waiter} that is also the {@link Subscription} of one subscriber of a
 * single-valued publisher (an {@code acquire()}, a {@code take()}, a {@code join()}).
 *
 * <p>A value is delivered once it is both granted and requested, by whichever comes second; a
 * failure is delivered as soon as it is granted (terminal signals need no demand). Exactly once
 * either way.
 * A {@code null} granted value completes the subscriber without a value ({@code Mono<Void>}).
 *
 * @param <T> the value delivered
 */
public class MonoWaiter<T> extends Waiter<T> implements Subscription, Scannable {

    protected final CoreSubscriber<? super T> actual;
    private final WaiterOwner<T> owner;
    private volatile boolean requested;

    public MonoWaiter(CoreSubscriber<? super T> actual, WaiterOwner<T> owner) {
        this.actual = Objects.requireNonNull(actual, "subscriber must not be null");
        this.owner = owner;
    }

    @Override
    public final void request(long n) {
        if (n <= 0) {
            if (cancelWaiter(owner)) {
                actual.onError(Exceptions.nullOrNegativeRequestException(n));
            }
            return;
        }
        if (!requested) {
            requested = true;
            if (isGranted()) {
                deliver();
            }
        }
    }

    @Override
    public final void cancel() {
        cancelWaiter(owner);
    }

    /** Whether the subscriber has requested the value (then a grant may be delivered at once). */
    public final boolean isRequested() {
        return requested;
    }

    /** Delivers {@code v} after a {@link #tryClaimNow()} that succeeded (no lock held). */
    public final void deliverClaimed(T v) {
        actual.onNext(v);
        actual.onComplete();
    }

    /** After a grant made while subscribing (no lock held): deliver on this thread. */
    public final void deliverNow() {
        // a failure needs no demand (§1.9): only a value waits for request()
        if (requested || error != null) {
            deliver();
        }
    }

    @Override
    public final void signal() {
        if (requested || error != null) {
            Trampoline.execute(this);
        }
    }

    @Override
    public final void run() {
        deliver();
    }

    private void deliver() {
        if (claim()) {
            T v = value;
            Throwable e = error;
            value = null;
            error = null;
            if (e != null) {
                actual.onError(e);
            } else {
                if (v != null) {
                    actual.onNext(v);
                }
                actual.onComplete();
            }
        }
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Object scanUnsafe(Attr key) {
        if (key == Attr.ACTUAL) {
            return actual;
        }
        if (key == Attr.CANCELLED) {
            return isCancelled();
        }
        if (key == Attr.TERMINATED) {
            return isDone();
        }
        if (key == Attr.REQUESTED_FROM_DOWNSTREAM) {
            return requested ? 1L : 0L;
        }
        return null;
    }

    @Override
    public String toString() {
        return "Waiter[" + stateName(state()) + "]";
    }
}
