package dev.pipeline.examples.etl;

import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import dev.pipeline.connectors.http.HttpOptions;
import dev.pipeline.connectors.http.HttpStages;
import dev.pipeline.connectors.http.demo.DemoApiOptions;
import dev.pipeline.connectors.http.demo.DemoApiServer;
import dev.pipeline.connectors.r2dbc.InsertOptions;
import dev.pipeline.connectors.r2dbc.InsertResult;
import dev.pipeline.connectors.r2dbc.R2dbc;
import dev.pipeline.connectors.r2dbc.R2dbcSinks;
import dev.pipeline.connectors.rabbitmq.ConsumeOptions;
import dev.pipeline.connectors.rabbitmq.Rabbit;
import dev.pipeline.examples.Main;
import dev.pipeline.connectors.rabbitmq.RabbitMessage;
import dev.pipeline.connectors.rabbitmq.RabbitSources;
import dev.pipeline.core.AckReport;
import dev.pipeline.core.Branch;
import dev.pipeline.core.DeadLetter;
import dev.pipeline.core.ErrorPolicy;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineBuilder;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.Stage;
import dev.pipeline.examples.etl.Records.Enriched;
import dev.pipeline.examples.etl.Records.Page;
import dev.pipeline.examples.etl.Records.RawRecord;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.ConnectionFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A distributed ETL worker: consumes the work queue (manual acks, {@code --prefetch} in
 * flight), fetches each page from its own embedded demo API (same seed as every worker, so the
 * same records), validates (invalid records upserted into {@code <p>_rejected}), enriches and
 * upserts into {@code <p>_customers} keyed by record id, so that a page repeated after another
 * worker's death is harmless. A message is acknowledged only once its receipt and all its
 * records are committed. Ends when the queue has been quiet for {@code --idle} with everything
 * acknowledged, and prints its report.
 */
@Command(name = "etl-worker", mixinStandardHelpOptions = true,
        description = "Distributed ETL, step 2 (run N of them): consume the work queue, run the ETL pipeline, upsert into PostgreSQL.")
public final class EtlWorker implements Callable<Integer> {

    /** PostgreSQL on this machine. */
    static final String DEFAULT_DB = "r2dbc:postgresql://postgres@127.0.0.1:5432/test";

    @Spec
    CommandSpec spec;

    @Option(names = "--broker", paramLabel = "AMQP-URI", defaultValue = Rabbit.LOCAL, description = "the broker (default " + Main.LOCAL_BROKER + ")")
    String broker;

    @Option(names = "--queue", defaultValue = "etl-work", description = "the work queue (default ${DEFAULT-VALUE})")
    String queue;

    @Option(names = "--db", paramLabel = "R2DBC-URL", defaultValue = DEFAULT_DB, description = "PostgreSQL (default ${DEFAULT-VALUE})")
    String db;

    @Option(names = "--tables", defaultValue = "etl_dist", description = "the tables' name prefix (default ${DEFAULT-VALUE})")
    String tables;

    @Option(names = "--worker", description = "this worker's name in receipts and reports (default: worker-<pid>)")
    String worker;

    @Option(names = "--prefetch", defaultValue = "64",
            description = "messages in flight, unacknowledged: the most a death of this worker repeats (default ${DEFAULT-VALUE})")
    int prefetch;

    @Option(names = "--concurrency", defaultValue = "64", description = "pages fetched at once (default ${DEFAULT-VALUE})")
    int concurrency;

    @Option(names = "--batch-size", defaultValue = "32", description = "rows per upsert batch (default ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--latency-ms", defaultValue = "20", description = "the embedded API's latency per page (default ${DEFAULT-VALUE})")
    long latencyMs;

    @Option(names = "--error-rate", defaultValue = "0.02", description = "share of API answers that are 500/503/429, retried (default ${DEFAULT-VALUE})")
    double errorRate;

    @Option(names = "--idle", defaultValue = "3s", converter = Etl.DurationConverter.class,
            description = "end once the queue has been quiet this long and everything is acknowledged (default ${DEFAULT-VALUE})")
    Duration idle;

    @Option(names = "--start-at", paramLabel = "EPOCH-MS", defaultValue = "0",
            description = "wait until this time before consuming (the bench starts its workers together; default: at once)")
    long startAt;

    @Override
    public Integer call() {
        if (prefetch < 1 || concurrency < 1 || batchSize < 1) {
            throw new IllegalArgumentException("--prefetch, --concurrency and --batch-size must be at least 1, were " + prefetch
                    + ", " + concurrency + " and " + batchSize);
        }
        String p = WorkQueue.prefix("--tables", tables);
        String name = worker != null ? worker : "worker-" + ProcessHandle.current().pid();
        PrintWriter out = spec.commandLine().getOut();
        ConnectionPool pool = R2dbc.pool(db, 4);
        try {
            WorkQueue.warm(pool, 4).block(Duration.ofMinutes(2));
            WorkQueue.Run run = WorkQueue.run(pool, p).block(Duration.ofMinutes(1));
            try (DemoApiServer api = DemoApiServer.start(DemoApiOptions.defaults().seed(run.seed()).totalRecords(run.records())
                    .invalidFraction(run.invalidFraction()).errorRate(errorRate).retryAfter(Duration.ofMillis(50))
                    .latency(Duration.ofMillis(latencyMs)))) {
                out.printf("%s: consuming queue '%s' at %s (prefetch %d), storing into %s_customers at %s%n", name, queue,
                        Rabbit.redact(broker), prefetch, p, R2dbc.redact(db));
                out.flush();
                long wait = startAt - System.currentTimeMillis();
                if (wait > 0) {
                    Mono.delay(Duration.ofMillis(wait)).block();
                }
                long started = System.currentTimeMillis();
                PipelineReport<InsertResult> report = job(api.baseUri(), pool, p, name).run().block();
                AckReport acks = report.acks("work");
                long first = started;
                double seconds = Math.max(1e-3, (report.duration().toMillis() - idle.toMillis()) / 1e3);
                out.println(report);
                out.printf("%s: %d deliveries (%d redelivered): %d acked, %d dead-lettered, %d unacked; %s items/s over %.2f s "
                        + "(the final %s of quiet excluded)%n", name, acks.delivered(), acks.redelivered(), acks.acked(),
                        acks.deadLettered(), acks.inFlight(), WorkQueue.rate(acks.delivered() / seconds), seconds, idle);
                out.printf("WORKER name=%s deliveries=%d redelivered=%d start_ms=%d busy_ms=%d%n", name, acks.delivered(),
                        acks.redelivered(), first, Math.round(seconds * 1000));
                out.flush();
                return acks.inFlight() == 0 ? 0 : 1;
            }
        } finally {
            pool.dispose();
        }
    }

    /**
     * The worker's pipeline: work items -> a receipt per delivery (page, worker, redelivered) and,
     * beside it, fetch -> records -> validate (invalid ones upserted into the rejected table) ->
     * enrich -> upsert by id, one batch at a time per table (a batch's commit settles its own
     * items).
     */
    Pipeline<InsertResult> job(URI api, ConnectionFactory pool, String p, String name) {
        InsertOptions batches = InsertOptions.defaults().batchSize(batchSize).maxWait(Duration.ofMillis(20)).concurrency(1);
        // tag::worker[]
        return Pipeline
                .from(RabbitSources.queue("work", broker, queue, ConsumeOptions.defaults().prefetch(prefetch).idleTimeout(idle)))
                .then(Stage.map("parse", (RabbitMessage m) -> WorkQueue.Item.parse(m.text(), m.redelivered())))
                .broadcast("receipt",
                        Branch.to("receipts", R2dbcSinks.insert(pool, "INSERT INTO " + p + "_receipts (page, worker, redelivered) "
                                + "VALUES ($1, $2, $3)", (WorkQueue.Item w) -> List.of(w.page(), name, w.redelivered()), batches)
                                .named("receipts")),
                        Branch.of("work", (PipelineBuilder<WorkQueue.Item> b) -> b))
                .then(HttpStages.get("fetch", (WorkQueue.Item w) -> api.resolve("/records?page=" + w.page() + "&size=" + w.size()),
                        Page.class, HttpOptions.defaults().concurrency(concurrency)
                                .retries(8, Duration.ofMillis(20), Duration.ofSeconds(1)).maxRetryAfter(Duration.ofSeconds(2))))
                .then(Stage.flatMap("records", (Page page) -> Flux.fromIterable(page.records())))
                .then(Stage.map("validate", Records::validate)
                        .onError(ErrorPolicy.deadLetter(R2dbcSinks.upsert(pool, p + "_rejected", List.of("id"), List.of("id", "reason"),
                                (DeadLetter<?> d) -> List.of(((RawRecord) d.item()).id(), abbreviate(d.reason())), batches)
                                .named("rejected"))))
                .then(Stage.map("enrich", Records::enrich))
                .to(R2dbcSinks.upsert(pool, p + "_customers", List.of("id"), Records.COLUMNS, (Enriched e) -> Records.row(e), batches)
                        .named("store"))
                .named("etl-worker");
        // end::worker[]
    }

    private static String abbreviate(String reason) {
        return reason.length() <= 500 ? reason : reason.substring(0, 500) + "...";
    }
}
