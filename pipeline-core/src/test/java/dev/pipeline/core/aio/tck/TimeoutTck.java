package dev.pipeline.core.aio.tck;

import java.time.Duration;

import dev.pipeline.core.aio.Tasks;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import reactor.core.publisher.Mono;

/** {@link Tasks#timeout}: {@code TimeoutRun}, with a deadline that is not reached. */
public class TimeoutTck extends PublisherVerification<Integer> {

    public TimeoutTck() {
        super(TckSupport.env(), TckSupport.GC_TIMEOUT_MILLIS);
    }

    @Override
    public Publisher<Integer> createPublisher(long elements) {
        Mono<Integer> body = elements == 0 ? Mono.empty() : Mono.just(1);
        return Tasks.timeout(Duration.ofMinutes(1), cm -> body);
    }

    @Override
    public Publisher<Integer> createFailedPublisher() {
        // a deadline already past: the never-ending body is cancelled and the scope fails
        return Tasks.timeout(Duration.ZERO, cm -> Mono.<Integer>never());
    }

    @Override
    public long maxElementsFromPublisher() {
        return 1;
    }
}
