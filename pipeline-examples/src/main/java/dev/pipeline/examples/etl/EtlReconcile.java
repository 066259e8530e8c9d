package dev.pipeline.examples.etl;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

import dev.pipeline.connectors.r2dbc.R2dbc;
import dev.pipeline.connectors.rabbitmq.Rabbit;
import dev.pipeline.examples.Main;
import io.r2dbc.pool.ConnectionPool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The distributed ETL's last step: reconciles across all workers, from the database and the
 * queue. Published = stored + dead-lettered (every record id once, none missing); every
 * duplicate delivery was a redelivery; the queue is empty. Exit code 3 when it does not
 * reconcile.
 */
@Command(name = "etl-reconcile", mixinStandardHelpOptions = true,
        description = "Distributed ETL, step 3: published = stored + dead-lettered, duplicates = redeliveries, queue empty.")
public final class EtlReconcile implements Callable<Integer> {

    /** Exit code when the numbers do not reconcile. */
    static final int NOT_RECONCILED = 3;

    @Spec
    CommandSpec spec;

    @Option(names = "--broker", paramLabel = "AMQP-URI", defaultValue = Rabbit.LOCAL, description = "the broker (default " + Main.LOCAL_BROKER + ")")
    String broker;

    @Option(names = "--queue", defaultValue = "etl-work", description = "the work queue (default ${DEFAULT-VALUE})")
    String queue;

    @Option(names = "--db", paramLabel = "R2DBC-URL", defaultValue = EtlWorker.DEFAULT_DB, description = "PostgreSQL (default ${DEFAULT-VALUE})")
    String db;

    @Option(names = "--tables", defaultValue = "etl_dist", description = "the tables' name prefix (default ${DEFAULT-VALUE})")
    String tables;

    /** The figures, for tests. */
    record Figures(long items, long records, long stored, long deadLettered, long both, long outside, long receipts,
            long pagesReceived, long redelivered, long unexplained, long queued) {

        long lost() {
            return records - (stored + deadLettered - both);
        }

        long duplicates() {
            return receipts - pagesReceived;
        }

        boolean reconciles() {
            return lost() == 0 && both == 0 && outside == 0 && pagesReceived == items && unexplained == 0 && queued == 0;
        }
    }

    @Override
    public Integer call() {
        String p = WorkQueue.prefix("--tables", tables);
        Figures f = figures(p);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("etl-reconcile: queue '%s' at %s: %d work items published (%d records); %d messages left%n", queue,
                Rabbit.redact(broker), f.items(), f.records(), f.queued());
        out.printf("Records:    %d stored + %d dead-lettered = %d of %d published (%s, %d lost%s)%n", f.stored(), f.deadLettered(),
                f.stored() + f.deadLettered(), f.records(), f.lost() == 0 && f.both() == 0 && f.outside() == 0 ? "reconciled" : "NOT reconciled",
                f.lost(), f.both() + f.outside() == 0 ? "" : "; " + f.both() + " ids both stored and rejected, " + f.outside() + " unknown ids");
        out.printf("Deliveries: %d processed for %d of %d items: %d duplicates, %s (%d redelivered deliveries)%n", f.receipts(),
                f.pagesReceived(), f.items(), f.duplicates(), f.unexplained() == 0 ? "every one a redelivery"
                        : f.unexplained() + " items repeated more often than redelivered", f.redelivered());
        out.printf("RECONCILE items=%d records=%d stored=%d dead_lettered=%d lost=%d duplicates=%d redelivered=%d unexplained=%d queued=%d%n",
                f.items(), f.records(), f.stored(), f.deadLettered(), f.lost(), f.duplicates(), f.redelivered(), f.unexplained(),
                f.queued());
        out.flush();
        return f.reconciles() ? 0 : NOT_RECONCILED;
    }

    private Figures figures(String p) {
        ConnectionPool pool = R2dbc.pool(db, 2);
        try {
            WorkQueue.warm(pool, 1).block(Duration.ofMinutes(2));
            WorkQueue.Run run = WorkQueue.run(pool, p).block(Duration.ofMinutes(1));
            Duration t = Duration.ofMinutes(1);
            long stored = WorkQueue.number(pool, "SELECT COUNT(*) FROM " + p + "_customers").block(t);
            long dead = WorkQueue.number(pool, "SELECT COUNT(*) FROM " + p + "_rejected").block(t);
            long both = WorkQueue.number(pool, "SELECT COUNT(*) FROM " + p + "_customers c JOIN " + p + "_rejected r ON c.id = r.id").block(t);
            long outside = WorkQueue.number(pool, "SELECT (SELECT COUNT(*) FROM " + p + "_customers WHERE id < 1 OR id > " + run.records()
                    + ") + (SELECT COUNT(*) FROM " + p + "_rejected WHERE id < 1 OR id > " + run.records() + ")").block(t);
            long receipts = WorkQueue.number(pool, "SELECT COUNT(*) FROM " + p + "_receipts").block(t);
            long pages = WorkQueue.number(pool, "SELECT COUNT(DISTINCT page) FROM " + p + "_receipts").block(t);
            long redelivered = WorkQueue.number(pool, "SELECT COUNT(*) FROM " + p + "_receipts WHERE redelivered").block(t);
            // an item processed k times must have been redelivered at least k - 1 times
            long unexplained = WorkQueue.number(pool, "SELECT COUNT(*) FROM (SELECT page, COUNT(*) - 1 AS repeats, "
                    + "SUM(CASE WHEN redelivered THEN 1 ELSE 0 END) AS redeliveries FROM " + p + "_receipts GROUP BY page) t "
                    + "WHERE repeats > redeliveries").block(t);
            long queued = WorkQueue.depth(broker, queue);
            return new Figures(run.items(), run.records(), stored, dead, both, outside, receipts, pages, redelivered, unexplained, queued);
        } finally {
            pool.dispose();
        }
    }
}
