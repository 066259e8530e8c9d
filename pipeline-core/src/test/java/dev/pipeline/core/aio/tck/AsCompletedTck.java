package dev.pipeline.core.aio.tck;

import java.util.ArrayList;
import java.util.List;

import dev.pipeline.core.aio.Tasks;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import reactor.core.publisher.Mono;

/** {@link Tasks#asCompleted}: {@code AsCompletedFlux}. */
public class AsCompletedTck extends PublisherVerification<Integer> {

    public AsCompletedTck() {
        super(TckSupport.env(), TckSupport.GC_TIMEOUT_MILLIS);
    }

    /** The publisher under test, over {@code monos}. */
    Publisher<Integer> asCompleted(List<Mono<Integer>> monos) {
        return Tasks.asCompleted(monos);
    }

    @Override
    public Publisher<Integer> createPublisher(long elements) {
        List<Mono<Integer>> monos = new ArrayList<>();
        for (int i = 0; i < elements; i++) {
            monos.add(Mono.just(i));
        }
        return asCompleted(monos);
    }

    @Override
    public Publisher<Integer> createFailedPublisher() {
        return asCompleted(List.of(Mono.just(1), Mono.<Integer>error(TckSupport.boom()), Mono.just(3)));
    }

    @Override
    public long maxElementsFromPublisher() {
        return TckSupport.MAX_FLUX_ELEMENTS;
    }
}
