package dev.pipeline.core.aio.tck;

import java.time.Duration;

import dev.pipeline.core.aio.Tasks;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;

/** {@link Tasks#sleep(Duration, Object)}: {@code SleepMono} with a result. */
public class SleepTck extends PublisherVerification<Integer> {

    private static final Duration DELAY = Duration.ofMillis(1);

    public SleepTck() {
        super(TckSupport.env(), TckSupport.GC_TIMEOUT_MILLIS);
    }

    @Override
    public Publisher<Integer> createPublisher(long elements) {
        if (elements == 0) {
            return TckSupport.empty(Tasks.sleep(DELAY)); // the same SleepMono, without a result
        }
        return Tasks.sleep(DELAY, 1);
    }

    @Override
    public Publisher<Integer> createFailedPublisher() {
        // the timer cannot be scheduled: RejectedExecutionException
        return Tasks.sleep(DELAY, 1, TckSupport.disposedScheduler());
    }

    @Override
    public long maxElementsFromPublisher() {
        return 1;
    }
}
