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
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import dev.pipeline.connectors.file.FileSinks;
import dev.pipeline.connectors.file.FileWriteResult;
import dev.pipeline.connectors.file.WriteOptions;
import dev.pipeline.connectors.http.HttpOptions;
import dev.pipeline.connectors.http.HttpStages;
import dev.pipeline.connectors.http.demo.DemoApiOptions;
import dev.pipeline.connectors.http.demo.DemoApiServer;
import dev.pipeline.connectors.r2dbc.InsertOptions;
import dev.pipeline.connectors.r2dbc.InsertResult;
import dev.pipeline.connectors.r2dbc.R2dbc;
import dev.pipeline.connectors.r2dbc.R2dbcSinks;
import dev.pipeline.connectors.r2dbc.R2dbcSources;
import dev.pipeline.core.Branch;
import dev.pipeline.core.Breaker;
import dev.pipeline.core.ErrorPolicy;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineBuilder;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.PipelineStatus;
import dev.pipeline.core.RunningPipeline;
import dev.pipeline.core.Source;
import dev.pipeline.core.Stage;
import dev.pipeline.core.aio.Tasks;
import dev.pipeline.examples.FatalErrors;
import dev.pipeline.examples.Signals;
import dev.pipeline.examples.Story;
import dev.pipeline.examples.etl.ProgressLines.Line;
import dev.pipeline.examples.etl.Records.Enriched;
import dev.pipeline.examples.etl.Records.Page;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.ConnectionFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

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

    /** The files the job writes in {@code --out}. */
    private static final List<String> OUTPUTS = List.of("rejected.ndjson", "audit.ndjson", "summary.csv");

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

    @Option(names = "--breaker", paramLabel = "N", defaultValue = "10",
            description = "open the API's circuit breaker after N failed calls in a row (retries count): the run then fails "
                    + "at once, naming the breaker, instead of retrying every page; 0: no breaker (default ${DEFAULT-VALUE})")
    int breaker;

    @Option(names = "--breaker-open", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "how long the breaker stays open before it lets one probe call through (default ${DEFAULT-VALUE})")
    Duration breakerOpen;

    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "make the run resumable: FILE keeps the last page below which every record is done (stored, "
                    + "or dead-lettered), and a run killed even with kill -9 and started again with the same FILE resumes "
                    + "there, repeating at most --checkpoint-window pages (upserts by id make that harmless); the dead-letter "
                    + "and audit files are then appended to, the table kept (default: none, every run starts afresh)")
    Path checkpoint;

    @Option(names = "--checkpoint-window", paramLabel = "PAGES", defaultValue = "16",
            description = "with --checkpoint, the most pages taken and not yet done: what a restart may repeat "
                    + "(default ${DEFAULT-VALUE})")
    int checkpointWindow;

    @Option(names = "--grace", defaultValue = "10s", converter = DurationConverter.class,
            description = "on Ctrl-C or SIGTERM, how long the items in flight may take to finish (default ${DEFAULT-VALUE})")
    Duration grace;

    @Override
    public Integer call() throws IOException {
        // a stop that hangs still ends: after the grace, the report and the cleanup have had half a minute
        try (Signals signals = Signals.install(grace.plusSeconds(30))) {
            Ending end = run(spec.commandLine().getOut(), signals);
            if (signals.first() != null) {
                return signals.exitCode();
            }
            Accounting a = end.accounting();
            if (end.resumed() ? !a.reconcilesResumed(end.rowsInDatabase(), records - (end.firstPage() - 1L) * pageSize)
                    : !a.reconciles(end.rowsInDatabase())) {
                spec.commandLine().getErr().printf("error: etl: the accounting does not reconcile: the API served %d records "
                        + "(%d invalid); the pipeline took %d = %d stored + %d dead-lettered + %d skipped + %d cut off; "
                        + "the database holds %d%n", a.served(), a.invalidAtSource(), a.fromSource(), a.stored(), a.deadLettered(),
                        a.skipped(), a.cutOff(), end.rowsInDatabase());
                spec.commandLine().getErr().flush();
                return NOT_RECONCILED;
            }
            return 0;
        }
    }

    /**
     * How the job ended: its accounting (null if stopped before the pipeline started), the rows
     * read back (-1 if not), and the first page it took (above 1 when it resumed a checkpoint).
     */
    record Ending(Accounting accounting, long rowsInDatabase, int firstPage, boolean resumed) {
        Ending(Accounting accounting, long rowsInDatabase) {
            this(accounting, rowsInDatabase, 1, false);
        }
    }

    @SuppressWarnings("try") // the progress display is closed, not referenced
    Ending run(PrintWriter console, Signals signals) throws IOException {
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
        if (grace.isNegative()) {
            throw new IllegalArgumentException("--grace must not be negative, was " + grace);
        }
        if (breaker < 0) {
            throw new IllegalArgumentException("--breaker must be at least 0 (0: no breaker), was " + breaker);
        }
        if (breaker > 0 && (breakerOpen.isZero() || breakerOpen.isNegative())) {
            throw new IllegalArgumentException("--breaker-open must be positive, was " + breakerOpen);
        }
        atLeastOne("--checkpoint-window", checkpointWindow);
        OutputDirectory.check("--out", out);
        Path rejected = out.resolve("rejected.ndjson");
        Path audit = out.resolve("audit.ndjson");
        Path summary = out.resolve("summary.csv");
        AtomicReference<RunningPipeline<?>> current = new AtomicReference<>();
        // the file sinks write, and delete their temporary files when cancelled, on this one thread: closing it
        // waits for those deletions, so that no temporary file survives an abort
        try (Closing<Scheduler> files = new Closing<>(Schedulers.newBoundedElastic(1, Schedulers.DEFAULT_BOUNDED_ELASTIC_QUEUESIZE,
                        "etl-files"), s -> drain(s, Duration.ofSeconds(5)));
                FatalErrors.Scope onFatal = FatalErrors.during("etl", fatalHint(), () -> {
                    RunningPipeline<?> r = current.get();
                    // the sinks delete their temporary files on cancel, unless the dying JVM never gets to it:
                    // first of all, since cancelling may itself be slow in a JVM out of memory
                    OutputDirectory.deleteTemporaries(out, OUTPUTS);
                    if (r != null) {
                        r.cancel();
                        drain(files.it(), Duration.ofSeconds(2));
                    }
                    OutputDirectory.deleteTemporaries(out, OUTPUTS);
                });
                Story story = new Story(console, 1.0);
                DemoApiServer api = DemoApiServer.start(DemoApiOptions.defaults().seed(seed).totalRecords(records)
                        .invalidFraction(invalidFraction).errorRate(errorRate).retryAfter(Duration.ofMillis(50))
                        .latency(Duration.ofMillis(latencyMs)));
                Closing<ConnectionPool> pool = new Closing<>(R2dbc.pool(db, concurrency + 2), ConnectionPool::dispose);
                // closed first: after the job has ended, its last write; a second run on the same file is refused here
                PageCheckpoint resumable = checkpoint == null ? null
                        : PageCheckpoint.open(checkpoint, pages(), checkpointWindow, Schedulers.boundedElastic())) {
            int pages = pages();
            boolean resuming = resumable != null && resumable.resuming();
            int firstPage = resumable == null ? 1 : resumable.firstPage();
            story.say("etl: %d records in %d pages from %s -> %s", records, pages, api.baseUri(), R2dbc.redact(db));
            if (resumable != null && db.startsWith("r2dbc:h2:mem:")) {
                story.say("etl: note: --checkpoint with an in-memory database: a restarted run resumes, but the rows of "
                        + "the run before died with it; give --db a file or server database");
            } else if (resumable != null && db.startsWith("r2dbc:h2:file:") && !db.toUpperCase(java.util.Locale.ROOT)
                    .contains("WRITE_DELAY=0")) {
                story.say("etl: note: H2 writes a commit to its file up to 500 ms late, and a killed run loses those rows "
                        + "after the checkpoint counted them: add ;WRITE_DELAY=0 to --db");
            }
            if (resumable != null) {
                story.say("etl: %s", !resuming ? String.format("checkpoint %s: a first run", checkpoint)
                        : firstPage > pages ? String.format("checkpoint %s: all %d pages were done by the runs before; nothing to fetch",
                                checkpoint, pages)
                        : String.format("resuming from checkpoint %s at page %d of %d", checkpoint, firstPage, pages));
            }
            // a resumed run keeps the rows of the runs before it: the table is created only if missing
            await((resuming ? Mono.<Integer>empty() : R2dbc.executeScript(pool.it(), "etl/drop.sql"))
                    .then(R2dbc.executeScript(pool.it(), "etl/schema.sql"))
                    .takeUntilOther(signals.stopped()));
            if (signals.first() != null) {
                story.say("etl: stopped by %s before the pipeline started; nothing was stored", signals.first());
                return new Ending(null, -1);
            }
            OutputDirectory.create("--out", out); // only now: a job that cannot start leaves nothing behind
            WriteOptions onFilesThread = WriteOptions.defaults().scheduler(files.it());
            WriteOptions outputs = onFilesThread;
            if (resumable != null) {
                // appended, each record done once flushed, so that a page settles only when its records are in the files
                outputs = onFilesThread.append(true).flushEvery(1);
                if (!resuming) {
                    java.nio.file.Files.deleteIfExists(rejected); // what an earlier, unrelated run left
                    java.nio.file.Files.deleteIfExists(audit);
                }
            }
            Source<Integer> pageNumbers = resumable == null
                    ? Source.fromIterable("pages", () -> IntStream.rangeClosed(1, pages).boxed().iterator())
                    : resumable.source("pages");
            int toTake = pages - firstPage + 1;

            Pipeline<InsertResult> job = job(api.baseUri(), pageNumbers, pool.it(), rejected, audit, outputs);

            RunningPipeline<InsertResult> running = job.start();
            current.set(running);
            PipelineReport<InsertResult> report;
            Disposable.Composite onSignals = Disposables.composite();
            try (Progress shown = Progress.show(progress, Story.isTerminal(), running,
                    List.of(new Line("fetch", "fetch", "pages", toTake, null),
                            new Line("records", "records", "pages", toTake, null),
                            new Line("validate", "validate", "records", records, null),
                            new Line("enrich", "enrich", "records", -1, null),
                            new Line("store", "store", "rows", -1, "to-db")),
                    "to-db", story, progressEvery)) {
                // tag::signals[]
                onSignals.addAll(List.of(
                        signals.stopped().subscribe(signal -> {
                            shown.note(signal + ": stopping; up to " + seconds(grace) + " for what is in flight ("
                                    + signal + " again aborts)");
                            running.stop(grace);
                        }),
                        signals.aborted().subscribe(signal -> {
                            shown.note(signal + " again: aborting; what is in flight is cut off");
                            running.cancel();
                        })));
                // end::signals[]
                report = await(running.await());
            } catch (RuntimeException e) {
                // nothing keeps running once the job has failed; that failure is the one to report
                running.cancel().subscribe(null, ignored -> { });
                throw e;
            } finally {
                onSignals.dispose();
            }
            story.say("");
            story.say("%s", report);
            Accounting accounting = Accounting.of(report, records, api.invalidRecords(), pages);
            if (resumable != null) {
                story.say("%s", checkpointLine(resumable, report));
            }
            if (signals.first() != null) {
                return stopped(story, signals, accounting, pool.it(), api, rejected, firstPage, resuming);
            }

            PipelineReport<FileWriteResult> written = await(Pipeline
                    .from(R2dbcSources.query(pool.it(), "SELECT region, tier, COUNT(*) AS customers, SUM(amount_eur) AS total_eur "
                            + "FROM etl_customers GROUP BY region, tier ORDER BY region, tier", List.of(),
                            row -> List.<Object>of(row.get("region", String.class), row.get("tier", String.class),
                                    row.get("customers", Long.class), row.get("total_eur", BigDecimal.class))))
                    .to(FileSinks.csv(summary, List.of("region", "tier", "customers", "total_eur"), (List<Object> r) -> r,
                            onFilesThread))
                    .named("summary").run().takeUntilOther(signals.aborted()));
            long inDb = rowsInDatabase(pool.it(), signals);
            story.say("");
            story.say("%s", accounting.completedLine());
            if (resuming) {
                story.say("%s", accounting.resumedDatabaseLine(inDb));
                story.say("API:        served %d records in all, %d of them invalid; %s: %d requests, "
                        + "%d answered with an error or fault and retried", accounting.served(), accounting.invalidAtSource(),
                        firstPage > pages ? "this run took no page" : "this run took pages " + firstPage + "-" + pages,
                        api.requests(), api.faults());
            } else {
                story.say("%s", accounting.databaseLine(inDb));
                story.say("API:        served %d records, %d of them invalid %s; %d requests, %d answered with an error or fault and retried",
                        accounting.served(), accounting.invalidAtSource(),
                        accounting.deadLettered() + accounting.skipped() == accounting.invalidAtSource() ? "(= refused)" : "(!= refused)",
                        api.requests(), api.faults());
            }
            story.say("Outputs:    %s (%d rejected records with reasons)", rejected.toAbsolutePath(), accounting.deadLettered());
            story.say("            %s (%d valid records, a copy of what was stored)", audit.toAbsolutePath(), accounting.audited());
            if (written != null) {
                story.say("            %s (%d rows)", summary.toAbsolutePath(), written.result().orElseThrow().items());
            } else {
                story.say("            summary.csv not written: the job was aborted");
            }
            story.say("Done in %.2f s.", story.elapsed());
            return new Ending(accounting, inDb, firstPage, resuming);
        }
    }

    private int pages() {
        return (int) ((records + pageSize - 1) / pageSize);
    }

    /** The checkpoint's line in the report: where this run started, what it repeated, where a restart would resume. */
    private String checkpointLine(PageCheckpoint cp, PipelineReport<?> report) {
        int pages = pages();
        String start = cp.firstPage() > pages ? "every page was done by the runs before"
                : cp.firstPage() > 1 || cp.resuming()
                ? String.format("resumed at page %d of %d; %d pages repeated (taken by the run before, not yet done when it "
                        + "ended)", cp.firstPage(), pages, cp.repeated())
                : String.format("a first run, from page 1 of %d", pages);
        int done = cp.done();
        String now = done >= pages ? "all " + pages + " pages done" : "done to page " + done + ": a run with --checkpoint "
                + checkpoint + " resumes at page " + (done + 1);
        return String.format("Checkpoint: %s; %s", start, now);
    }

    /** The end of a job stopped by a signal: how, the accounting with what was cut off, and what was not written. */
    private Ending stopped(Story story, Signals signals, Accounting accounting, ConnectionPool pool, DemoApiServer api,
            Path rejected, int firstPage, boolean resuming) {
        PipelineReport<InsertResult> report = accounting.report();
        String how = report.status() == PipelineStatus.COMPLETED
                ? String.format("Stopped by %s, which came as the run completed after %.2f s", signals.first(), seconds(report))
                : signals.isAborted()
                ? String.format("Aborted by a second %s after %.2f s: what was in flight was cut off", signals.first(),
                        seconds(report))
                : String.format("Stopped by %s after %.2f s: %s", signals.first(), seconds(report), accounting.committed()
                        ? "what was in flight finished within the " + seconds(grace) + " grace"
                        : "the " + seconds(grace) + " grace ran out, and what was still in flight was cut off");
        // after an abort the database is not asked again: it may be what the user gave up waiting for
        long inDb = signals.isAborted() ? -1 : rowsInDatabase(pool, signals);
        story.say("");
        story.say("%s", how);
        accounting.stoppedLines().forEach(line -> story.say("%s", line));
        story.say("%s", resuming ? accounting.resumedDatabaseLine(inDb) : accounting.databaseLine(inDb));
        story.say("API:        %d requests, %d answered with an error or fault and retried", api.requests(), api.faults());
        story.say("Outputs:    %s", checkpoint != null
                ? rejected.toAbsolutePath() + " (appended record by record with --checkpoint: " + accounting.deadLettered()
                        + " rejected records with reasons)"
                : accounting.committed()
                ? rejected.toAbsolutePath() + " (" + accounting.deadLettered() + " rejected records with reasons)"
                : "rejected.ndjson not written: the job was " + (signals.isAborted() ? "aborted" : "cut off")
                        + " before it committed its " + accounting.deadLettered() + " dead letters");
        story.say("            summary.csv not written: the job was %s", signals.isAborted() ? "aborted" : "stopped");
        return new Ending(accounting, inDb, firstPage, resuming);
    }

    /**
     * {@link Tasks#run}, where the job waits: a fatal JVM error that reaches it (out of memory,
     * as the cause of a failure) ends the program here, before the resources are closed, which
     * could hang with the heap full.
     */
    private static <T> T await(Mono<T> step) {
        try {
            return Tasks.run(step);
        } catch (RuntimeException | Error e) {
            if (FatalErrors.isFatal(e)) {
                FatalErrors.fatal(Thread.currentThread(), e);
            }
            throw e;
        }
    }

    /** What to tell a user whose job ran out of memory. */
    private String fatalHint() {
        return db.startsWith("r2dbc:h2:mem:")
                ? "the in-memory database holds every row: for big runs give --db a file-based H2 URL "
                        + "(r2dbc:h2:file:///./etl-db/etl) or PostgreSQL, or the JVM more heap (-Xmx)"
                : "give the JVM more heap (-Xmx)";
    }

    /** The rows in etl_customers, or -1 if a second signal aborted the query. */
    private static long rowsInDatabase(ConnectionPool pool, Signals signals) {
        Long n = await(R2dbcSources.query(pool, "SELECT COUNT(*) AS n FROM etl_customers", List.of(),
                row -> row.get("n", Long.class)).flux().single().takeUntilOther(signals.aborted()));
        return n == null ? -1 : n;
    }

    /** Waits (up to {@code limit}) for what the files thread was given, such as a cancelled sink's deletion of its temporary file. */
    private static void drain(Scheduler files, Duration limit) {
        files.disposeGracefully().timeout(limit).onErrorResume(e -> Mono.fromRunnable(files::dispose)).block();
    }

    private static double seconds(PipelineReport<?> report) {
        return report.duration().toNanos() / 1e9;
    }

    private static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%s s", BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString());
    }

    private static void atLeastOne(String option, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, was " + value);
        }
    }

    /** An AutoCloseable for a resource that has a different close method. */
    private record Closing<T>(T it, java.util.function.Consumer<T> closer) implements AutoCloseable {
        @Override
        public void close() {
            closer.accept(it);
        }
    }

    /**
     * The job's pipeline: pages -> fetch -> records -> validate (bad ones to the rejected file)
     * -> enrich -> a copy of every valid record to the audit file, and the records on through
     * a buffer into the database in batches.
     */
    Pipeline<InsertResult> job(URI api, Source<Integer> pages, ConnectionFactory db, Path rejected, Path audit, WriteOptions files) {
        // tag::pipeline[]
        return Pipeline
                .from(pages) // Source.fromIterable of 1..N, or with --checkpoint a source that resumes
                .then(fetch(api))
                .then(Stage.flatMap("records", (Page page) -> Flux.fromIterable(page.records())))
                .then(Stage.map("validate", Records::validate)
                        .onError(ErrorPolicy.deadLetter(FileSinks.ndjson(rejected, files))))
                .then(Stage.map("enrich", Records::enrich))
                .broadcast("copy",
                        Branch.to("audit", FileSinks.<Enriched>ndjson(audit, files).named("audit-file")),
                        Branch.of("main", (PipelineBuilder<Enriched> b) -> b))
                .buffer("to-db", 4 * batchSize)
                .to(R2dbcSinks.upsert(db, "etl_customers", List.of("id"), Records.COLUMNS,
                        (Enriched e) -> Records.row(e),
                        InsertOptions.defaults().batchSize(batchSize).concurrency(2)).named("store"))
                .named("etl");
        // end::pipeline[]
    }

    /**
     * The fetch stage: retries with backoff, and, unless {@code --breaker 0}, a circuit breaker
     * that opens after that many failed calls in a row. With the API down the run then fails in
     * a fraction of a second, naming the breaker, instead of retrying every page.
     */
    private Stage<Integer, Page> fetch(URI api) {
        // tag::fetch[]
        Stage<Integer, Page> fetch = HttpStages.get("fetch", (Integer page) -> uri(api, page), Page.class,
                HttpOptions.defaults().concurrency(concurrency).retries(8, Duration.ofMillis(20), Duration.ofSeconds(1))
                        .maxRetryAfter(Duration.ofSeconds(2)));
        return breaker == 0 ? fetch : fetch.circuitBreaker(Breaker.consecutiveFailures("demo-api", breaker, breakerOpen));
        // end::fetch[]
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
