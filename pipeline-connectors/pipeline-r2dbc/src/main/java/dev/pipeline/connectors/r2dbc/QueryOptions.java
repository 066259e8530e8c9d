package dev.pipeline.connectors.r2dbc;

import java.util.function.Consumer;

import dev.pipeline.connectors.internal.Fields;
import dev.pipeline.connectors.internal.Require;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Options for {@link R2dbcSources#query query} sources and {@link R2dbcStages#lookup lookup}
 * stages. Immutable: each option method returns a changed copy; each option's value is read
 * back by the method of the same name without arguments. The node's name is the node's own:
 * rename a query source with {@link dev.pipeline.core.Source#named}.
 */
public final class QueryOptions {

    /** Default rows fetched per round trip. */
    public static final int DEFAULT_FETCH_SIZE = 256;
    /** Default most rows one lookup may return. */
    public static final int DEFAULT_MAX_ROWS = 1000;

    private static final QueryOptions DEFAULTS = new QueryOptions(new Values());

    /** The options' values; the field initializers are the defaults. */
    private static final class Values extends Fields<Values> {
        int fetchSize = DEFAULT_FETCH_SIZE;
        int maxRows = DEFAULT_MAX_ROWS;
        /** Null: {@link Schedulers#boundedElastic()}, looked up at use. */
        Scheduler scheduler;
    }

    private final Values v;

    private QueryOptions(Values v) {
        this.v = v;
    }

    private QueryOptions with(Consumer<Values> change) {
        return new QueryOptions(v.with(change));
    }

    /**
     * The defaults, as listed on each option: fetch size 256, lookups up to 1000 rows,
     * boundedElastic.
     *
     * @return the default options
     */
    public static QueryOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Rows the driver fetches per round trip (a cursor on PostgreSQL). Defaults to
     * {@value #DEFAULT_FETCH_SIZE}.
     *
     * @param rows the fetch size, {@code > 0}
     * @return a copy with that fetch size
     */
    public QueryOptions fetchSize(int rows) {
        Require.positive(rows, "fetchSize");
        return with(o -> o.fetchSize = rows);
    }

    /**
     * The most rows one lookup may return; more fails the item. Defaults to
     * {@value #DEFAULT_MAX_ROWS}.
     *
     * @param rows the limit, {@code > 0}
     * @return a copy with that limit
     */
    public QueryOptions maxRows(int rows) {
        Require.positive(rows, "maxRows");
        return with(o -> o.maxRows = rows);
    }

    /**
     * The scheduler database work is subscribed on. Defaults to {@link Schedulers#boundedElastic()}.
     *
     * @param scheduler a scheduler that may block
     * @return a copy with that scheduler
     */
    public QueryOptions scheduler(Scheduler scheduler) {
        Require.nonNull(scheduler, "scheduler");
        return with(o -> o.scheduler = scheduler);
    }

    /**
     * The fetch size.
     *
     * @return rows per round trip
     */
    public int fetchSize() {
        return v.fetchSize;
    }

    /**
     * The most rows per lookup.
     *
     * @return the limit
     */
    public int maxRows() {
        return v.maxRows;
    }

    /**
     * The scheduler for database work.
     *
     * @return the scheduler
     */
    public Scheduler scheduler() {
        return v.scheduler == null ? Schedulers.boundedElastic() : v.scheduler;
    }

    @Override
    public String toString() {
        return "QueryOptions[fetchSize=" + v.fetchSize + ", maxRows=" + v.maxRows + "]";
    }
}
