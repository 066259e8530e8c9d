package dev.pipeline.core.aio.tck;

import dev.pipeline.core.aio.TaskGroup;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import reactor.core.publisher.Mono;

/** {@link TaskGroup#run}: {@code GroupRun}. */
public class TaskGroupRunTck extends PublisherVerification<Integer> {

    public TaskGroupRunTck() {
        super(TckSupport.env(), TckSupport.GC_TIMEOUT_MILLIS);
    }

    @Override
    public Publisher<Integer> createPublisher(long elements) {
        Mono<Integer> child = elements == 0 ? Mono.empty() : Mono.just(1);
        return TaskGroup.<Integer>run(tg -> tg.spawn(child).join()); // empty body: completes empty
    }

    @Override
    public Publisher<Integer> createFailedPublisher() {
        return TaskGroup.<Integer>run(tg -> Mono.error(TckSupport.boom())); // TaskGroupException
    }

    @Override
    public long maxElementsFromPublisher() {
        return 1;
    }
}
