package dev.pipeline.core.aio.tck;

import java.util.List;

import dev.pipeline.core.aio.Outcome;
import dev.pipeline.core.aio.Tasks;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/** {@link Tasks#gatherSettled}: {@code GatherMono} in settled mode. */
public class GatherSettledTck extends NeverEmptyVerification<List<Outcome<Integer>>> {

    public GatherSettledTck() {
        super("gatherSettled() emits a list; it cannot complete empty");
    }

    @Override
    public Publisher<List<Outcome<Integer>>> createPublisher(long elements) {
        if (elements == 0) {
            // a gather always emits a list: one that keeps waiting, for the §1.9 tests
            // (§1.5 is skipped by the base class)
            return Tasks.gatherSettled(Mono.<Integer>never());
        }
        // a failing source is settled into the list, not propagated
        return Tasks.gatherSettled(Mono.just(1), Mono.<Integer>error(TckSupport.boom()), Mono.just(3));
    }

    @Override
    public Publisher<List<Outcome<Integer>>> createFailedPublisher() {
        return null; // gatherSettled() settles failures instead of failing
    }
}
