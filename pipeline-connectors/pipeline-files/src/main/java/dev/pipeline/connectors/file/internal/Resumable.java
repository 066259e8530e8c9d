package dev.pipeline.connectors.file.internal;

import java.nio.file.Path;
import java.util.function.Function;

import dev.pipeline.connectors.file.ReadOptions;
import dev.pipeline.core.Delivery;
import dev.pipeline.core.Source;
import dev.pipeline.core.StageContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * A file source with a {@link Checkpoint}: an {@link Source#acknowledged acknowledged source}
 * whose records settle into the checkpoint's watermark. Per run: the lock is taken and the
 * state read when the source is subscribed (on the read scheduler), the reader opens where the
 * state says, every record is tracked with the position after it, a rejected record settles once
 * its policy took it, and the checkpoint is written and unlocked when the run ends
 * ({@link StageContext#whenRunEnds()}), however it ended. Reading waits while
 * {@link ReadOptions#maxUnsettled()} records are read and not passed by the checkpoint (plus
 * the few read ahead into the 32-record buffer), and goes on once a settlement moves it.
 */
public final class Resumable {

    private static final Logger LOG = LoggerFactory.getLogger(Resumable.class);

    /** A record (or a {@link Rejected}) with the position and the line count after it. */
    public record Read(Object record, long positionAfter, long linesAfter) {
    }

    /** Reads records one at a time (blocking). */
    public interface Reader extends AutoCloseable {
        /** The next record, or null at the end. */
        Read next();

        @Override
        void close();
    }

    private Resumable() {
    }

    /**
     * The source.
     *
     * @param open opens a reader where a checkpoint's state says (records before, position)
     */
    public static <T> Source<T> source(String name, Path path, ReadOptions options, Function<Checkpoint.State, Reader> open) {
        Scheduler scheduler = options.scheduler();
        return Source.acknowledged(name, ctx -> Checkpoint
                .openWhenFree(options.checkpoint(), path, scheduler, options.checkpointEvery(), options.maxUnsettled())
                .flatMapMany(cp -> {
                    ctx.whenRunEnds()
                            .doOnTerminate(cp::ending)
                            .then(Mono.fromRunnable(cp::close).subscribeOn(scheduler))
                            .subscribe(null, e -> LOG.warn("source '{}': the last checkpoint write failed: {}", name, e.toString()));
                    return Flux.<Read, Reader>generate(() -> open.apply(cp.start()), (reader, sink) -> {
                                Read r = reader.next();
                                if (r == null) {
                                    sink.complete();
                                } else {
                                    sink.next(r);
                                }
                                return reader;
                            }, Reader::close)
                            .subscribeOn(scheduler)
                            .concatMap(r -> cp.hasRoom() ? deliver(r, cp, ctx)
                                    : cp.room().then(Mono.defer(() -> deliver(r, cp, ctx))), 32);
                }));
    }

    @SuppressWarnings("unchecked")
    private static <T> Mono<Delivery<T>> deliver(Read r, Checkpoint cp, StageContext ctx) {
        long n = cp.track(r.positionAfter(), r.linesAfter());
        if (r.record() instanceof Rejected rejected) {
            return ctx.reject(rejected.raw(), rejected.error(), 1)
                    .then(Mono.fromRunnable(() -> cp.settle(n)))
                    .then(Mono.empty());
        }
        return Mono.just(Delivery.of((T) r.record(), cp.seenBefore(n), s -> cp.settle(n)));
    }
}
