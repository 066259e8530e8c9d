package dev.pipeline.connectors.r2dbc.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.pipeline.connectors.r2dbc.InsertOptions;
import dev.pipeline.connectors.r2dbc.InsertResult;
import dev.pipeline.connectors.r2dbc.RowRejectedException;
import dev.pipeline.core.CircuitOpenException;
import dev.pipeline.core.StageContext;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Writes items in batches, one transaction per batch. A batch the database refuses for a data
 * error (SQL state class 22 or 23) was rolled back, so it is split in halves and retried
 * until the bad rows stand alone: each is rejected through the context, the rest commit.
 * Other errors (connection lost, bad SQL, a failed commit) fail the sink: retrying them could
 * write a row twice. Each batch (and each half) is one call through the sink's circuit
 * breaker, if it has one; a batch it refuses was never sent, and its rows go to the policy.
 */
public final class BatchInsert<T> {

    private static final Logger LOG = LoggerFactory.getLogger(BatchInsert.class);

    private final String name;
    private final ConnectionFactory cf;
    private final Supplier<Mono<String>> sql;
    private final Function<? super T, ? extends List<?>> binder;
    private final InsertOptions options;

    public BatchInsert(String name, ConnectionFactory cf, Supplier<Mono<String>> sql,
            Function<? super T, ? extends List<?>> binder, InsertOptions options) {
        this.name = name;
        this.cf = cf;
        this.sql = sql;
        this.binder = binder;
        this.options = options;
    }

    public Mono<InsertResult> run(Flux<T> items, StageContext ctx) {
        return sql.get().flatMap(statement -> Mono.usingWhen(
                Mono.fromSupplier(() -> new Lanes(cf, options.scheduler())),
                lanes -> items
                        .bufferTimeout(options.batchSize(), options.maxWait(), options.scheduler(), true)
                        // gather the next batches while the current ones are written (bounded: concurrency + 1)
                        .limitRate(options.concurrency() + 1)
                        .flatMap(batch -> writeBatch(lanes, statement, batch, ctx), options.concurrency(), 1)
                        .reduce(InsertResult.EMPTY, InsertResult::plus),
                // giving connections back may run H2 work: keep it off the thread that cancelled
                Lanes::closeAll,
                (lanes, e) -> lanes.closeAll(),
                Lanes::closeAll));
    }

    private record Row<T>(T item, List<?> values) {
    }

    private Mono<InsertResult> writeBatch(Lanes lanes, String statement, List<T> batch, StageContext ctx) {
        List<Row<T>> rows = new ArrayList<>(batch.size());
        List<Mono<Void>> bad = new ArrayList<>();
        for (T item : batch) {
            List<?> values;
            try {
                values = binder.apply(item);
                if (values == null) {
                    throw new NullPointerException("the binder returned null values for the item");
                }
            } catch (RuntimeException e) {
                bad.add(ctx.reject(item, e, 1));
                continue;
            }
            rows.add(new Row<>(item, values));
        }
        Mono<InsertResult> rejected = Flux.concat(bad).then(Mono.just(new InsertResult(0, bad.size(), 0)));
        return rejected.flatMap(r -> write(lanes, statement, rows, ctx).map(r::plus));
    }

    private Mono<InsertResult> write(Lanes lanes, String statement, List<Row<T>> rows, StageContext ctx) {
        if (rows.isEmpty()) {
            return Mono.just(InsertResult.EMPTY);
        }
        return guarded(lanes, statement, rows, ctx)
                // named, not counted: batches commit out of order (concurrency), and an acknowledged
                // source's items settle exactly when their own batch committed
                .doOnNext(n -> ctx.completed(rows.stream().map(Row::item).toList()))
                .map(n -> new InsertResult(rows.size(), 0, 1))
                // the sink's circuit breaker refused the batch: nothing was written, every row goes to the policy
                .onErrorResume(CircuitOpenException.class, e -> Flux.fromIterable(rows)
                        .concatMap(row -> ctx.reject(row.item(), e, 1))
                        .then(Mono.just(new InsertResult(0, rows.size(), 0))))
                .onErrorResume(BatchInsert::isDataError, e -> {
                    if (rows.size() == 1) {
                        Row<T> row = rows.get(0);
                        return ctx.reject(row.item(), new RowRejectedException(name, (R2dbcException) e), 1)
                                .thenReturn(new InsertResult(0, 1, 0));
                    }
                    int half = rows.size() / 2;
                    LOG.debug("sink '{}': a batch of {} rows failed ({}); splitting it to isolate the bad rows",
                            name, rows.size(), e.toString());
                    return write(lanes, statement, rows.subList(0, half), ctx)
                            .flatMap(a -> write(lanes, statement, rows.subList(half, rows.size()), ctx).map(a::plus));
                });
    }

    /**
     * A batch through the sink's circuit breaker ({@link StageContext#guard}): a data error is
     * the rows' fault, not the database's, so the breaker sees that call succeed; the error is
     * raised again after it, to be bisected.
     */
    private Mono<Long> guarded(Lanes lanes, String statement, List<Row<T>> rows, StageContext ctx) {
        return ctx.guard(execute(lanes, statement, rows)
                        .map(n -> new Written(n, null))
                        .onErrorResume(BatchInsert::isDataError, e -> Mono.just(new Written(0L, e))))
                .flatMap(w -> w.dataError() == null ? Mono.just(w.rows()) : Mono.error(w.dataError()));
    }

    /** What a batch's call gave: the rows written, or the data error that refused it. */
    private record Written(long rows, Throwable dataError) {
    }

    private Mono<Long> execute(Lanes lanes, String statement, List<Row<T>> rows) {
        return Mono.usingWhen(lanes.acquire(),
                lane -> {
                    Connection conn = lane.connection();
                    return Mono.from(conn.beginTransaction())
                            .then(Flux.from(statement(conn, statement, rows).execute())
                                    .concatMap(Result::getRowsUpdated)
                                    .reduce(0L, Long::sum))
                            .flatMap(n -> Mono.from(conn.commitTransaction())
                                    .onErrorMap(e -> new CommitFailedException(name, rows.size(), e))
                                    .thenReturn(n))
                            // every batch of a lane runs on the lane's worker: no hop to a cold thread
                            .subscribeOn(lane.worker());
                },
                lanes::release,
                (lane, e) -> Lanes.discard(lane, rollbackAndClose(lane.connection())),
                lane -> Lanes.discard(lane, rollbackAndClose(lane.connection())));
    }

    private static Statement statement(Connection conn, String sql, List<? extends Row<?>> rows) {
        Statement s = conn.createStatement(sql);
        boolean first = true;
        for (Row<?> row : rows) {
            if (!first) {
                s.add();
            }
            first = false;
            Binds.bind(s, row.values());
        }
        return s;
    }

    private static Mono<Void> rollbackAndClose(Connection conn) {
        return Mono.from(conn.rollbackTransaction())
                .onErrorResume(e -> {
                    // the batch's error is what the caller sees; a failed rollback (connection gone)
                    // means the server rolls back when it drops the session
                    LOG.debug("rollback failed: {}", e.toString());
                    return Mono.empty();
                })
                .then(Mono.from(conn.close()));
    }

    /** A data error isolated to some rows: SQL state class 22 (data) or 23 (integrity). */
    public static boolean isDataError(Throwable e) {
        if (!(e instanceof R2dbcException r) || e instanceof CommitFailedException) {
            return false;
        }
        String state = r.getSqlState();
        if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
            return true;
        }
        return state == null && e instanceof R2dbcDataIntegrityViolationException;
    }

    /** A commit failed: whether the batch was written is unknown, so it is neither split nor retried. */
    public static final class CommitFailedException extends io.r2dbc.spi.R2dbcNonTransientResourceException {
        private static final long serialVersionUID = 1L;

        CommitFailedException(String sink, int rows, Throwable cause) {
            super("sink '" + sink + "': committing a batch of " + rows + " rows failed; whether it was written is "
                    + "unknown, so it is not retried: " + cause.getMessage(), null, 0, cause);
        }
    }
}
