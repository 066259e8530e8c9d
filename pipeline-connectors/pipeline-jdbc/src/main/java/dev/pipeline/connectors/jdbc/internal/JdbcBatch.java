package dev.pipeline.connectors.jdbc.internal;

import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLNonTransientException;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;
import java.util.function.Function;

import javax.sql.DataSource;

import dev.pipeline.connectors.internal.BatchWriter;
import dev.pipeline.connectors.internal.BatchWriter.Row;
import dev.pipeline.connectors.internal.UpsertSql;
import dev.pipeline.connectors.jdbc.InsertOptions;
import dev.pipeline.connectors.jdbc.InsertResult;
import dev.pipeline.connectors.jdbc.RowRejectedException;
import dev.pipeline.core.StageContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The JDBC side of a batch sink: each batch takes a connection from the data source, binds every
 * row into one {@code PreparedStatement} ({@code addBatch()}), runs {@code executeBatch()} and
 * commits, all on a blocking thread of the run's bounded scheduler (one thread per batch in
 * flight). A refused batch is rolled back before the error leaves, so {@link BatchWriter} may
 * bisect it. A failed commit is never retried ({@link CommitFailedException}).
 *
 * @param <T> the item type
 */
public final class JdbcBatch<T> {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcBatch.class);
    /** Tasks that may wait for a thread: a batch per thread and the dialect look-up, with room to spare. */
    private static final int QUEUED_TASKS_PER_THREAD = 4;

    private final String name;
    private final DataSource ds;
    /** The statement, or null when it is {@link #upsert}'s, made for the database's product. */
    private final String sql;
    private final UpsertSql upsert;
    private final Function<? super T, ? extends List<?>> binder;
    private final InsertOptions options;

    private JdbcBatch(String name, DataSource ds, String sql, UpsertSql upsert, Function<? super T, ? extends List<?>> binder,
            InsertOptions options) {
        this.name = name;
        this.ds = ds;
        this.sql = sql;
        this.upsert = upsert;
        this.binder = binder;
        this.options = options;
    }

    /** A run of {@code sql} for each row. */
    public static <T> JdbcBatch<T> insert(String name, DataSource ds, String sql, Function<? super T, ? extends List<?>> binder,
            InsertOptions options) {
        return new JdbcBatch<>(name, ds, sql, null, binder, options);
    }

    /** A run of the upsert for the database's product (read from a connection's metadata when the run starts). */
    public static <T> JdbcBatch<T> upsert(String name, DataSource ds, UpsertSql upsert, Function<? super T, ? extends List<?>> binder,
            InsertOptions options) {
        return new JdbcBatch<>(name, ds, null, upsert, binder, options);
    }

    /** One run: its scheduler (its own unless the options name one), the statement, the batches. */
    public Mono<InsertResult> run(Flux<T> items, StageContext ctx) {
        BatchWriter<T> writer = new BatchWriter<>(binder, options.batchSize(), options.maxWait(), options.concurrency(),
                Schedulers.parallel());
        return Mono.usingWhen(
                Mono.fromSupplier(this::threads),
                threads -> (sql != null ? Mono.just(sql)
                                : Mono.fromCallable(() -> upsert.sql(product(), UpsertSql.QUESTION)).subscribeOn(threads))
                        .flatMap(statement -> writer.run(items, ctx, new Target(statement, threads)))
                        .map(c -> new InsertResult(c.rows(), c.rejected(), c.batches())),
                this::release,
                (threads, e) -> release(threads),
                this::release);
    }

    private Scheduler threads() {
        if (options.scheduler() != null) {
            return options.scheduler();
        }
        int n = options.concurrency();
        return Schedulers.newBoundedElastic(n, n * QUEUED_TASKS_PER_THREAD, "jdbc-" + name);
    }

    /** Disposes the run's own scheduler once its tasks are done (never interrupting a batch mid-way). */
    private Mono<Void> release(Scheduler threads) {
        return threads == options.scheduler() ? Mono.empty() : Mono.defer(threads::disposeGracefully);
    }

    private String product() throws SQLException {
        try (Connection c = ds.getConnection()) {
            return c.getMetaData().getDatabaseProductName();
        }
    }

    /** One run's writes: the statement and the threads they run on. */
    private final class Target implements BatchWriter.Target<T> {
        private final String statement;
        private final Scheduler threads;

        Target(String statement, Scheduler threads) {
            this.statement = statement;
            this.threads = threads;
        }

        @Override
        public Mono<Long> execute(List<Row<T>> rows) {
            return Mono.fromCallable(() -> write(statement, rows)).subscribeOn(threads);
        }

        @Override
        public boolean isDataError(Throwable e) {
            return e instanceof SQLException s && !(e instanceof CommitFailedException)
                    && BatchWriter.isDataErrorState(rowError(s).getSQLState());
        }

        @Override
        public Throwable rejection(Throwable e) {
            return new RowRejectedException(name, rowError((SQLException) e));
        }
    }

    /** Binds, executes and commits one batch in one transaction; rolls back when it fails. */
    private long write(String statement, List<? extends Row<?>> rows) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            long n;
            try (PreparedStatement ps = c.prepareStatement(statement)) {
                for (Row<?> row : rows) {
                    bind(ps, row.values());
                    ps.addBatch();
                }
                n = updated(ps.executeBatch());
            } catch (SQLException | RuntimeException e) {
                rollback(c);
                throw e;
            }
            try {
                c.commit();
            } catch (SQLException e) {
                rollback(c);
                throw new CommitFailedException(name, rows.size(), e);
            }
            return n;
        }
    }

    /** Binds values by index (the first value is marker 1); values are never concatenated into SQL. */
    private static void bind(PreparedStatement ps, List<?> values) throws SQLException {
        for (int i = 0; i < values.size(); i++) {
            Object v = values.get(i);
            int index = i + 1;
            if (v == null) {
                ps.setNull(index, Types.NULL);
            } else if (v instanceof String s) {
                ps.setString(index, s);
            } else if (v instanceof Integer k) {
                ps.setInt(index, k);
            } else if (v instanceof Long k) {
                ps.setLong(index, k);
            } else {
                ps.setObject(index, v);
            }
        }
    }

    private static long updated(int[] counts) {
        long n = 0;
        for (int k : counts) {
            n += k >= 0 ? k : (k == Statement.SUCCESS_NO_INFO ? 1 : 0);
        }
        return n;
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            // the batch's error is what the caller sees; a failed rollback (connection gone) means
            // the server rolls back when it drops the session, and the pool discards the connection
            LOG.debug("rollback failed: {}", e.toString());
        }
    }

    /**
     * The row's own error: a {@link BatchUpdateException} wraps the database's error for the
     * failing row (its next exception), whose message names the constraint without echoing the
     * whole statement.
     */
    static SQLException rowError(SQLException e) {
        SQLException next = e instanceof BatchUpdateException ? e.getNextException() : null;
        return next != null && next.getSQLState() != null ? next : e;
    }

    /** A commit failed: whether the batch was written is unknown, so it is neither split nor retried. */
    public static final class CommitFailedException extends SQLNonTransientException {
        private static final long serialVersionUID = 1L;

        CommitFailedException(String sink, int rows, SQLException cause) {
            super("sink '" + sink + "': committing a batch of " + rows + " rows failed; whether it was written is "
                    + "unknown, so it is not retried: " + cause.getMessage(), cause.getSQLState(), cause.getErrorCode(), cause);
        }
    }
}
