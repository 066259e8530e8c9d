package dev.pipeline.core.aio.tck;

import dev.pipeline.core.aio.AsyncQueue;
import org.reactivestreams.Publisher;

/** {@link AsyncQueue#take()}: a {@code WaiterMono} over {@code QueueCore}. */
public class QueueTakeTck extends NeverEmptyVerification<Integer> {

    public QueueTakeTck() {
        super("take() emits an item or fails; it cannot complete empty");
    }

    @Override
    public Publisher<Integer> createPublisher(long elements) {
        AsyncQueue<Integer> q = AsyncQueue.bounded(1);
        if (elements == 0) {
            // a take can't complete empty: one that keeps waiting, for the §1.9 tests
            // (§1.5 is skipped by the base class)
            return q.take();
        }
        q.offer(1);
        return q.take();
    }

    @Override
    public Publisher<Integer> createFailedPublisher() {
        AsyncQueue<Integer> q = AsyncQueue.bounded(1);
        q.shutdown();
        return q.take(); // shut down and empty: QueueShutDownException
    }
}
