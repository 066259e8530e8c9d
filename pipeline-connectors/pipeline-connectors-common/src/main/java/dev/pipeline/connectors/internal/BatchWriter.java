package dev.pipeline.connectors.internal;

import java.time.Duration;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import dev.pipeline.core.CircuitOpenException;
import dev.pipeline.core.StageContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The batching policy every database sink shares (R2DBC and JDBC), independent of the driver
 * API that writes a batch. Items are grouped into batches; a binder that throws rejects its
 * item; each batch is one transaction ({@link Target#execute}). A batch the database refuses
 * for a data error (SQL state class 22 or 23) was rolled back, so it is split in halves and
 * written again until the bad rows stand alone: each is rejected through the context, the rest
 * commit. Other errors (connection lost, bad SQL, a failed commit) fail the sink: retrying them
 * could write a row twice. Each batch (and each half) is one call through the sink's circuit
 * breaker, if it has one; a batch it refuses was never sent, and its rows go to the policy.
 *
 * @param <T> the item type
 */
public final class BatchWriter<T> {

    private static final Logger LOG = LoggerFactory.getLogger(BatchWriter.class);

    /** An item and the values its binder gave, one per marker. */
    public record Row<T>(T item, List<?> values) {
    }

    /** What a run wrote: rows committed, rows rejected, transactions committed. */
    public record Counts(long rows, long rejected, long batches) {
        /** Nothing yet. */
        public static final Counts EMPTY = new Counts(0, 0, 0);

        /** The sum of two counts. */
        public Counts plus(Counts other) {
            return new Counts(rows + other.rows, rejected + other.rejected, batches + other.batches);
        }
    }

    /** How one driver writes a batch, and what its errors mean. */
    public interface Target<T> {
        /**
         * Writes the rows in one transaction and emits how many the database reported; errors
         * (after rolling back) when the database refused them.
         */
        Mono<Long> execute(List<Row<T>> rows);

        /** Whether {@code e} is the rows' fault (SQL state class 22 or 23), so bisecting finds them. */
        boolean isDataError(Throwable e);

        /** The error the policy gets for one row the database refused with {@code e}. */
        Throwable rejection(Throwable e);
    }

    private final Function<? super T, ? extends List<?>> binder;
    private final int batchSize;
    private final Duration maxWait;
    private final int concurrency;
    private final Scheduler timer;

    /**
     * @param binder an item's values
     * @param batchSize rows per batch
     * @param maxWait the longest wait to fill a batch
     * @param concurrency batches written at once
     * @param timer the scheduler of the max-wait timer
     */
    public BatchWriter(Function<? super T, ? extends List<?>> binder, int batchSize, Duration maxWait, int concurrency,
            Scheduler timer) {
        this.binder = binder;
        this.batchSize = batchSize;
        this.maxWait = maxWait;
        this.concurrency = concurrency;
        this.timer = timer;
    }

    /** Writes every item through {@code target}; completes with the counts once the last batch is written. */
    public Mono<Counts> run(Flux<T> items, StageContext ctx, Target<T> target) {
        return gathered(items)
                .flatMap(batch -> bind(batch, ctx, false).write(ctx, target), concurrency, 1)
                .reduce(Counts.EMPTY, Counts::plus);
    }

    /**
     * The items in batches, gathered (and then bound by the caller) on a thread of their own
     * while the current ones are written (bounded: {@code concurrency + 1} batches ahead): the
     * upstream's work and the binder run there, not on the thread of a batch that just
     * committed, so assembling overlaps writing.
     */
    private Flux<List<T>> gathered(Flux<T> items) {
        return items
                .bufferTimeout(batchSize, maxWait, timer, true)
                .publishOn(timer, concurrency + 1);
    }

    /**
     * {@link #run(Flux, StageContext, Target)} for a target that blocks: each of the
     * {@code concurrency} batches in flight is written on a lane of its own, a worker of
     * {@code lanes} (a blocking scheduler) that takes its next batch, already gathered and bound
     * on the timer's thread, from a queue of one as soon as the last one committed. So the
     * thread that writes never waits for another thread to wake up between two batches (with
     * {@code flatMap} the next batch reached it only after the gathering thread was woken to
     * hand it over, and the write was then scheduled onto the blocking thread again: two
     * wake-ups per batch on the path of every write). {@link Target#execute} is called on a
     * lane's thread ({@link #onLane} true there) unless a retry of the sink's circuit breaker or
     * a dead letter moved the work elsewhere, so a target must still move a write that is not on
     * a lane to its own threads.
     * Bounded: {@code concurrency + 1} batches gathered ahead, one waiting for a rail, two
     * queued per lane (the lane's hand-over and its {@code concatMap}: the {@code map} that
     * notes the lane's thread keeps them from fusing) and one being written per lane.
     *
     * @param lanes the blocking scheduler whose workers write the batches, one per lane
     */
    public Mono<Counts> run(Flux<T> items, StageContext ctx, Target<T> target, Scheduler lanes) {
        return gathered(items)
                .map(batch -> bind(batch, ctx, true))
                .parallel(concurrency, 1)
                .runOn(lanes, 1)
                // the lane's worker hands each batch over here (a map is not fused with runOn, so this runs
                // on the worker): the batch's write may mark only that thread as the lane
                .map(Bound::handedOver)
                .concatMap(batch -> new OnLane<>(batch.write(ctx, target), lanes, batch.lane), 1)
                .sequential(1)
                .reduce(Counts.EMPTY, Counts::plus);
    }

    /** The lanes scheduler whose worker is subscribing a batch's write on this thread right now, or null. */
    private static final ThreadLocal<Scheduler> LANE = new ThreadLocal<>();

    /**
     * Whether the caller runs on a lane of {@code lanes}: inside the subscription of a batch's
     * write on that scheduler's worker ({@link #run(Flux, StageContext, Target, Scheduler)}),
     * where a blocking target may write at once. False anywhere else, for instance on the
     * timer of a circuit breaker's retry, or where a dead letter completed.
     */
    public static boolean onLane(Scheduler lanes) {
        return lanes != null && LANE.get() == lanes;
    }

    /**
     * A batch's write, subscribed with its lane marked on the thread ({@link #onLane}) when it is
     * subscribed on the worker that handed the batch over. The {@code concatMap} subscribes the
     * next batch's write on the thread where the last one completed, which may be another one
     * (a dead letter taken on a non-blocking thread): that thread is not marked, and the target
     * moves the write to its own threads.
     */
    private static final class OnLane<C> extends Mono<C> {
        private final Mono<C> write;
        private final Scheduler lanes;
        private final Thread lane;

        OnLane(Mono<C> write, Scheduler lanes, Thread lane) {
            this.write = write;
            this.lanes = lanes;
            this.lane = lane;
        }

        @Override
        public void subscribe(reactor.core.CoreSubscriber<? super C> actual) {
            if (Thread.currentThread() != lane) {
                write.subscribe(actual);
                return;
            }
            Scheduler previous = LANE.get();
            LANE.set(lanes);
            try {
                write.subscribe(actual);
            } finally {
                if (previous == null) {
                    LANE.remove();
                } else {
                    LANE.set(previous);
                }
            }
        }
    }

    /** A batch's rows that the binder gave values for, and the rejections of those it refused (not yet sent). */
    private final class Bound {
        final List<Row<T>> rows;
        final List<Mono<Void>> bad;
        /**
         * The worker thread that handed this batch to its lane ({@link #handedOver}); read where its
         * write is subscribed, after the {@code concatMap}'s queue (or the same thread) ordered it.
         */
        Thread lane;

        Bound(List<Row<T>> rows, List<Mono<Void>> bad) {
            this.rows = rows;
            this.bad = bad;
        }

        Bound handedOver() {
            lane = Thread.currentThread();
            return this;
        }

        Mono<Counts> write(StageContext ctx, Target<T> target) {
            if (bad == null) {
                return BatchWriter.this.write(rows, ctx, target);
            }
            Mono<Counts> rejected = Flux.concat(bad).then(Mono.just(new Counts(0, bad.size(), 0)));
            return rejected.flatMap(r -> BatchWriter.this.write(rows, ctx, target).map(r::plus));
        }
    }

    /**
     * Runs the binder for each item of a batch, on the gathering thread; with {@code hash}
     * (the lanes of a blocking target) also {@link #hashStrings} for each row's values.
     */
    private Bound bind(List<T> batch, StageContext ctx, boolean hash) {
        List<Row<T>> rows = new ArrayList<>(batch.size());
        List<Mono<Void>> bad = null;
        for (T item : batch) {
            List<?> values;
            try {
                values = binder.apply(item);
                if (values == null) {
                    throw new NullPointerException("the binder returned null values for the item");
                }
            } catch (RuntimeException e) {
                if (bad == null) {
                    bad = new ArrayList<>();
                }
                bad.add(ctx.reject(item, e, 1));
                continue;
            }
            if (hash) {
                hashStrings(values);
            }
            rows.add(new Row<>(item, values));
        }
        return new Bound(rows, bad);
    }

    /**
     * Computes the hash of each {@code String} value (a {@code String} keeps it), here on the
     * gathering thread that made the values, while they are still in its cache. H2 (its JDBC
     * driver and r2dbc-h2 both bind through {@code ValueVarchar.get}) looks every bound string up
     * in its value cache by that hash: computed on the thread that writes, it was a pass over every
     * string's characters on the one thread the run waits for (the raw {@code executeBatch} loop
     * pays it too, inline). Other drivers ignore it; it costs the gathering thread one pass over
     * the characters. Only {@code String}s: a user type's {@code hashCode} could be anything.
     * Done for the lanes of a blocking target ({@link #run(Flux, StageContext, Target, Scheduler)},
     * the JDBC sink), not for {@link #run(Flux, StageContext, Target)} (r2dbc-h2 binds strings
     * through its CLOB codec).
     */
    static void hashStrings(List<?> values) {
        for (int i = 0, n = values.size(); i < n; i++) {
            if (values.get(i) instanceof String s) {
                s.hashCode();
            }
        }
    }

    private Mono<Counts> write(List<Row<T>> rows, StageContext ctx, Target<T> target) {
        if (rows.isEmpty()) {
            return Mono.just(Counts.EMPTY);
        }
        return guarded(rows, ctx, target)
                // named, not counted: batches commit out of order (concurrency), and an acknowledged
                // source's items settle exactly when their own batch committed
                .doOnNext(n -> ctx.completed(items(rows)))
                .map(n -> new Counts(rows.size(), 0, 1))
                // the sink's circuit breaker refused the batch: nothing was written, every row goes to the policy
                .onErrorResume(CircuitOpenException.class, e -> Flux.fromIterable(rows)
                        .concatMap(row -> ctx.reject(row.item(), e, 1))
                        .then(Mono.just(new Counts(0, rows.size(), 0))))
                .onErrorResume(target::isDataError, e -> {
                    if (rows.size() == 1) {
                        return ctx.reject(rows.get(0).item(), target.rejection(e), 1).thenReturn(new Counts(0, 1, 0));
                    }
                    int half = rows.size() / 2;
                    LOG.debug("sink '{}': a batch of {} rows failed ({}); splitting it to isolate the bad rows",
                            ctx.name(), rows.size(), e.toString());
                    return write(rows.subList(0, half), ctx, target)
                            .flatMap(a -> write(rows.subList(half, rows.size()), ctx, target).map(a::plus));
                });
    }

    /** The rows' items, a view (no copy: a context without an acknowledged source only counts them). */
    private static <T> List<T> items(List<Row<T>> rows) {
        return new AbstractList<>() {
            @Override
            public T get(int index) {
                return rows.get(index).item();
            }

            @Override
            public int size() {
                return rows.size();
            }
        };
    }

    /**
     * A batch through the sink's circuit breaker ({@link StageContext#guard}): a data error is
     * the rows' fault, not the database's, so the breaker sees that call succeed; the error is
     * raised again after it, to be bisected.
     */
    private Mono<Long> guarded(List<Row<T>> rows, StageContext ctx, Target<T> target) {
        return ctx.guard(target.execute(rows)
                        .map(n -> new Written(n, null))
                        .onErrorResume(target::isDataError, e -> Mono.just(new Written(0L, e))))
                .flatMap(w -> w.dataError() == null ? Mono.just(w.rows()) : Mono.error(w.dataError()));
    }

    /** What a batch's call gave: the rows written, or the data error that refused it. */
    private record Written(long rows, Throwable dataError) {
    }

    /** Whether a SQL state names a data error isolated to some rows: class 22 (data) or 23 (integrity). */
    public static boolean isDataErrorState(String sqlState) {
        return sqlState != null && (sqlState.startsWith("22") || sqlState.startsWith("23"));
    }
}
