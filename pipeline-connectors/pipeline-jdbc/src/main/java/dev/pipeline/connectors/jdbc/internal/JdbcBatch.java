package dev.pipeline.connectors.jdbc.internal;

import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLNonTransientException;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
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
 * The JDBC side of a batch sink: each batch takes a lane of the run (a connection from the data
 * source and its {@code PreparedStatement}, kept for the run and reused batch after batch), binds
 * every row ({@code addBatch()}), runs {@code executeBatch()} and commits, all on a blocking
 * thread of the run's bounded scheduler (one thread and one lane per batch in flight); the lanes
 * are closed when the run ends. {@link BatchWriter#run(reactor.core.publisher.Flux, StageContext,
 * BatchWriter.Target, Scheduler)} hands each batch to a worker of that scheduler, which writes it
 * there at once; a write that reaches the target on any other thread (a circuit breaker's retry
 * on a timer, after a dead letter completed elsewhere) is moved to the run's threads first. A
 * refused batch is rolled back before the error leaves, so {@link BatchWriter} may bisect it. A failed commit is never retried ({@link CommitFailedException}).
 *
 * @param <T> the item type
 */
public final class JdbcBatch<T> {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcBatch.class);
    /** Tasks that may wait for a thread: a batch per thread and the dialect look-up, with room to spare. */
    private static final int QUEUED_TASKS_PER_THREAD = 4;
    private static final int IDLE_SECONDS = 60;
    /**
     * A lane idle longer than this (a sparse stream: servers and firewalls drop idle sessions)
     * goes back to the pool, and the batch borrows a connection afresh, which the pool checks.
     */
    private static final long MAX_LANE_IDLE_NANOS = 30_000_000_000L;

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

    /** One run: its scheduler (its own unless the options name one), the statement, its lanes, the batches. */
    public Mono<InsertResult> run(Flux<T> items, StageContext ctx) {
        BatchWriter<T> writer = new BatchWriter<>(binder, options.batchSize(), options.maxWait(), options.concurrency(),
                Schedulers.parallel());
        return Mono.usingWhen(
                Mono.fromSupplier(() -> new Resources(threads(), new Lanes(ds))),
                r -> (sql != null ? Mono.just(sql)
                                : Mono.fromCallable(() -> upsert.sql(product(), UpsertSql.QUESTION)).subscribeOn(r.threads))
                        .flatMap(statement -> writer.run(items, ctx, new Target(statement, r), r.threads))
                        .map(c -> new InsertResult(c.rows(), c.rejected(), c.batches())),
                this::release,
                (r, e) -> release(r),
                this::release);
    }

    /** A run's threads and the connections its batches keep. */
    private record Resources(Scheduler threads, Lanes lanes) {
    }

    private Scheduler threads() {
        if (options.scheduler() != null) {
            return options.scheduler();
        }
        int n = options.concurrency();
        // daemon threads: a run that is never ended (a subscriber that goes away without cancelling) keeps no JVM alive
        return Schedulers.newBoundedElastic(n, n * QUEUED_TASKS_PER_THREAD, "jdbc-" + name, IDLE_SECONDS, true);
    }

    /**
     * Closes the run's idle lanes (on its blocking threads: closing a connection may do I/O) and
     * then disposes the run's own scheduler once its tasks are done (never interrupting a batch
     * mid-way). A batch still in flight closes its own lane when it ends ({@link Lanes#give}).
     */
    private Mono<Void> release(Resources r) {
        Mono<Void> close = Mono.<Void>fromRunnable(r.lanes::close).subscribeOn(r.threads)
                .onErrorResume(e -> {
                    LOG.debug("sink '{}': closing its connections failed: {}", name, e.toString());
                    return Mono.empty();
                });
        return r.threads == options.scheduler() ? close : close.then(Mono.defer(r.threads::disposeGracefully));
    }

    private String product() throws SQLException {
        try (Connection c = ds.getConnection()) {
            return c.getMetaData().getDatabaseProductName();
        }
    }

    /** One run's writes: the statement and the threads they run on. */
    private final class Target implements BatchWriter.Target<T> {
        private final String statement;
        private final Resources resources;

        Target(String statement, Resources resources) {
            this.statement = statement;
            this.resources = resources;
        }

        @Override
        public Mono<Long> execute(List<Row<T>> rows) {
            Mono<Long> write = Mono.fromCallable(() -> write(resources.lanes, statement, rows));
            // BatchWriter calls this on a lane, a worker of the run's scheduler: written there, at once. Anywhere
            // else (a retry of the circuit breaker on a timer, after a dead letter that completed on another thread)
            // it moves to the run's threads first, so JDBC never blocks a thread that is not the run's
            return Mono.defer(() -> BatchWriter.onLane(resources.threads) ? write : write.subscribeOn(resources.threads));
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

    /**
     * Binds, executes and commits one batch in one transaction on a lane of the run (its
     * connection and prepared statement, reused batch after batch); rolls back when it fails. A
     * lane whose rollback failed (the connection is likely gone) is closed, not reused.
     */
    private long write(Lanes lanes, String statement, List<? extends Row<?>> rows) throws SQLException {
        Lane lane = lanes.take(statement);
        boolean reusable = false;
        try {
            long n;
            try {
                PreparedStatement ps = lane.ps;
                ps.clearParameters();
                for (Row<?> row : rows) {
                    bind(ps, row.values());
                    ps.addBatch();
                }
                n = updated(ps.executeBatch());
            } catch (SQLException | RuntimeException e) {
                clearBatch(lane.ps);
                reusable = rollback(lane.c);
                throw e;
            }
            try {
                lane.c.commit();
            } catch (SQLException e) {
                rollback(lane.c);
                throw new CommitFailedException(name, rows.size(), e);
            }
            reusable = true;
            return n;
        } finally {
            if (reusable) {
                lanes.give(lane);
            } else {
                lane.close();
            }
        }
    }

    private static void clearBatch(PreparedStatement ps) {
        try {
            ps.clearBatch();
        } catch (SQLException e) {
            LOG.debug("clearing a failed batch failed: {}", e.toString());
        }
    }

    /**
     * A connection taken from the data source for the run with autocommit off, and its prepared
     * statement: one per batch in flight, so a batch neither borrows a connection nor prepares
     * the statement again.
     */
    private static final class Lane {
        final Connection c;
        final PreparedStatement ps;
        /** When it was last given back ({@link System#nanoTime}); read by the next batch that takes it. */
        volatile long idleSince;

        Lane(Connection c, PreparedStatement ps) {
            this.c = c;
            this.ps = ps;
        }

        /** Closes the statement and gives the connection back to its pool; never throws. */
        void close() {
            try {
                ps.close();
            } catch (SQLException e) {
                LOG.debug("closing a statement failed: {}", e.toString());
            }
            try {
                c.close();
            } catch (SQLException e) {
                LOG.debug("closing a connection failed: {}", e.toString());
            }
        }
    }

    /**
     * The run's idle lanes. A batch takes one (or opens one when none is idle) and gives it back
     * when it committed, so there are never more lanes than batches in flight (the concurrency),
     * each holding one pooled connection. Once the run ended ({@link #close}) every lane is
     * closed: those idle then, and those in flight when they are given back.
     */
    private static final class Lanes {
        private final DataSource ds;
        private final ConcurrentLinkedQueue<Lane> idle = new ConcurrentLinkedQueue<>();
        private volatile boolean closed;

        Lanes(DataSource ds) {
            this.ds = ds;
        }

        Lane take(String statement) throws SQLException {
            Lane lane = idle.poll();
            if (lane != null && System.nanoTime() - lane.idleSince <= MAX_LANE_IDLE_NANOS) {
                return lane;
            }
            if (lane != null) {
                // idle for a while: the server may have dropped it; a fresh borrow is
                // checked by the pool (HikariCP validates a connection idle for more than 500 ms)
                lane.close();
            }
            Connection c = ds.getConnection();
            try {
                c.setAutoCommit(false);
                return new Lane(c, c.prepareStatement(statement));
            } catch (SQLException | RuntimeException e) {
                try {
                    c.close();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }

        void give(Lane lane) {
            lane.idleSince = System.nanoTime();
            idle.offer(lane);
            if (closed) {
                // the run ended while this batch was in flight: close() may have drained before the offer
                drain();
            }
        }

        void close() {
            closed = true;
            drain();
        }

        private void drain() {
            for (Lane lane = idle.poll(); lane != null; lane = idle.poll()) {
                lane.close();
            }
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

    /** Rolls back; whether that worked (the connection can be used again). */
    private static boolean rollback(Connection c) {
        try {
            c.rollback();
            return true;
        } catch (SQLException e) {
            // the batch's error is what the caller sees; a failed rollback (connection gone) means
            // the server rolls back when it drops the session, and the pool discards the connection
            LOG.debug("rollback failed: {}", e.toString());
            return false;
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
