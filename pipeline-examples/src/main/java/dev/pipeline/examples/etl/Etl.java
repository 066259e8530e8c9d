package dev.pipeline.examples.etl;

import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

import dev.pipeline.connectors.file.FileSinks;
import dev.pipeline.connectors.file.FileWriteResult;
import dev.pipeline.connectors.http.HttpOptions;
import dev.pipeline.connectors.http.HttpStages;
import dev.pipeline.connectors.http.demo.DemoApiServer;
import dev.pipeline.connectors.r2dbc.InsertOptions;
import dev.pipeline.connectors.r2dbc.InsertResult;
import dev.pipeline.connectors.r2dbc.R2dbc;
import dev.pipeline.connectors.r2dbc.R2dbcSinks;
import dev.pipeline.connectors.r2dbc.R2dbcSources;
import dev.pipeline.core.ErrorPolicy;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.RunningPipeline;
import dev.pipeline.core.Source;
import dev.pipeline.core.Stage;
import dev.pipeline.core.StageReport;
import dev.pipeline.core.aio.Tasks;
import dev.pipeline.examples.Story;
import dev.pipeline.examples.etl.Records.Enriched;
import dev.pipeline.examples.etl.Records.Page;
import io.r2dbc.pool.ConnectionPool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Flux;

/**
 * The main job. The demo API (embedded, on 127.0.0.1) serves pages of customer records; the
 * pipeline fetches pages concurrently with retries, validates each record (bad ones go to an
 * NDJSON dead-letter file with the reason), enriches the rest, and upserts them in batches into
 * embedded H2 or {@code --db}; then a second pipeline writes a summary CSV from the database.
 * It ends with the report, the accounting reconciled, and the output paths.
 */
@Command(name = "etl", mixinStandardHelpOptions = true,
        description = "The main job: demo API -> fetch pages (retries) -> validate (dead letters) -> enrich -> "
                + "batch upsert into H2 or --db -> summary CSV.")
public final class Etl implements Callable<Integer> {

    /** Exit code when the numbers do not reconcile. */
    static final int NOT_RECONCILED = 3;

    @Spec
    CommandSpec spec;

    @Option(names = "--records", defaultValue = "10000", description = "records the demo API serves (default ${DEFAULT-VALUE})")
    long records;

    @Option(names = "--page-size", defaultValue = "200", description = "records per page (default ${DEFAULT-VALUE})")
    int pageSize;

    @Option(names = "--concurrency", defaultValue = "8", description = "pages fetched at once (default ${DEFAULT-VALUE})")
    int concurrency;

    @Option(names = "--db", paramLabel = "R2DBC-URL", defaultValue = "r2dbc:h2:mem:///etl;DB_CLOSE_DELAY=-1",
            description = "the database, e.g. r2dbc:postgresql://postgres@127.0.0.1:5432/test (default: in-memory H2)")
    String db;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "etl-output",
            description = "where rejected.ndjson and summary.csv go (default ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--batch-size", defaultValue = "500", description = "rows per insert batch (default ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--invalid-fraction", defaultValue = "0.02", description = "share of invalid records the API makes (default ${DEFAULT-VALUE})")
    double invalidFraction;

    @Option(names = "--error-rate", defaultValue = "0.05", description = "share of API answers that are 500/503/429 (default ${DEFAULT-VALUE})")
    double errorRate;

    @Option(names = "--latency-ms", defaultValue = "20", description = "the API's latency per page (default ${DEFAULT-VALUE})")
    long latencyMs;

    @Option(names = "--seed", defaultValue = "444", description = "the demo API's seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--progress-every", defaultValue = "1s", converter = DurationConverter.class,
            description = "how often a log line is printed when not on a terminal (default ${DEFAULT-VALUE})")
    Duration progressEvery;

    @Option(names = "--progress", defaultValue = "auto",
            description = "auto (bars on a terminal, log lines otherwise), bar, log or none (default ${DEFAULT-VALUE})")
    Progress.Mode progress;

    /** What a finished job found, for tests. */
    record Outcome(long served, long invalidAtSource, long fromSource, long stored, long deadLettered, long skipped,
            long rowsInDatabase, Path rejected, Path summary, PipelineReport<InsertResult> report) {

        /** What the pipeline took in equals what it accounted for. */
        boolean balances() {
            return fromSource == stored + deadLettered + skipped;
        }

        /** It balances, it took in everything the API served, the database holds what was stored, and every invalid record was refused. */
        boolean reconciles() {
            return balances() && fromSource == served && rowsInDatabase == stored && deadLettered + skipped == invalidAtSource;
        }
    }

    @Override
    public Integer call() throws IOException {
        Outcome outcome = run(spec.commandLine().getOut());
        if (!outcome.reconciles()) {
            spec.commandLine().getErr().printf("error: etl: the accounting does not reconcile: the API served %d records "
                    + "(%d invalid); the pipeline took %d = %d stored + %d dead-lettered + %d skipped; the database holds %d%n",
                    outcome.served(), outcome.invalidAtSource(), outcome.fromSource(), outcome.stored(), outcome.deadLettered(),
                    outcome.skipped(), outcome.rowsInDatabase());
            spec.commandLine().getErr().flush();
            return NOT_RECONCILED;
        }
        return 0;
    }

    @SuppressWarnings("try") // the progress display is closed, not referenced
    Outcome run(PrintWriter console) throws IOException {
        atLeastOne("--records", records);
        atLeastOne("--page-size", pageSize);
        atLeastOne("--concurrency", concurrency);
        atLeastOne("--batch-size", batchSize);
        if (pageSize > 1000) {
            throw new IllegalArgumentException("--page-size is at most 1000 (the demo API's limit), was " + pageSize);
        }
        if (progressEvery.isZero() || progressEvery.isNegative()) {
            throw new IllegalArgumentException("--progress-every must be positive, was " + progressEvery);
        }
        OutputDirectory.check("--out", out);
        Path rejected = out.resolve("rejected.ndjson");
        Path summary = out.resolve("summary.csv");
        try (Story story = new Story(console, 1.0);
                DemoApiServer api = DemoApiServer.builder().seed(seed).totalRecords(records).invalidFraction(invalidFraction)
                        .errorRate(errorRate).retryAfter(Duration.ofMillis(50)).latency(Duration.ofMillis(latencyMs)).start();
                Closing<ConnectionPool> pool = new Closing<>(R2dbc.pool(db, concurrency + 2), ConnectionPool::dispose)) {
            int pages = (int) ((records + pageSize - 1) / pageSize);
            story.say("etl: %d records in %d pages from %s -> %s", records, pages, api.baseUri(), R2dbc.redact(db));
            Tasks.run(R2dbc.executeScript(pool.it(), "etl/schema.sql"));
            OutputDirectory.create("--out", out); // only now: a job that cannot start leaves nothing behind

            Pipeline<InsertResult> job = Pipeline
                    .from(Source.fromIterable("pages", () -> IntStream.rangeClosed(1, pages).boxed().iterator()))
                    .then(HttpStages.get("fetch", (Integer page) -> uri(api.baseUri(), page), Page.class,
                            HttpOptions.defaults().withConcurrency(concurrency).withRetries(8, Duration.ofMillis(20),
                                    Duration.ofSeconds(1)).withMaxRetryAfter(Duration.ofSeconds(2))))
                    .then(Stage.flatMap("records", (Page page) -> Flux.fromIterable(page.records())))
                    .then(Stage.map("validate", Records::validate)
                            .onError(ErrorPolicy.deadLetter(FileSinks.ndjson(rejected))))
                    .then(Stage.map("enrich", Records::enrich))
                    .buffer("to-db", 4 * batchSize)
                    .to(R2dbcSinks.upsert(pool.it(), "etl_customers", List.of("id"), Records.COLUMNS,
                            (Enriched e) -> Records.row(e),
                            InsertOptions.defaults().batchSize(batchSize).concurrency(2).name("store")))
                    .named("etl");

            RunningPipeline<InsertResult> running = job.start();
            PipelineReport<InsertResult> report;
            try (Progress shown = Progress.show(progress, Story.isTerminal(), running,
                    List.of(new Progress.Line("fetch", "fetch   ", "pages", pages),
                            new Progress.Line("records", "records ", "pages", pages),
                            new Progress.Line("validate", "validate", "records", records),
                            new Progress.Line("enrich", "enrich  ", "records", -1),
                            new Progress.Line("store", "store   ", "rows", -1)),
                    "to-db", story, progressEvery)) {
                report = Tasks.run(running.await());
            } catch (RuntimeException e) {
                // nothing keeps running once the job has failed; that failure is the one to report
                running.cancel().subscribe(null, ignored -> { });
                throw e;
            }
            story.say("");
            story.say("%s", report);

            FileWriteResult written = Tasks.run(Pipeline
                    .from(R2dbcSources.query(pool.it(), "SELECT region, tier, COUNT(*) AS customers, SUM(amount_eur) AS total_eur "
                            + "FROM etl_customers GROUP BY region, tier ORDER BY region, tier", List.of(),
                            row -> List.<Object>of(row.get("region", String.class), row.get("tier", String.class),
                                    row.get("customers", Long.class), row.get("total_eur", BigDecimal.class))))
                    .to(FileSinks.csv(summary, List.of("region", "tier", "customers", "total_eur"), (List<Object> r) -> r))
                    .named("summary").run()).result().orElseThrow();
            long inDb = Tasks.run(R2dbcSources.query(pool.it(), "SELECT COUNT(*) AS n FROM etl_customers", List.of(),
                    row -> row.get("n", Long.class)).flux().single());

            Outcome outcome = outcome(report, records, api.invalidRecords(), inDb, rejected, summary);
            story.say("");
            story.say("Accounting: %d records from the API = %d stored + %d dead-lettered + %d skipped  %s",
                    outcome.fromSource(), outcome.stored(), outcome.deadLettered(), outcome.skipped(),
                    outcome.balances() ? "(reconciled)" : "(DOES NOT RECONCILE)");
            story.say("Database:   %d rows in etl_customers %s", inDb, inDb == outcome.stored() ? "(= stored)" : "(!= stored " + outcome.stored() + ")");
            story.say("API:        served %d records, %d of them invalid %s; %d requests, %d answered with an error or fault and retried",
                    outcome.served(), outcome.invalidAtSource(),
                    outcome.deadLettered() + outcome.skipped() == outcome.invalidAtSource() ? "(= refused)" : "(!= refused)",
                    api.requests(), api.faults());
            story.say("Outputs:    %s (%d rejected records with reasons)", rejected.toAbsolutePath(), outcome.deadLettered());
            story.say("            %s (%d rows)", summary.toAbsolutePath(), written.items());
            story.say("Done in %.2f s.", story.elapsed());
            return outcome;
        }
    }

    private static void atLeastOne(String option, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, was " + value);
        }
    }

    private static Outcome outcome(PipelineReport<InsertResult> report, long served, long invalid, long inDb, Path rejected,
            Path summary) {
        long fromSource = report.stage("records").outputs();
        long deadLettered = 0;
        long skipped = 0;
        for (StageReport stage : report.stages()) {
            deadLettered += stage.deadLettered();
            skipped += stage.skipped();
        }
        long stored = report.result().map(InsertResult::rows).orElse(0L);
        return new Outcome(served, invalid, fromSource, stored, deadLettered, skipped, inDb, rejected, summary, report);
    }

    /** An AutoCloseable for a resource that has a different close method. */
    private record Closing<T>(T it, java.util.function.Consumer<T> closer) implements AutoCloseable {
        @Override
        public void close() {
            closer.accept(it);
        }
    }

    private URI uri(URI base, int page) {
        return base.resolve("/records?page=" + page + "&size=" + pageSize);
    }

    /** Reads durations as 500ms, 2s, 1m or ISO-8601 (PT2S). */
    static final class DurationConverter implements picocli.CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(java.util.Locale.ROOT);
            if (v.startsWith("pt")) {
                return Duration.parse(v);
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            if (v.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
            }
            if (v.endsWith("m")) {
                return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)) * 60);
            }
            throw new IllegalArgumentException("'" + value + "' is not a duration (try 500ms, 2s, 1m)");
        }
    }

}
