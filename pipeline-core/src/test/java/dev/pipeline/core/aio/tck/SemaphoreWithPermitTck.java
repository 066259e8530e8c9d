package dev.pipeline.core.aio.tck;

import dev.pipeline.core.aio.AsyncSemaphore;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import reactor.core.publisher.Mono;

/** {@link AsyncSemaphore#withPermit}: {@code ScopedMono}. */
public class SemaphoreWithPermitTck extends PublisherVerification<Integer> {

    public SemaphoreWithPermitTck() {
        super(TckSupport.env(), TckSupport.GC_TIMEOUT_MILLIS);
    }

    @Override
    public Publisher<Integer> createPublisher(long elements) {
        AsyncSemaphore sem = AsyncSemaphore.of(1);
        return elements == 0 ? sem.withPermit(Mono::<Integer>empty) : sem.withPermit(() -> Mono.just(1));
    }

    @Override
    public Publisher<Integer> createFailedPublisher() {
        return AsyncSemaphore.of(1).withPermit(() -> Mono.<Integer>error(TckSupport.boom()));
    }

    @Override
    public long maxElementsFromPublisher() {
        return 1;
    }
}
