package dev.pipeline.core.aio.tck;

import dev.pipeline.core.aio.AsyncCondition;
import dev.pipeline.core.aio.AsyncLock;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/**
 * {@link AsyncCondition#awaitSignal()}: its hand-written {@code Wait} subscription. The TCK's
 * subscriber is subscribed straight to {@code awaitSignal()}; the publisher below only takes
 * the lock first (as a caller must) and signals afterwards.
 */
public class ConditionAwaitSignalTck extends PublisherVerification<Void> {

    public ConditionAwaitSignalTck() {
        super(TckSupport.env(), TckSupport.GC_TIMEOUT_MILLIS);
    }

    @Override
    public Publisher<Void> createPublisher(long elements) {
        AsyncLock lock = AsyncLock.create();
        AsyncCondition cond = AsyncCondition.create(lock);
        return s -> {
            if (!lock.tryAcquire()) {
                Operators.error(s, new IllegalStateException("this test publisher supports one subscriber"));
                return;
            }
            cond.awaitSignal().subscribe(s);
            lock.withLock(() -> Mono.fromRunnable(cond::signalAll)).subscribe();
        };
    }

    @Override
    public Publisher<Void> createFailedPublisher() {
        return null;
    }

    @Override
    public long maxElementsFromPublisher() {
        return 0;
    }
}
