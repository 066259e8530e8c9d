package dev.pipeline.core.aio.tck;

import dev.pipeline.core.aio.AsyncFuture;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;

/** {@link AsyncFuture#mono()}: a {@code WaiterMono} over {@code OutcomeCell}. */
public class FutureMonoTck extends PublisherVerification<Integer> {

    public FutureMonoTck() {
        super(TckSupport.env(), TckSupport.GC_TIMEOUT_MILLIS);
    }

    @Override
    public Publisher<Integer> createPublisher(long elements) {
        AsyncFuture<Integer> f = AsyncFuture.create();
        f.setResult(elements == 0 ? null : 1); // null: the awaiters complete empty
        return f.mono();
    }

    @Override
    public Publisher<Integer> createFailedPublisher() {
        AsyncFuture<Integer> f = AsyncFuture.create();
        f.setException(TckSupport.boom());
        return f.mono();
    }

    @Override
    public long maxElementsFromPublisher() {
        return 1;
    }
}
