package dev.pipeline.connectors.testing;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import dev.pipeline.core.StageContext;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A {@link StageContext} for driving a sink's writer outside a pipeline: it records the items
 * reported completed and the items rejected. Where the rejections and guarded calls complete is
 * chosen by the factory, so a test can move a sink's work onto non-blocking threads.
 */
public final class RecordingContext implements StageContext {

    /** The sum of every {@code completed(n)}. */
    public final AtomicLong completed = new AtomicLong();
    /** Every rejected item, in the order rejected. */
    public final List<Object> rejected = new CopyOnWriteArrayList<>();
    private final boolean rejectElsewhere;
    private final boolean guardElsewhere;

    private RecordingContext(boolean rejectElsewhere, boolean guardElsewhere) {
        this.rejectElsewhere = rejectElsewhere;
        this.guardElsewhere = guardElsewhere;
    }

    /** Rejections complete at once, guarded calls run as they are. */
    public static RecordingContext inline() {
        return new RecordingContext(false, false);
    }

    /**
     * Rejections complete 1 ms later on a parallel (non-blocking) thread, as a dead letter waiting
     * for room in a busy dead-letter sink does; guarded calls run as they are (no breaker).
     */
    public static RecordingContext rejectingElsewhere() {
        return new RecordingContext(true, false);
    }

    /**
     * As {@link #rejectingElsewhere()}, and every guarded call is also subscribed on a parallel
     * thread, as a circuit breaker's retry after a delay would be.
     */
    public static RecordingContext elsewhere() {
        return new RecordingContext(true, true);
    }

    @Override
    public String name() {
        return "insert";
    }

    @Override
    public Mono<Void> reject(Object item, Throwable error, int attempts) {
        rejected.add(item);
        return rejectElsewhere ? Mono.delay(Duration.ofMillis(1)).then() : Mono.empty();
    }

    @Override
    public void completed(long items) {
        completed.addAndGet(items);
    }

    @Override
    public <T> Mono<T> guard(Mono<T> call) {
        return guardElsewhere ? call.subscribeOn(Schedulers.parallel()) : call;
    }
}
