package dev.pipeline.core.aio.tck;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import dev.pipeline.core.aio.AsyncQueue;
import org.reactivestreams.Publisher;

/** {@link AsyncQueue#offer(Object, Duration)}: a timed {@code QueueCore.PutMono} answering true or false. */
public class QueueOfferTck extends NeverEmptyVerification<Boolean> {

    /** Alternates the one-element publishers between the two answers. */
    private final AtomicInteger created = new AtomicInteger();

    public QueueOfferTck() {
        super("offer(item, timeout) emits true or false, or fails; it cannot complete empty");
    }

    @Override
    public Publisher<Boolean> createPublisher(long elements) {
        AsyncQueue<Integer> q = AsyncQueue.bounded(1);
        if (elements == 0) {
            // an offer can't complete empty: one that keeps waiting for room, for the §1.9 tests
            q.offer(0);
            return q.offer(1, Duration.ofHours(1));
        }
        if (created.incrementAndGet() % 2 == 0) {
            q.offer(0);
            return q.offer(1, Duration.ofMillis(1)); // false, from the timer
        }
        return q.offer(1, Duration.ofHours(1)); // true, at once
    }

    @Override
    public Publisher<Boolean> createFailedPublisher() {
        AsyncQueue<Integer> q = AsyncQueue.bounded(1);
        q.shutdown();
        return q.offer(1, Duration.ofHours(1)); // QueueShutDownException
    }
}
