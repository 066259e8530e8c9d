package dev.pipeline.connectors.r2dbc;

import dev.pipeline.connectors.internal.Require;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Options for {@link R2dbcSources#query query} sources and {@link R2dbcStages#lookup lookup}
 * stages. Immutable: each option method returns a changed copy.
 */
public final class QueryOptions {

    /** Default rows fetched per round trip. */
    public static final int DEFAULT_FETCH_SIZE = 256;
    /** Default most rows one lookup may return. */
    public static final int DEFAULT_MAX_ROWS = 1000;

    private static final QueryOptions DEFAULTS = new QueryOptions(DEFAULT_FETCH_SIZE, DEFAULT_MAX_ROWS, null, null);

    private final int fetchSize;
    private final int maxRows;
    private final Scheduler scheduler;
    private final String name;

    private QueryOptions(int fetchSize, int maxRows, Scheduler scheduler, String name) {
        this.fetchSize = fetchSize;
        this.maxRows = maxRows;
        this.scheduler = scheduler;
        this.name = name;
    }

    /**
     * The defaults: fetch size 256, lookups up to 1000 rows, boundedElastic.
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
        return new QueryOptions(Require.positive(rows, "fetchSize"), maxRows, scheduler, name);
    }

    /**
     * The most rows one lookup may return; more fails the item. Defaults to
     * {@value #DEFAULT_MAX_ROWS}.
     *
     * @param rows the limit, {@code > 0}
     * @return a copy with that limit
     */
    public QueryOptions maxRows(int rows) {
        return new QueryOptions(fetchSize, Require.positive(rows, "maxRows"), scheduler, name);
    }

    /**
     * The scheduler database work is subscribed on. Defaults to {@link Schedulers#boundedElastic()}.
     *
     * @param scheduler a scheduler that may block
     * @return a copy with that scheduler
     */
    public QueryOptions scheduler(Scheduler scheduler) {
        return new QueryOptions(fetchSize, maxRows, Require.nonNull(scheduler, "scheduler"), name);
    }

    /**
     * The source's name in reports. Defaults to {@code query}.
     *
     * @param name the name
     * @return a copy with that name
     */
    public QueryOptions name(String name) {
        return new QueryOptions(fetchSize, maxRows, scheduler, Require.nonBlank(name, "name"));
    }

    /**
     * The fetch size.
     *
     * @return rows per round trip
     */
    public int fetchSize() {
        return fetchSize;
    }

    /**
     * The most rows per lookup.
     *
     * @return the limit
     */
    public int maxRows() {
        return maxRows;
    }

    /**
     * The scheduler for database work.
     *
     * @return the scheduler
     */
    public Scheduler scheduler() {
        return scheduler == null ? Schedulers.boundedElastic() : scheduler;
    }

    /**
     * The configured name, or {@code fallback}.
     *
     * @param fallback the default name
     * @return the name
     */
    public String nameOr(String fallback) {
        return name == null ? fallback : name;
    }
}
