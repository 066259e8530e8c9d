package dev.pipeline.connectors.r2dbc;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

import dev.pipeline.connectors.r2dbc.internal.Binds;
import dev.pipeline.core.Stage;
import dev.pipeline.connectors.internal.Require;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Row;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Stages that query a database per item.
 *
 * <pre>{@code
 * Stage<Order, PricedOrder> price = R2dbcStages.lookup("price", pool,
 *         "SELECT price FROM products WHERE sku = $1", order -> List.of(order.sku()),
 *         row -> row.get("price", BigDecimal.class),
 *         (order, prices) -> order.priced(prices.isEmpty() ? null : prices.get(0)))
 *     .concurrency(8);
 * }</pre>
 */
public final class R2dbcStages {

    /** Default lookups in flight. */
    public static final int DEFAULT_CONCURRENCY = 4;

    private R2dbcStages() {
    }

    /**
     * Enriches each item with the rows of a query: binds {@code bindings(item)} to {@code sql},
     * maps the rows with {@code rowMapper}, and emits {@code combine(item, rows)}. Runs
     * {@value #DEFAULT_CONCURRENCY} lookups at once, each on its own pooled connection
     * (change it with {@link Stage#concurrency(int)}); order is kept. A failing query fails the
     * item, which the stage's {@code retry}/{@code onError} handle like any other.
     *
     * @param name the stage's name
     * @param cf the connection factory (a pool)
     * @param sql the query, with {@code $1...} markers
     * @param bindings an item's values for the markers
     * @param rowMapper turns a row into a value
     * @param combine the output for an item and its rows (empty list when none)
     * @param <I> the input type
     * @param <R> the row value type
     * @param <O> the output type
     * @return the stage
     */
    public static <I, R, O> Stage<I, O> lookup(String name, ConnectionFactory cf, String sql,
            Function<? super I, ? extends List<?>> bindings, Function<? super Row, ? extends R> rowMapper,
            BiFunction<? super I, ? super List<R>, ? extends O> combine) {
        return lookup(name, cf, sql, bindings, rowMapper, combine, QueryOptions.defaults());
    }

    /**
     * {@link #lookup(String, ConnectionFactory, String, Function, Function, BiFunction)} with
     * options (most rows per lookup, scheduler).
     *
     * @param name the stage's name
     * @param cf the connection factory
     * @param sql the query
     * @param bindings an item's values for the markers
     * @param rowMapper turns a row into a value
     * @param combine the output for an item and its rows
     * @param options the options
     * @param <I> the input type
     * @param <R> the row value type
     * @param <O> the output type
     * @return the stage
     */
    public static <I, R, O> Stage<I, O> lookup(String name, ConnectionFactory cf, String sql,
            Function<? super I, ? extends List<?>> bindings, Function<? super Row, ? extends R> rowMapper,
            BiFunction<? super I, ? super List<R>, ? extends O> combine, QueryOptions options) {
        Require.nonNull(cf, "cf");
        Require.nonBlank(sql, "sql");
        Require.nonNull(bindings, "bindings");
        Require.nonNull(rowMapper, "rowMapper");
        Require.nonNull(combine, "combine");
        Require.nonNull(options, "options");
        int max = options.maxRows();
        return Stage.<I, O>mapAsync(name, item -> Mono.defer(() -> {
            List<?> values = bindings.apply(item);
            return Flux.usingWhen(cf.create(),
                    (Connection conn) -> Flux.from(Binds.bind(conn.createStatement(sql), values).execute())
                            .concatMap(result -> result.<R>map((row, meta) -> rowMapper.apply(row))),
                    Connection::close)
                    .take(max + 1L, true)
                    .collectList()
                    .<O>map(rows -> {
                        if (rows.size() > max) {
                            // the stage's failure names the stage, renamed or not
                            throw new IllegalStateException("the lookup returned more than " + max
                                    + " rows for one item; narrow the query or raise QueryOptions.maxRows");
                        }
                        return combine.apply(item, rows);
                    });
        }).subscribeOn(options.scheduler())).concurrency(DEFAULT_CONCURRENCY);
    }
}
