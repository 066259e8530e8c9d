package dev.pipeline.core.aio.tck;

import dev.pipeline.core.aio.AsyncBarrier;
import org.reactivestreams.Publisher;

/** {@link AsyncBarrier#arrive()}: a {@code WaiterMono}. */
public class BarrierArriveTck extends NeverEmptyVerification<Integer> {

    public BarrierArriveTck() {
        super("arrive() emits an arrival index or fails; it cannot complete empty");
    }

    @Override
    public Publisher<Integer> createPublisher(long elements) {
        if (elements == 0) {
            // an arrival always emits its index: one that keeps waiting for a second party
            // (the §1.9 tests ask for 0 elements; §1.5 is skipped by the base class)
            return AsyncBarrier.of(2).arrive();
        }
        return AsyncBarrier.of(1).arrive(); // emits 0
    }

    @Override
    public Publisher<Integer> createFailedPublisher() {
        AsyncBarrier barrier = AsyncBarrier.of(1);
        barrier.abort();
        return barrier.arrive(); // BrokenBarrierException
    }
}
