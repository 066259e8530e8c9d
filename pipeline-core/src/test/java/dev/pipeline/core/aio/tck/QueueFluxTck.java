package dev.pipeline.core.aio.tck;

import dev.pipeline.core.aio.AsyncQueue;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;

/** {@link AsyncQueue#asFlux()}: {@code QueueFlux}. */
public class QueueFluxTck extends PublisherVerification<Integer> {

    public QueueFluxTck() {
        super(TckSupport.env(), TckSupport.GC_TIMEOUT_MILLIS);
    }

    @Override
    public Publisher<Integer> createPublisher(long elements) {
        int n = (int) elements;
        AsyncQueue<Integer> q = AsyncQueue.bounded(Math.max(1, n));
        for (int i = 0; i < n; i++) {
            if (!q.offer(i)) {
                throw new IllegalStateException("queue full at " + i);
            }
        }
        q.shutdown(); // drains, then completes
        return q.asFlux();
    }

    @Override
    public Publisher<Integer> createFailedPublisher() {
        return null; // asFlux() cannot fail
    }

    @Override
    public long maxElementsFromPublisher() {
        return TckSupport.MAX_FLUX_ELEMENTS;
    }
}
