package dev.pipeline.core.aio.tck;

import dev.pipeline.core.aio.AsyncLock;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import reactor.core.publisher.Mono;

/** {@link AsyncLock#withLock}: {@code ScopedMono}. */
public class LockWithLockTck extends PublisherVerification<Integer> {

    public LockWithLockTck() {
        super(TckSupport.env(), TckSupport.GC_TIMEOUT_MILLIS);
    }

    @Override
    public Publisher<Integer> createPublisher(long elements) {
        AsyncLock lock = AsyncLock.create();
        return elements == 0 ? lock.withLock(Mono::<Integer>empty) : lock.withLock(() -> Mono.just(1));
    }

    @Override
    public Publisher<Integer> createFailedPublisher() {
        return AsyncLock.create().withLock(() -> Mono.<Integer>error(TckSupport.boom()));
    }

    @Override
    public long maxElementsFromPublisher() {
        return 1;
    }
}
