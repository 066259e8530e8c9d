package dev.pipeline.core.engine;

import dev.pipeline.core.internal.Ticker;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import org.reactivestreams.tck.TestEnvironment;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** {@link TimedMono}: the operator that times a call without counting the wait for demand. */
public class TimedMonoTck extends PublisherVerification<Integer> {

    public TimedMonoTck() {
        super(new TestEnvironment(2000, 500), 1000);
    }

    private static Publisher<Integer> timed(Mono<Integer> call) {
        return new TimedMono<>(call, new Cell(), Ticker.of(Schedulers.parallel()));
    }

    @Override
    public Publisher<Integer> createPublisher(long elements) {
        return timed(elements == 0 ? Mono.empty() : Mono.just(1).publishOn(Schedulers.parallel()));
    }

    @Override
    public Publisher<Integer> createFailedPublisher() {
        return timed(Mono.error(new IllegalStateException("boom (expected by the TCK)")));
    }

    @Override
    public long maxElementsFromPublisher() {
        return 1;
    }
}
