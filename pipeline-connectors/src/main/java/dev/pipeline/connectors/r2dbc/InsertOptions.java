package dev.pipeline.connectors.r2dbc;

import java.time.Duration;

import dev.pipeline.connectors.internal.Require;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Options for {@link R2dbcSinks#insert insert} and {@link R2dbcSinks#upsert upsert} sinks.
 * Immutable: each option method returns a changed copy.
 *
 * <pre>{@code
 * InsertOptions fast = InsertOptions.defaults().batchSize(1000).concurrency(4);
 * Sink<Person, InsertResult> people = R2dbcSinks.insert(pool,
 *         "INSERT INTO people (id, name) VALUES ($1, $2)", p -> List.of(p.id(), p.name()), fast);
 * }</pre>
 */
public final class InsertOptions {

    /** Default rows per batch (one transaction). */
    public static final int DEFAULT_BATCH_SIZE = 500;
    /** Default longest wait to fill a batch. */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofMillis(200);

    private static final InsertOptions DEFAULTS = new InsertOptions(DEFAULT_BATCH_SIZE, DEFAULT_MAX_WAIT, 1, null, null);

    private final int batchSize;
    private final Duration maxWait;
    private final int concurrency;
    private final Scheduler scheduler;
    private final String name;

    private InsertOptions(int batchSize, Duration maxWait, int concurrency, Scheduler scheduler, String name) {
        this.batchSize = batchSize;
        this.maxWait = maxWait;
        this.concurrency = concurrency;
        this.scheduler = scheduler;
        this.name = name;
    }

    /**
     * The defaults: batches of 500, a 200 ms maximum wait, one batch at a time, boundedElastic.
     *
     * @return the default options
     */
    public static InsertOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Rows per batch: one statement with {@code Statement.add()} per row, in one transaction.
     * Defaults to {@value #DEFAULT_BATCH_SIZE}.
     *
     * @param rows the batch size, {@code > 0}
     * @return a copy with that size
     */
    public InsertOptions batchSize(int rows) {
        return new InsertOptions(Require.positive(rows, "batchSize"), maxWait, concurrency, scheduler, name);
    }

    /**
     * The longest time a partly filled batch waits for more rows before it is written.
     * Defaults to 200 ms. A writer that finishes a batch and finds none full takes the partial
     * one at once (as {@link dev.pipeline.core.Stage#batch} does); while rows come faster than
     * they are written, batches are full.
     *
     * @param maxWait the wait, {@code > 0}
     * @return a copy with that wait
     */
    public InsertOptions maxWait(Duration maxWait) {
        return new InsertOptions(batchSize, Require.positive(maxWait, "maxWait"), concurrency, scheduler, name);
    }

    /**
     * How many batches are written at once, each on its own pooled connection, which the run
     * keeps until it ends: the pool must hold at least this many (the sinks refuse an r2dbc-pool
     * {@code ConnectionPool} that holds fewer). Batches may then commit in any order.
     * On embedded H2, more than the number of CPU cores gains nothing. Defaults to 1.
     *
     * @param batches batches in flight, {@code > 0}
     * @return a copy with that concurrency
     */
    public InsertOptions concurrency(int batches) {
        return new InsertOptions(batchSize, maxWait, Require.positive(batches, "concurrency"), scheduler, name);
    }

    /**
     * The scheduler database work is subscribed on (H2 runs on it). Defaults to
     * {@link Schedulers#boundedElastic()}.
     *
     * @param scheduler a scheduler that may block
     * @return a copy with that scheduler
     */
    public InsertOptions scheduler(Scheduler scheduler) {
        return new InsertOptions(batchSize, maxWait, concurrency, Require.nonNull(scheduler, "scheduler"), name);
    }

    /**
     * The sink's name in reports and errors. Defaults to {@code insert} / {@code upsert(<table>)}.
     *
     * @param name the name
     * @return a copy with that name
     */
    public InsertOptions name(String name) {
        return new InsertOptions(batchSize, maxWait, concurrency, scheduler, Require.nonBlank(name, "name"));
    }

    /**
     * Rows per batch.
     *
     * @return the batch size
     */
    public int batchSize() {
        return batchSize;
    }

    /**
     * The longest wait to fill a batch.
     *
     * @return the wait
     */
    public Duration maxWait() {
        return maxWait;
    }

    /**
     * Batches in flight.
     *
     * @return the concurrency
     */
    public int concurrency() {
        return concurrency;
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
        return name == null ? String.valueOf(fallback) : name;
    }

    @Override
    public String toString() {
        return "InsertOptions[batchSize=" + batchSize + ", maxWait=" + maxWait + ", concurrency=" + concurrency + "]";
    }
}
