package dev.pipeline.connectors.r2dbc.internal;

import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.pipeline.connectors.r2dbc.InsertOptions;
import dev.pipeline.connectors.r2dbc.InsertResult;
import dev.pipeline.connectors.r2dbc.RowRejectedException;
import dev.pipeline.connectors.internal.BatchWriter;
import dev.pipeline.connectors.internal.BatchWriter.Row;
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
 * The R2DBC side of a batch sink: each batch is one statement with {@code Statement.add()} per
 * row, in one transaction, on a connection the run keeps ({@link Lanes}). The batching policy
 * (bad-row bisection, the circuit breaker, the accounting) is the one every database sink shares:
 * {@link BatchWriter}. A failed commit is never retried ({@link CommitFailedException}).
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
        BatchWriter<T> writer = new BatchWriter<>(binder, options.batchSize(), options.maxWait(), options.concurrency(),
                options.scheduler());
        return sql.get().flatMap(statement -> Mono.usingWhen(
                Mono.fromSupplier(() -> new Lanes(cf, options.scheduler())),
                lanes -> writer.run(items, ctx, new Target(lanes, statement))
                        .map(c -> new InsertResult(c.rows(), c.rejected(), c.batches())),
                // giving connections back may run H2 work: keep it off the thread that cancelled
                Lanes::closeAll,
                (l, e) -> l.closeAll(),
                Lanes::closeAll));
    }

    /** One run's writes: its lanes and its statement. */
    private final class Target implements BatchWriter.Target<T> {
        private final Lanes lanes;
        private final String statement;

        Target(Lanes lanes, String statement) {
            this.lanes = lanes;
            this.statement = statement;
        }

        @Override
        public Mono<Long> execute(List<Row<T>> rows) {
            return BatchInsert.this.execute(lanes, statement, rows);
        }

        @Override
        public boolean isDataError(Throwable e) {
            return isDataErrorException(e);
        }

        @Override
        public Throwable rejection(Throwable e) {
            return new RowRejectedException(name, (R2dbcException) e);
        }
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
    public static boolean isDataErrorException(Throwable e) {
        if (!(e instanceof R2dbcException r) || e instanceof CommitFailedException) {
            return false;
        }
        String state = r.getSqlState();
        if (BatchWriter.isDataErrorState(state)) {
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
