package dev.pipeline.core.aio.tck;

import java.util.ArrayList;
import java.util.List;

import dev.pipeline.core.aio.Tasks;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import reactor.core.publisher.Mono;

/** {@link Tasks#asCompleted(Iterable, int)}: {@code AsCompletedFlux} with a window of 3. */
public class AsCompletedConcurrencyTck extends PublisherVerification<Integer> {

    public AsCompletedConcurrencyTck() {
        super(TckSupport.env(), TckSupport.GC_TIMEOUT_MILLIS);
    }

    @Override
    public Publisher<Integer> createPublisher(long elements) {
        List<Mono<Integer>> monos = new ArrayList<>();
        for (int i = 0; i < elements; i++) {
            monos.add(Mono.just(i));
        }
        return Tasks.asCompleted(monos, 3);
    }

    @Override
    public Publisher<Integer> createFailedPublisher() {
        return Tasks.asCompleted(List.of(Mono.just(1), Mono.<Integer>error(TckSupport.boom()), Mono.just(3)), 3);
    }

    @Override
    public long maxElementsFromPublisher() {
        return TckSupport.MAX_FLUX_ELEMENTS;
    }
}
