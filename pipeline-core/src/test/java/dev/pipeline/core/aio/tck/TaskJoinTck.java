package dev.pipeline.core.aio.tck;

import dev.pipeline.core.aio.Task;
import dev.pipeline.core.aio.Tasks;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import reactor.core.publisher.Mono;

/** {@link Task#join()} of {@link Tasks#createTask}: a {@code WaiterMono} over {@code OutcomeCell}. */
public class TaskJoinTck extends PublisherVerification<Integer> {

    public TaskJoinTck() {
        super(TckSupport.env(), TckSupport.GC_TIMEOUT_MILLIS);
    }

    @Override
    public Publisher<Integer> createPublisher(long elements) {
        Mono<Integer> coroutine = elements == 0 ? Mono.empty() : Mono.just(1);
        return Tasks.createTask(coroutine).join();
    }

    @Override
    public Publisher<Integer> createFailedPublisher() {
        return Tasks.createTask(Mono.<Integer>error(TckSupport.boom())).join();
    }

    @Override
    public long maxElementsFromPublisher() {
        return 1;
    }
}
