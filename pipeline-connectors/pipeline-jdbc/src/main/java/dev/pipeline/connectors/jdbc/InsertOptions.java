package dev.pipeline.connectors.jdbc;

import java.time.Duration;
import java.util.function.Consumer;

import dev.pipeline.connectors.internal.Fields;
import dev.pipeline.connectors.internal.Require;
import reactor.core.scheduler.Scheduler;

/**
 * Options for {@link JdbcSinks#insert insert} and {@link JdbcSinks#upsert upsert} sinks.
 * Immutable: each option method returns a changed copy; each option's value is read back by
 * the method of the same name without arguments. The sink's name is the sink's own: rename it
 * with {@link dev.pipeline.core.Sink#named}.
 *
 * <pre>{@code
 * InsertOptions fast = InsertOptions.defaults().batchSize(1000).concurrency(2);
 * Sink<Person, InsertResult> people = JdbcSinks.insert(pool,
 *         "INSERT INTO people (id, name) VALUES (?, ?)", p -> List.of(p.id(), p.name()), fast);
 * }</pre>
 */
public final class InsertOptions {

    /** Default rows per batch (one transaction). */
    public static final int DEFAULT_BATCH_SIZE = 500;
    /** Default longest wait to fill a batch. */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofMillis(200);

    private static final InsertOptions DEFAULTS = new InsertOptions(new Values());

    /** The options' values; the field initializers are the defaults. */
    private static final class Values extends Fields<Values> {
        int batchSize = DEFAULT_BATCH_SIZE;
        /** Null until set: the default applies, and a batch size of 1 is no conflict. */
        Duration maxWait;
        int concurrency = 1;
        /** Null: a bounded scheduler of the run's own, {@code concurrency} threads. */
        Scheduler scheduler;

        @Override
        protected void check() {
            if (batchSize == 1 && maxWait != null) {
                throw new IllegalArgumentException("InsertOptions: maxWait (" + maxWait + ") does nothing with batchSize 1:"
                        + " each row is written at once; leave maxWait unset or raise batchSize");
            }
        }
    }

    private final Values v;

    private InsertOptions(Values v) {
        this.v = v;
    }

    private InsertOptions with(Consumer<Values> change) {
        return new InsertOptions(v.with(change));
    }

    /**
     * The defaults, as listed on each option: batches of 500, a 200 ms maximum wait, one batch
     * at a time, on a blocking thread of the run's own.
     *
     * @return the default options
     */
    public static InsertOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Rows per batch: one {@code PreparedStatement} with {@code addBatch()} per row and one
     * {@code executeBatch()}, in one transaction. Defaults to {@value #DEFAULT_BATCH_SIZE}.
     *
     * @param rows the batch size, {@code > 0}
     * @return a copy with that size
     * @throws IllegalArgumentException for 1 when a {@link #maxWait(Duration) maxWait} is set
     */
    public InsertOptions batchSize(int rows) {
        Require.positive(rows, "batchSize");
        return with(o -> o.batchSize = rows);
    }

    /**
     * The longest time a partly filled batch waits for more rows before it is written.
     * Defaults to 200 ms. A writer that finishes a batch and finds none full takes the partial
     * one at once; while rows come faster than they are written, batches are full.
     *
     * @param maxWait the wait, {@code > 0}
     * @return a copy with that wait
     * @throws IllegalArgumentException with a {@link #batchSize(int) batchSize} of 1, where a
     *     wait does nothing
     */
    public InsertOptions maxWait(Duration maxWait) {
        Require.positive(maxWait, "maxWait");
        return with(o -> o.maxWait = maxWait);
    }

    /**
     * How many batches are written at once, each on its own blocking thread with its own pooled
     * connection (kept for the run, given back when it ends): a run's thread pool has this many threads, and the
     * connection pool must hold at least this many connections (the sinks refuse a HikariCP
     * pool that holds fewer). Batches may then commit in any order. On embedded H2, more than the
     * number of CPU cores gains nothing. Defaults to 1.
     *
     * @param batches batches in flight, {@code > 0}
     * @return a copy with that concurrency
     */
    public InsertOptions concurrency(int batches) {
        Require.positive(batches, "concurrency");
        return with(o -> o.concurrency = batches);
    }

    /**
     * The scheduler the JDBC calls run on, instead of the run's own. It must allow blocking
     * (a {@code Schedulers.newBoundedElastic(...)}, never {@code parallel()}), and is not
     * disposed by the sink. Defaults to a bounded scheduler of each run's own, with
     * {@link #concurrency() concurrency} threads, disposed when the run ends.
     *
     * @param scheduler a scheduler that may block
     * @return a copy with that scheduler
     */
    public InsertOptions scheduler(Scheduler scheduler) {
        Require.nonNull(scheduler, "scheduler");
        return with(o -> o.scheduler = scheduler);
    }

    /**
     * Rows per batch.
     *
     * @return the batch size
     */
    public int batchSize() {
        return v.batchSize;
    }

    /**
     * The longest wait to fill a batch.
     *
     * @return the wait
     */
    public Duration maxWait() {
        return v.maxWait == null ? DEFAULT_MAX_WAIT : v.maxWait;
    }

    /**
     * Batches in flight.
     *
     * @return the concurrency
     */
    public int concurrency() {
        return v.concurrency;
    }

    /**
     * The scheduler set with {@link #scheduler(Scheduler)}.
     *
     * @return the scheduler, or null when each run has its own
     */
    public Scheduler scheduler() {
        return v.scheduler;
    }

    @Override
    public String toString() {
        return "InsertOptions[batchSize=" + v.batchSize + ", maxWait=" + maxWait() + ", concurrency=" + v.concurrency
                + (v.scheduler == null ? "" : ", scheduler=" + v.scheduler) + "]";
    }
}
