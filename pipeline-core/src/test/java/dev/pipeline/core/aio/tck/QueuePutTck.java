package dev.pipeline.core.aio.tck;

import dev.pipeline.core.aio.AsyncQueue;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;

/** {@link AsyncQueue#put(Object)}: {@code QueueCore.PutMono}, a {@code MonoWaiter}. */
public class QueuePutTck extends PublisherVerification<Void> {

    public QueuePutTck() {
        super(TckSupport.env(), TckSupport.GC_TIMEOUT_MILLIS);
    }

    @Override
    public Publisher<Void> createPublisher(long elements) {
        AsyncQueue<Integer> q = AsyncQueue.bounded(4);
        return q.put(1);
    }

    @Override
    public Publisher<Void> createFailedPublisher() {
        AsyncQueue<Integer> q = AsyncQueue.bounded(4);
        q.shutdown();
        return q.put(1); // QueueShutDownException
    }

    @Override
    public long maxElementsFromPublisher() {
        return 0;
    }
}
