package dev.pipeline.core.aio.tck;

import java.util.List;

import dev.pipeline.core.aio.Tasks;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/** {@link Tasks#gather}: {@code GatherMono}. */
public class GatherTck extends NeverEmptyVerification<List<Integer>> {

    public GatherTck() {
        super("gather() emits a list or fails; it cannot complete empty");
    }

    @Override
    public Publisher<List<Integer>> createPublisher(long elements) {
        if (elements == 0) {
            // a gather always emits a list: one that keeps waiting, for the §1.9 tests
            // (§1.5 is skipped by the base class)
            return Tasks.gather(Mono.<Integer>never());
        }
        return Tasks.gather(Mono.just(1), Mono.just(2), Mono.just(3));
    }

    @Override
    public Publisher<List<Integer>> createFailedPublisher() {
        return Tasks.gather(Mono.just(1), Mono.<Integer>error(TckSupport.boom()), Mono.just(3));
    }
}
