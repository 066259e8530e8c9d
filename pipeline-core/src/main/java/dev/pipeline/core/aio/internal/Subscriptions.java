package dev.pipeline.core.aio.internal;

import java.lang.invoke.VarHandle;

import org.reactivestreams.Subscription;
import reactor.core.publisher.Operators;

/** {@code Operators.setOnce}/{@code terminate} for subscription fields held in a {@link VarHandle}. */
public final class Subscriptions {

    private Subscriptions() {
    }

    /** Sets the field once; a second subscription, or one arriving after cancel, is cancelled. */
    public static boolean setOnce(VarHandle field, Object owner, Subscription s) {
        if (field.compareAndSet(owner, null, s)) {
            return true;
        }
        s.cancel();
        if (field.getVolatile(owner) != Operators.cancelledSubscription()) {
            Operators.reportSubscriptionSet();
        }
        return false;
    }

    /** Cancels the subscription in the field, now or when it arrives. */
    public static void terminate(VarHandle field, Object owner) {
        Subscription s = (Subscription) field.getAndSet(owner, Operators.cancelledSubscription());
        if (s != null && s != Operators.cancelledSubscription()) {
            s.cancel();
        }
    }

    /** Adds {@code n} to a demand field, capping at {@code Long.MAX_VALUE}; returns the old value. */
    public static long addCap(VarHandle field, Object owner, long n) {
        for (;;) {
            long r = (long) field.getVolatile(owner);
            if (r == Long.MAX_VALUE) {
                return r;
            }
            long u = r + n;
            if (u < 0L) {
                u = Long.MAX_VALUE;
            }
            if (field.compareAndSet(owner, r, u)) {
                return r;
            }
        }
    }
}
