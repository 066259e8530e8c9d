package dev.pipeline.connectors.r2dbc;

import java.util.List;
import java.util.function.Function;

import dev.pipeline.connectors.r2dbc.internal.Binds;
import dev.pipeline.core.Source;
import dev.pipeline.connectors.internal.Require;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Row;
import reactor.core.publisher.Flux;

/**
 * Sources that read from a database.
 *
 * <pre>{@code
 * Source<Person> adults = R2dbcSources.query(pool,
 *         "SELECT id, name FROM people WHERE age >= $1 ORDER BY id", List.of(18),
 *         row -> new Person(row.get("id", Integer.class), row.get("name", String.class)));
 * }</pre>
 */
public final class R2dbcSources {

    private R2dbcSources() {
    }

    /**
     * Streams the rows of a query with backpressure: a connection is taken from {@code cf}
     * when a run subscribes, rows are fetched as the pipeline requests them, and the connection
     * is released on complete, error and cancel. Values are bound as parameters ({@code $1},
     * {@code $2}, ...), never concatenated into the SQL. Cold.
     *
     * @param cf the connection factory (usually a pool)
     * @param sql the query, with {@code $1...} markers
     * @param bindings the values for the markers in order ({@code null} binds NULL; for a typed
     *     NULL on PostgreSQL pass {@code Parameters.in(Integer.class)})
     * @param rowMapper turns a row into an item (called on the driver's thread; must not return null)
     * @param <T> the item type
     * @return a source named {@code query} (rename it with {@link Source#named})
     */
    public static <T> Source<T> query(ConnectionFactory cf, String sql, List<?> bindings,
            Function<? super Row, ? extends T> rowMapper) {
        return query(cf, sql, bindings, rowMapper, QueryOptions.defaults());
    }

    /**
     * {@link #query(ConnectionFactory, String, List, Function)} with options (fetch size,
     * scheduler).
     *
     * @param cf the connection factory
     * @param sql the query
     * @param bindings the values for the markers
     * @param rowMapper turns a row into an item
     * @param options the options
     * @param <T> the item type
     * @return the source
     */
    public static <T> Source<T> query(ConnectionFactory cf, String sql, List<?> bindings,
            Function<? super Row, ? extends T> rowMapper, QueryOptions options) {
        Require.nonNull(cf, "cf");
        Require.nonBlank(sql, "sql");
        Require.nonNull(bindings, "bindings");
        Require.nonNull(rowMapper, "rowMapper");
        Require.nonNull(options, "options");
        List<?> values = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(bindings));
        return Source.create("query", ctx -> rows(cf, sql, values, rowMapper, options));
    }

    static <T> Flux<T> rows(ConnectionFactory cf, String sql, List<?> values, Function<? super Row, ? extends T> rowMapper,
            QueryOptions options) {
        return Flux.usingWhen(cf.create(),
                (Connection conn) -> Flux.from(Binds.bind(conn.createStatement(sql), values).fetchSize(options.fetchSize()).execute())
                        .concatMap(result -> result.<T>map((row, meta) -> rowMapper.apply(row))),
                Connection::close)
                .subscribeOn(options.scheduler())
                // keeps demand on the driver: r2dbc-postgresql can withhold completion when the
                // downstream demand runs out exactly at the last row (pgjdbc/r2dbc-postgresql#401-like)
                .publishOn(options.scheduler(), options.fetchSize());
    }
}
