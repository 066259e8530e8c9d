package dev.pipeline.core.aio.tck;

import java.util.List;

import dev.pipeline.core.aio.Tasks;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/** {@link Tasks#gather(Iterable, int)}: {@code GatherMono} subscribing through a {@code SubscriptionWindow}. */
public class GatherConcurrencyTck extends NeverEmptyVerification<List<Integer>> {

    public GatherConcurrencyTck() {
        super("gather() emits a list or fails; it cannot complete empty");
    }

    @Override
    public Publisher<List<Integer>> createPublisher(long elements) {
        if (elements == 0) {
            // a gather always emits a list: one that keeps waiting, for the §1.9 tests
            return Tasks.gather(List.of(Mono.<Integer>never(), Mono.just(2)), 1);
        }
        return Tasks.gather(List.of(Mono.just(1), Mono.just(2), Mono.just(3)), 1);
    }

    @Override
    public Publisher<List<Integer>> createFailedPublisher() {
        return Tasks.gather(List.of(Mono.just(1), Mono.<Integer>error(TckSupport.boom()), Mono.just(3)), 2);
    }
}
