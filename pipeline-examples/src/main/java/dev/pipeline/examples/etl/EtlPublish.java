package dev.pipeline.examples.etl;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.LongStream;

import dev.pipeline.connectors.r2dbc.R2dbc;
import dev.pipeline.connectors.rabbitmq.PublishOptions;
import dev.pipeline.connectors.rabbitmq.Rabbit;
import dev.pipeline.examples.Main;
import dev.pipeline.connectors.rabbitmq.RabbitSinks;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.Source;
import io.r2dbc.pool.ConnectionPool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The distributed ETL's first step: (re)creates the run's tables in PostgreSQL, records the
 * run's parameters, empties the work queue and publishes one message per page of the demo API
 * with publisher confirms (a page counts as published only once the broker confirmed it).
 */
@Command(name = "etl-publish", mixinStandardHelpOptions = true,
        description = "Distributed ETL, step 1: publish the work (pages of the demo API) to a RabbitMQ queue.")
public final class EtlPublish implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--broker", paramLabel = "AMQP-URI", defaultValue = Rabbit.LOCAL, description = "the broker (default " + Main.LOCAL_BROKER + ")")
    String broker;

    @Option(names = "--queue", defaultValue = "etl-work", description = "the work queue (default ${DEFAULT-VALUE})")
    String queue;

    @Option(names = "--db", paramLabel = "R2DBC-URL", defaultValue = EtlWorker.DEFAULT_DB,
            description = "PostgreSQL, where the workers store (default ${DEFAULT-VALUE})")
    String db;

    @Option(names = "--tables", defaultValue = "etl_dist", description = "the tables' name prefix (default ${DEFAULT-VALUE})")
    String tables;

    @Option(names = "--items", defaultValue = "20000", description = "work items (pages) to publish (default ${DEFAULT-VALUE})")
    long items;

    @Option(names = "--page-size", defaultValue = "1", description = "records per page (default ${DEFAULT-VALUE})")
    int pageSize;

    @Option(names = "--seed", defaultValue = "444", description = "the demo API's seed, for every worker (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--invalid-fraction", defaultValue = "0.02", description = "share of invalid records (default ${DEFAULT-VALUE})")
    double invalidFraction;

    @Override
    public Integer call() {
        if (items < 1 || pageSize < 1 || pageSize > 1000) {
            throw new IllegalArgumentException("--items must be at least 1 and --page-size between 1 and 1000, were " + items
                    + " and " + pageSize);
        }
        String p = WorkQueue.prefix("--tables", tables);
        PrintWriter out = spec.commandLine().getOut();
        ConnectionPool pool = R2dbc.pool(db, 2);
        try {
            WorkQueue.warm(pool, 1).block(Duration.ofMinutes(2));
            WorkQueue.execute(pool, WorkQueue.schema(p)).block(Duration.ofMinutes(1));
            WorkQueue.update(pool, "INSERT INTO " + p + "_work (items, page_size, seed, invalid_fraction) VALUES ($1, $2, $3, $4)",
                    List.of(items, pageSize, seed, invalidFraction)).block(Duration.ofMinutes(1));
        } finally {
            pool.dispose();
        }
        WorkQueue.declareEmpty(broker, queue);
        long start = System.nanoTime();
        // tag::publish[]
        PipelineReport<Long> report = Pipeline
                .from(Source.fromIterable("pages", () -> LongStream.rangeClosed(1, items).boxed().iterator()))
                .to(RabbitSinks.toQueue("publish", broker, queue,
                        (Long page) -> new WorkQueue.Item(page.intValue(), pageSize, false).json().getBytes(StandardCharsets.UTF_8),
                        PublishOptions.defaults().maxInFlight(256)))
                .named("etl-publish")
                .run().block(Duration.ofMinutes(10));
        // end::publish[]
        double seconds = (System.nanoTime() - start) / 1e9;
        long published = report.result().orElse(0L);
        out.printf("etl-publish: %d work items (pages of %d, %d records) published and confirmed to queue '%s' at %s in %.2f s; "
                + "tables %s_* reset in %s%n", published, pageSize, items * pageSize, queue, Rabbit.redact(broker), seconds, p,
                R2dbc.redact(db));
        out.flush();
        return published == items ? 0 : 1;
    }
}
