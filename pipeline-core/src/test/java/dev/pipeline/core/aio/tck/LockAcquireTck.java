package dev.pipeline.core.aio.tck;

import dev.pipeline.core.aio.AsyncLock;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;

/** {@link AsyncLock#acquire()}: a {@code WaiterMono} over {@code Permits}. */
public class LockAcquireTck extends PublisherVerification<Void> {

    public LockAcquireTck() {
        super(TckSupport.env(), TckSupport.GC_TIMEOUT_MILLIS);
    }

    @Override
    public Publisher<Void> createPublisher(long elements) {
        return AsyncLock.create().acquire();
    }

    @Override
    public Publisher<Void> createFailedPublisher() {
        return null; // acquire() cannot fail
    }

    @Override
    public long maxElementsFromPublisher() {
        return 0;
    }
}
