package dev.pipeline.core.aio.tck;

import java.time.Duration;
import java.util.List;

import dev.pipeline.core.aio.ReturnWhen;
import dev.pipeline.core.aio.Task;
import dev.pipeline.core.aio.Tasks;
import dev.pipeline.core.aio.WaitResult;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/** {@link Tasks#wait}: {@code WaitMono}, with and without a timer. */
public class WaitTck extends NeverEmptyVerification<WaitResult<Task<Integer>>> {

    public WaitTck() {
        super("wait() emits the done and pending sets; it cannot complete empty");
    }

    @Override
    public Publisher<WaitResult<Task<Integer>>> createPublisher(long elements) {
        if (elements == 0) {
            // a wait always emits its sets: one that keeps waiting, for the §1.9 tests
            // (§1.5 is skipped by the base class)
            return Tasks.wait(List.of(Tasks.createTask(Mono.<Integer>never())));
        }
        Task<Integer> done = Tasks.createTask(Mono.just(1));
        Task<Integer> failed = Tasks.createTask(Mono.error(TckSupport.boom()));
        Task<Integer> running = Tasks.createTask(Mono.never());
        // a failed task does not fail the wait; the timer (10 ms) returns with one still pending
        return Tasks.wait(List.of(done, failed, running), ReturnWhen.ALL_COMPLETED, Duration.ofMillis(10));
    }

    @Override
    public Publisher<WaitResult<Task<Integer>>> createFailedPublisher() {
        // a wait fails only when its scheduler rejects the timer
        return Tasks.wait(List.of(Tasks.createTask(Mono.<Integer>never())), ReturnWhen.ALL_COMPLETED,
                Duration.ofSeconds(1), TckSupport.disposedScheduler());
    }
}
