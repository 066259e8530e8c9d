package dev.pipeline.examples.bench;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.pipeline.connectors.rabbitmq.Rabbit;
import dev.pipeline.examples.Main;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * S10 etl-distributed: the distributed ETL (RabbitMQ work queue, PostgreSQL upserts) with 1, 2
 * and 3 worker processes on I/O-bound work (each page of one record waits {@code --latency-ms}
 * on the demo API), against the single-process ETL ({@code run etl}) on the same records, page
 * size, latency, fetch concurrency, batch size and database. Each round publishes the work,
 * starts the workers as separate JVMs that begin consuming at the same instant, and measures
 * from then to the last acknowledgement of the slowest worker (their final quiet period
 * excluded). Prints a RESULT line per worker count and the summary line last: items/s and the
 * scaling ratios.
 *
 * <p>A worker's prefetch is its whole in-flight bound: pages being fetched and records waiting
 * in a batch for their commit. The single-process ETL bounds only the fetches
 * ({@code --concurrency}) and lets a batch fill behind them, so the worker gets
 * {@code concurrency + batch size} unacknowledged messages: the same fetch concurrency with one
 * batch committing behind it. The workers are fresh JVMs that run for seconds, so by default
 * they start with {@code -XX:TieredStopAtLevel=1}: on two cores, three JVMs compiling the HTTP,
 * AMQP and PostgreSQL paths with C2 at once spend most of a round's CPU on the compiler
 * ({@code --worker-jvm} changes the options).
 */
@Command(name = "etl-distributed", mixinStandardHelpOptions = true,
        description = "S10 etl-distributed: the distributed ETL with 1, 2, 3 workers vs the single-process ETL")
public final class DistributedEtlBench implements Callable<Integer> {

    @Option(names = "--items", description = "work items (pages of one record) per round (default ${DEFAULT-VALUE})")
    int items = 20000;

    @Option(names = "--latency-ms", description = "the demo API's latency per page (default ${DEFAULT-VALUE})")
    int latencyMs = 50;

    @Option(names = "--concurrency", description = "pages fetched at once, by each worker and by the single-process ETL (default ${DEFAULT-VALUE})")
    int concurrency = 32;

    @Option(names = "--batch-size", description = "rows per upsert batch (default ${DEFAULT-VALUE})")
    int batchSize = 16;

    @Option(names = "--prefetch", description = "each worker's unacknowledged messages (default: concurrency + batch size)")
    Integer prefetch;

    @Option(names = "--worker-jvm", split = " ", description = "the worker JVMs' options (default ${DEFAULT-VALUE})")
    List<String> workerJvm = new ArrayList<>(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"));

    @Option(names = "--max-workers", description = "the most workers (default ${DEFAULT-VALUE})")
    int maxWorkers = 3;

    @Option(names = "--broker", description = "the broker (default " + Main.LOCAL_BROKER + ")")
    String broker = Rabbit.LOCAL;

    @Option(names = "--db", description = "PostgreSQL (default ${DEFAULT-VALUE})")
    String db = "r2dbc:postgresql://postgres@127.0.0.1:5432/test";

    private static final Pattern WORKER = Pattern.compile("WORKER name=(\\S+) deliveries=(\\d+) redelivered=(\\d+) start_ms=(\\d+) busy_ms=(\\d+)");
    private static final Pattern COMPLETED = Pattern.compile("Pipeline 'etl' COMPLETED in ([0-9.]+) s");

    @Override
    public Integer call() throws Exception {
        String queue = "bench-etl-" + ProcessHandle.current().pid();
        String tables = "bench_etl_" + ProcessHandle.current().pid();
        if (prefetch == null) {
            prefetch = concurrency + batchSize;
        }
        System.out.printf("etl-distributed: %,d pages of 1 record, API latency %d ms, concurrency %d, batch size %d, worker prefetch %d, "
                + "worker JVM %s; queue %s, tables %s_*%n", items, latencyMs, concurrency, batchSize, prefetch, String.join(" ", workerJvm),
                queue, tables);
        try {
            return measure(queue, tables);
        } finally {
            cleanUp(queue, tables);
        }
    }

    private int measure(String queue, String tables) throws Exception {
        double single = singleProcess();
        System.out.printf("  single-process etl: %.1f items/s%n", single);
        double[] rates = new double[maxWorkers + 1];
        for (int n = 1; n <= maxWorkers; n++) {
            rates[n] = distributed(n, queue, tables);
            System.out.println(BenchResult.of("etl-distributed", "pipeline-" + n + "w").put("workers", n).put("items", items)
                    .put("items_per_s", rates[n]).put("wall_s", items / rates[n]).put("ratio_1w", rates[n] / rates[1]).line());
        }
        System.out.println(BenchResult.of("etl-distributed", "pipeline").put("items", items).put("latency_ms", latencyMs)
                .put("concurrency", concurrency).put("batch_size", batchSize).put("prefetch", prefetch).put("single_items_per_s", single).put("w1_items_per_s", rates[1])
                .put("w" + maxWorkers + "_items_per_s", rates[maxWorkers]).put("scaling", rates[maxWorkers] / rates[1])
                .put("ratio_single", rates[1] / single).line());
        return 0;
    }

    /** Deletes the round's queue and tables. */
    private void cleanUp(String queue, String tables) throws Exception {
        com.rabbitmq.client.ConnectionFactory f = new com.rabbitmq.client.ConnectionFactory();
        f.setUri(broker);
        try (com.rabbitmq.client.Connection c = f.newConnection("bench-cleanup"); com.rabbitmq.client.Channel ch = c.createChannel()) {
            ch.queueDelete(queue);
        }
        io.r2dbc.pool.ConnectionPool pool = dev.pipeline.connectors.r2dbc.R2dbc.pool(db, 1);
        try {
            reactor.core.publisher.Mono.usingWhen(reactor.core.publisher.Mono.from(pool.create()),
                    c -> reactor.core.publisher.Mono.from(c.createStatement("DROP TABLE IF EXISTS " + tables + "_customers, " + tables
                            + "_rejected, " + tables + "_receipts, " + tables + "_work").execute()).then(),
                    c -> reactor.core.publisher.Mono.from(c.close())).block(java.time.Duration.ofMinutes(2));
        } finally {
            pool.dispose();
        }
    }

    /** The single-process ETL in this JVM on the same work: records per second of its pipeline. */
    private double singleProcess() throws Exception {
        Path out = Files.createTempDirectory("bench-etl");
        StringWriter text = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(text));
        int code = cli.execute("run", "etl", "--records", "" + items, "--page-size", "1", "--concurrency", "" + concurrency,
                "--latency-ms", "" + latencyMs, "--error-rate", "0.02", "--batch-size", "" + batchSize,
                "--db", db, "--progress", "none", "--out", out.toString());
        Matcher m = COMPLETED.matcher(text.toString());
        if (code != 0 || !m.find()) {
            throw new IllegalStateException("the single-process etl failed (exit " + code + "):\n" + text);
        }
        return items / Double.parseDouble(m.group(1));
    }

    /** One round with {@code n} workers: items per second from their common start to the last acknowledgement. */
    private double distributed(int n, String queue, String tables) throws Exception {
        StringWriter text = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(text));
        int published = cli.execute("run", "etl-publish", "--broker", broker, "--db", db, "--queue", queue, "--tables", tables,
                "--items", "" + items, "--page-size", "1");
        if (published != 0) {
            throw new IllegalStateException("etl-publish failed:\n" + text);
        }
        long startAt = System.currentTimeMillis() + 6000 + 2000L * n; // after every JVM has started
        List<Process> workers = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        for (int w = 1; w <= n; w++) {
            Path output = Files.createTempFile("bench-worker", ".txt");
            outputs.add(output);
            List<String> command = new ArrayList<>();
            command.add(java());
            command.addAll(workerJvm);
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(),
                    "run", "etl-worker", "--broker", broker, "--db", db, "--queue", queue, "--tables", tables, "--worker", "w" + w,
                    "--prefetch", "" + prefetch, "--concurrency", "" + concurrency, "--batch-size", "" + batchSize,
                    "--latency-ms", "" + latencyMs, "--idle", "1s", "--start-at", "" + startAt));
            workers.add(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start());
        }
        long first = Long.MAX_VALUE;
        long last = 0;
        long delivered = 0;
        for (int w = 0; w < n; w++) {
            Process p = workers.get(w);
            if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("worker " + (w + 1) + " failed:\n" + Files.readString(outputs.get(w)));
            }
            Matcher m = WORKER.matcher(Files.readString(outputs.get(w), StandardCharsets.UTF_8));
            if (!m.find()) {
                throw new IllegalStateException("no WORKER line from worker " + (w + 1) + ":\n" + Files.readString(outputs.get(w)));
            }
            long start = Long.parseLong(m.group(4));
            first = Math.min(first, start);
            last = Math.max(last, start + Long.parseLong(m.group(5)));
            delivered += Long.parseLong(m.group(2));
            System.out.printf(Locale.ROOT, "  %d workers: %s took %s deliveries%n", n, m.group(1), m.group(2));
            Files.deleteIfExists(outputs.get(w));
        }
        if (delivered < items) {
            throw new IllegalStateException("the workers took " + delivered + " of " + items + " items");
        }
        double rate = items / ((last - first) / 1e3);
        System.out.printf(Locale.ROOT, "  %d workers: %.1f items/s over %.2f s%n", n, rate, (last - first) / 1e3);
        return rate;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
