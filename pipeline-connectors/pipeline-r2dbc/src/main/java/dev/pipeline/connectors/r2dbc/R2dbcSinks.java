package dev.pipeline.connectors.r2dbc;

import java.util.List;
import java.util.function.Function;

import dev.pipeline.connectors.r2dbc.internal.BatchInsert;
import dev.pipeline.core.Sink;
import dev.pipeline.core.StageContext;
import dev.pipeline.connectors.internal.Require;
import dev.pipeline.connectors.internal.UpsertSql;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.PoolMetrics;
import io.r2dbc.spi.ConnectionFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Sinks that write to a database in batches.
 *
 * <p>Items are grouped into batches (up to {@link InsertOptions#batchSize} rows, or what came
 * within {@link InsertOptions#maxWait}); each batch is one statement with
 * {@code Statement.add()} per row, in one transaction, on a pooled connection. Every value is
 * a bind parameter. <b>Bad rows are isolated:</b> when the database refuses a batch for a data
 * error (SQL state class 22 or 23: duplicate key, NULL into NOT NULL, value too long...), the
 * batch has been rolled back; it is split in halves, recursively, until each bad row stands
 * alone. The good rows commit; each bad row goes to the sink's error policy ({@code
 * sink.onError(...)}) as a {@link RowRejectedException} with the database's message and SQL
 * state. No row is written twice. Other errors (connection lost, bad SQL, a failed commit) fail
 * the run: rows of batches already committed stay, the report says how many.
 *
 * <pre>{@code
 * Sink<Person, InsertResult> people = R2dbcSinks.insert(pool,
 *                 "INSERT INTO people (id, name) VALUES ($1, $2)", p -> List.of(p.id(), p.name()),
 *                 InsertOptions.defaults().batchSize(1000).concurrency(4))
 *         .onError(ErrorPolicy.deadLetter(FileSinks.ndjson(Path.of("rejected.ndjson"))));
 * }</pre>
 */
public final class R2dbcSinks {

    private R2dbcSinks() {
    }

    /**
     * Inserts items with {@code sql} (markers {@code $1, $2, ...}) and the values {@code binder}
     * gives for each item, in batches with the default {@link InsertOptions}.
     *
     * @param cf the connection factory (a pool)
     * @param sql the insert statement
     * @param binder an item's values, one per marker ({@code null} binds NULL; for a typed NULL
     *     on PostgreSQL pass {@code Parameters.in(String.class)}); a binder that throws rejects
     *     the item
     * @param <T> the item type
     * @return a sink named {@code insert} (rename it with {@link Sink#named}), whose result counts
     *     rows, rejected rows and batches
     */
    public static <T> Sink<T, InsertResult> insert(ConnectionFactory cf, String sql, Function<? super T, ? extends List<?>> binder) {
        return insert(cf, sql, binder, InsertOptions.defaults());
    }

    /**
     * {@link #insert(ConnectionFactory, String, Function)} with options (batch size, max wait,
     * concurrency, scheduler).
     *
     * @param cf the connection factory (a pool at least {@code concurrency} big)
     * @throws IllegalArgumentException when {@code cf} is a {@link ConnectionPool} that holds
     *     fewer connections than the options' concurrency
     * @param sql the insert statement
     * @param binder an item's values
     * @param options the options
     * @param <T> the item type
     * @return the sink
     */
    public static <T> Sink<T, InsertResult> insert(ConnectionFactory cf, String sql,
            Function<? super T, ? extends List<?>> binder, InsertOptions options) {
        Require.nonNull(cf, "cf");
        Require.nonBlank(sql, "sql");
        Require.nonNull(binder, "binder");
        Require.nonNull(options, "options");
        String name = "insert";
        requireRoomForLanes(cf, options, name);
        return Sink.create(name, (Flux<T> items, StageContext ctx) ->
                new BatchInsert<T>(ctx.name(), cf, () -> Mono.just(sql), binder, options).run(items, ctx));
    }

    /**
     * Inserts or updates items by key: {@code MERGE INTO ... KEY (...)} on H2,
     * {@code INSERT ... ON CONFLICT (...) DO UPDATE} on PostgreSQL (the dialect is read from the
     * connection factory's metadata when the run starts). Batches and bad-row isolation as
     * {@link #insert}.
     *
     * @param cf the connection factory
     * @param table the table ({@code name} or {@code schema.name})
     * @param keyColumns the key columns (a unique or primary key)
     * @param columns all columns written, keys included, in the order of {@code binder}'s values
     * @param binder an item's values, one per column
     * @param <T> the item type
     * @return a sink named {@code upsert(<table>)} (rename it with {@link Sink#named})
     * @throws IllegalArgumentException for a name that is not a plain SQL identifier, or key
     *     columns not among the columns
     */
    public static <T> Sink<T, InsertResult> upsert(ConnectionFactory cf, String table, List<String> keyColumns,
            List<String> columns, Function<? super T, ? extends List<?>> binder) {
        return upsert(cf, table, keyColumns, columns, binder, InsertOptions.defaults());
    }

    /**
     * {@link #upsert(ConnectionFactory, String, List, List, Function)} with options.
     *
     * @param cf the connection factory
     * @param table the table
     * @param keyColumns the key columns
     * @param columns all columns written
     * @param binder an item's values, one per column
     * @param options the options
     * @param <T> the item type
     * @return the sink
     * @throws IllegalArgumentException for a name that is not a plain SQL identifier, key columns
     *     not among the columns, or a {@link ConnectionPool} that holds fewer connections than the
     *     options' concurrency
     */
    public static <T> Sink<T, InsertResult> upsert(ConnectionFactory cf, String table, List<String> keyColumns,
            List<String> columns, Function<? super T, ? extends List<?>> binder, InsertOptions options) {
        Require.nonNull(cf, "cf");
        Require.nonNull(binder, "binder");
        Require.nonNull(options, "options");
        UpsertSql upsert = new UpsertSql(table, keyColumns, columns);
        String name = "upsert(" + table + ")";
        requireRoomForLanes(cf, options, name);
        return Sink.create(name, (Flux<T> items, StageContext ctx) ->
                new BatchInsert<T>(ctx.name(), cf, () -> Mono.fromCallable(() -> upsert.sql(cf.getMetadata().getName(), UpsertSql.DOLLAR)), binder, options)
                        .run(items, ctx));
    }

    /**
     * A run keeps one connection per batch in flight until it ends, so a pool smaller than the
     * concurrency would leave a batch waiting for a connection that only comes back when the run
     * ends: refused here rather than found out at the pool's acquire timeout.
     */
    private static void requireRoomForLanes(ConnectionFactory cf, InsertOptions options, String name) {
        if (cf instanceof ConnectionPool pool) {
            int max = pool.getMetrics().map(PoolMetrics::getMaxAllocatedSize).orElse(Integer.MAX_VALUE);
            if (max < options.concurrency()) {
                throw new IllegalArgumentException("sink '" + name + "': concurrency " + options.concurrency()
                        + " needs a pool of at least " + options.concurrency() + " connections (a run keeps one per batch"
                        + " in flight until it ends), but this pool holds at most " + max
                        + "; make the pool bigger (R2dbc.pool(url, " + options.concurrency() + ")) or lower the concurrency");
            }
        }
    }
}
