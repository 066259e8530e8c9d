package dev.pipeline.core.aio.tck;

import dev.pipeline.core.aio.AsyncQueue;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import reactor.core.publisher.Flux;

/** {@link AsyncQueue#putAll(Publisher)}: {@code QueuePutAll}. */
public class QueuePutAllTck extends PublisherVerification<Void> {

    public QueuePutAllTck() {
        super(TckSupport.env(), TckSupport.GC_TIMEOUT_MILLIS);
    }

    @Override
    public Publisher<Void> createPublisher(long elements) {
        AsyncQueue<Integer> q = AsyncQueue.bounded(16);
        return q.putAll(Flux.range(0, 3));
    }

    @Override
    public Publisher<Void> createFailedPublisher() {
        AsyncQueue<Integer> q = AsyncQueue.bounded(16);
        q.shutdown();
        return q.putAll(Flux.range(0, 3)); // QueueShutDownException
    }

    @Override
    public long maxElementsFromPublisher() {
        return 0;
    }
}
