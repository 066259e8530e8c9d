package dev.pipeline.core.aio.tck;

import java.util.List;

import dev.pipeline.core.aio.Tasks;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/** {@link Tasks#asCompleted(Iterable, int)}: {@code AsCompletedFlux} with a window of 3. */
public class AsCompletedConcurrencyTck extends AsCompletedTck {

    @Override
    Publisher<Integer> asCompleted(List<Mono<Integer>> monos) {
        return Tasks.asCompleted(monos, 3);
    }
}
