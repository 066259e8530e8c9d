package dev.pipeline.core.aio.tck;

import dev.pipeline.core.aio.AsyncEvent;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;

/** {@link AsyncEvent#awaitSet()}: a {@code WaiterMono}. */
public class EventAwaitSetTck extends PublisherVerification<Void> {

    public EventAwaitSetTck() {
        super(TckSupport.env(), TckSupport.GC_TIMEOUT_MILLIS);
    }

    @Override
    public Publisher<Void> createPublisher(long elements) {
        AsyncEvent event = AsyncEvent.create();
        event.set();
        return event.awaitSet();
    }

    @Override
    public Publisher<Void> createFailedPublisher() {
        return null; // awaitSet() cannot fail
    }

    @Override
    public long maxElementsFromPublisher() {
        return 0;
    }
}
