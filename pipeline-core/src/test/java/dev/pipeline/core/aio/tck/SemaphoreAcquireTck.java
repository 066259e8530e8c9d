package dev.pipeline.core.aio.tck;

import dev.pipeline.core.aio.AsyncSemaphore;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;

/** {@link AsyncSemaphore#acquire()}: a {@code WaiterMono} over {@code Permits}. */
public class SemaphoreAcquireTck extends PublisherVerification<Void> {

    public SemaphoreAcquireTck() {
        super(TckSupport.env(), TckSupport.GC_TIMEOUT_MILLIS);
    }

    @Override
    public Publisher<Void> createPublisher(long elements) {
        return AsyncSemaphore.of(1).acquire();
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
