package dev.pipeline.core.aio.internal;

import java.lang.invoke.VarHandle;

import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.util.context.Context;

/**
 * Subscribes to the body of a scope (a task group's, a timeout's) on behalf of its owner, who
 * keeps the subscription in a {@link VarHandle} field so that it can cancel it at any time:
 * requests everything once, keeps the value, and reports how the body ended.
 *
 * @param <T> the body's value type
 */
public abstract class BodySubscriber<T> implements CoreSubscriber<T> {

    private final VarHandle upstream;
    private final Object owner;
    private final CoreSubscriber<?> downstream;
    private T value;

    /**
     * @param upstream the owner's subscription field, set once ({@link Subscriptions#setOnce})
     * @param downstream whose Context the body sees
     */
    protected BodySubscriber(VarHandle upstream, Object owner, CoreSubscriber<?> downstream) {
        this.upstream = upstream;
        this.owner = owner;
        this.downstream = downstream;
    }

    /** The body completed, with its value or null. */
    protected abstract void succeeded(T value);

    /** The body failed. */
    protected abstract void failed(Throwable error);

    @Override
    public final Context currentContext() {
        return downstream.currentContext();
    }

    @Override
    public final void onSubscribe(Subscription s) {
        if (Subscriptions.setOnce(upstream, owner, s)) {
            s.request(Long.MAX_VALUE);
        }
    }

    @Override
    public final void onNext(T t) {
        value = t;
    }

    @Override
    public final void onError(Throwable e) {
        value = null;
        failed(e);
    }

    @Override
    public final void onComplete() {
        T v = value;
        value = null;
        succeeded(v);
    }
}
