package dev.pipeline.core.aio.internal;

import java.util.function.Consumer;

import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;

/**
 * A cold single-valued publisher backed by a {@link MonoWaiter}: each subscription creates a
 * waiter, hands the subscriber its subscription, then lets the owner grant it at once or
 * line it up. Stateless, so one instance serves every subscription.
 *
 * @param <T> the value delivered
 */
public final class WaiterMono<T> extends Mono<T> {

    private final Consumer<MonoWaiter<T>> register;
    private final WaiterOwner<T> owner;

    /**
     * @param register grants the new waiter at once or lines it up; must not call user code
     *     under a lock, and must call {@link MonoWaiter#deliverNow()} after an immediate grant
     * @param owner takes back what a cancelled waiter leaves behind
     */
    public WaiterMono(Consumer<MonoWaiter<T>> register, WaiterOwner<T> owner) {
        this.register = register;
        this.owner = owner;
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
        MonoWaiter<T> w = new MonoWaiter<>(actual, owner);
        actual.onSubscribe(w);
        register.accept(w);
    }
}
