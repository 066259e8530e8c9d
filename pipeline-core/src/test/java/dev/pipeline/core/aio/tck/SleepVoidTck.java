package dev.pipeline.core.aio.tck;

import java.time.Duration;

import dev.pipeline.core.aio.Tasks;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;

/** {@link Tasks#sleep(Duration)}: {@code SleepMono} without a result. */
public class SleepVoidTck extends PublisherVerification<Void> {

    private static final Duration DELAY = Duration.ofMillis(1);

    public SleepVoidTck() {
        super(TckSupport.env(), TckSupport.GC_TIMEOUT_MILLIS);
    }

    @Override
    public Publisher<Void> createPublisher(long elements) {
        return Tasks.sleep(DELAY);
    }

    @Override
    public Publisher<Void> createFailedPublisher() {
        // the timer cannot be scheduled: RejectedExecutionException
        return Tasks.sleep(DELAY, TckSupport.disposedScheduler());
    }

    @Override
    public long maxElementsFromPublisher() {
        return 0;
    }
}
