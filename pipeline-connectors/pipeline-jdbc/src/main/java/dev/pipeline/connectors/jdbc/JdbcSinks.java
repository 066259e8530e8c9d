package dev.pipeline.connectors.jdbc;

import java.util.List;
import java.util.function.Function;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.pipeline.connectors.internal.Require;
import dev.pipeline.connectors.internal.UpsertSql;
import dev.pipeline.connectors.jdbc.internal.JdbcBatch;
import dev.pipeline.core.Sink;
import dev.pipeline.core.StageContext;
import reactor.core.publisher.Flux;

/**
 * Sinks that write to a database in batches over JDBC, with the contract of the R2DBC sinks
 * ({@code R2dbcSinks} in {@code pipeline-r2dbc}).
 *
 * <p>Items are grouped into batches (up to {@link InsertOptions#batchSize} rows, or what came
 * within {@link InsertOptions#maxWait}); each batch is one {@code PreparedStatement} with
 * {@code addBatch()} per row and one {@code executeBatch()}, in one transaction. A run keeps one
 * connection (autocommit off) and its prepared statement per batch in flight, taken from the pool
 * when first needed and given back when the run ends, so a batch neither borrows a connection nor
 * prepares the statement again. The next batches are gathered (the binder run, and the hash of each
 * {@code String} value computed, which H2's driver would otherwise compute while binding) on another thread while
 * the current ones are written (at most {@code concurrency + 1} ahead, one more waiting for a
 * lane and two more queued per batch in flight), and each thread that writes takes its next batch from its queue as soon as
 * the last one committed, without waiting for another thread. Every value is a bind
 * parameter. <b>Bad rows
 * are isolated:</b> when the database refuses a batch for a data error (SQL state class 22 or
 * 23: duplicate key, NULL into NOT NULL, value too long...), the batch is rolled back and split
 * in halves, recursively, until each bad row stands alone. The good rows commit; each bad row
 * goes to the sink's error policy ({@code sink.onError(...)}) as a {@link RowRejectedException}
 * with the database's message and SQL state. No row is written twice. Other errors (connection
 * lost, bad SQL, a failed commit) fail the run: rows of batches already committed stay, the
 * report says how many.
 *
 * <p><b>Thread:</b> JDBC blocks, so every JDBC call of a run (taking a connection, binding,
 * {@code executeBatch}, commit) runs on a bounded scheduler of the run's own with one thread
 * per batch in flight ({@link InsertOptions#concurrency}), disposed when the run ends, never on
 * a non-blocking Reactor thread. The sinks are cold: nothing is opened until a run subscribes.
 *
 * <pre>{@code
 * Sink<Person, InsertResult> people = JdbcSinks.insert(pool,
 *                 "INSERT INTO people (id, name) VALUES (?, ?)", p -> List.of(p.id(), p.name()),
 *                 InsertOptions.defaults().batchSize(1000).concurrency(2))
 *         .onError(ErrorPolicy.deadLetter(FileSinks.ndjson(Path.of("rejected.ndjson"))));
 * }</pre>
 */
public final class JdbcSinks {

    private JdbcSinks() {
    }

    /**
     * Inserts items with {@code sql} (markers {@code ?}) and the values {@code binder} gives for
     * each item, in batches with the default {@link InsertOptions}.
     *
     * @param ds the data source (a pool, e.g. {@link Jdbc#pool})
     * @param sql the insert statement
     * @param binder an item's values, one per marker ({@code null} binds NULL); a binder that
     *     throws rejects the item
     * @param <T> the item type
     * @return a sink named {@code insert} (rename it with {@link Sink#named}), whose result counts
     *     rows, rejected rows and batches
     */
    public static <T> Sink<T, InsertResult> insert(DataSource ds, String sql, Function<? super T, ? extends List<?>> binder) {
        return insert(ds, sql, binder, InsertOptions.defaults());
    }

    /**
     * {@link #insert(DataSource, String, Function)} with options (batch size, max wait,
     * concurrency, scheduler).
     *
     * @param ds the data source (a pool at least {@code concurrency} big)
     * @param sql the insert statement
     * @param binder an item's values
     * @param options the options
     * @param <T> the item type
     * @return the sink
     * @throws IllegalArgumentException when {@code ds} is a {@link HikariDataSource} that holds
     *     fewer connections than the options' concurrency
     */
    public static <T> Sink<T, InsertResult> insert(DataSource ds, String sql,
            Function<? super T, ? extends List<?>> binder, InsertOptions options) {
        Require.nonNull(ds, "ds");
        Require.nonBlank(sql, "sql");
        Require.nonNull(binder, "binder");
        Require.nonNull(options, "options");
        String name = "insert";
        requireRoomForBatches(ds, options, name);
        return Sink.create(name, (Flux<T> items, StageContext ctx) ->
                JdbcBatch.<T>insert(ctx.name(), ds, sql, binder, options).run(items, ctx));
    }

    /**
     * Inserts or updates items by key: {@code MERGE INTO ... KEY (...)} on H2,
     * {@code INSERT ... ON CONFLICT (...) DO UPDATE} on PostgreSQL (the dialect is read from the
     * connection's metadata when the run starts). Batches and bad-row isolation as
     * {@link #insert}.
     *
     * @param ds the data source
     * @param table the table ({@code name} or {@code schema.name})
     * @param keyColumns the key columns (a unique or primary key)
     * @param columns all columns written, keys included, in the order of {@code binder}'s values
     * @param binder an item's values, one per column
     * @param <T> the item type
     * @return a sink named {@code upsert(<table>)} (rename it with {@link Sink#named})
     * @throws IllegalArgumentException for a name that is not a plain SQL identifier, or key
     *     columns not among the columns
     */
    public static <T> Sink<T, InsertResult> upsert(DataSource ds, String table, List<String> keyColumns,
            List<String> columns, Function<? super T, ? extends List<?>> binder) {
        return upsert(ds, table, keyColumns, columns, binder, InsertOptions.defaults());
    }

    /**
     * {@link #upsert(DataSource, String, List, List, Function)} with options. A run against a
     * database other than H2 or PostgreSQL fails with an {@link UnsupportedOperationException}
     * that says to use {@link #insert} with that database's upsert statement.
     *
     * @param ds the data source
     * @param table the table
     * @param keyColumns the key columns
     * @param columns all columns written
     * @param binder an item's values, one per column
     * @param options the options
     * @param <T> the item type
     * @return the sink
     * @throws IllegalArgumentException for a name that is not a plain SQL identifier, key columns
     *     not among the columns, or a {@link HikariDataSource} that holds fewer connections than
     *     the options' concurrency
     */
    public static <T> Sink<T, InsertResult> upsert(DataSource ds, String table, List<String> keyColumns,
            List<String> columns, Function<? super T, ? extends List<?>> binder, InsertOptions options) {
        Require.nonNull(ds, "ds");
        Require.nonNull(binder, "binder");
        Require.nonNull(options, "options");
        UpsertSql upsert = new UpsertSql(table, keyColumns, columns);
        String name = "upsert(" + table + ")";
        requireRoomForBatches(ds, options, name);
        return Sink.create(name, (Flux<T> items, StageContext ctx) ->
                JdbcBatch.<T>upsert(ctx.name(), ds, upsert, binder, options)
                        .run(items, ctx));
    }

    /**
     * Each batch in flight holds a connection: with a pool smaller than the concurrency, the
     * extra threads would only wait for one (and fail at the pool's connection timeout when a
     * batch is slow). Refused here.
     */
    private static void requireRoomForBatches(DataSource ds, InsertOptions options, String name) {
        if (ds instanceof HikariDataSource pool && pool.getMaximumPoolSize() < options.concurrency()) {
            throw new IllegalArgumentException("sink '" + name + "': concurrency " + options.concurrency()
                    + " needs a pool of at least " + options.concurrency() + " connections (each batch in flight holds one),"
                    + " but this pool holds at most " + pool.getMaximumPoolSize()
                    + "; make the pool bigger (Jdbc.pool(url, " + options.concurrency() + ")) or lower the concurrency");
        }
    }
}
