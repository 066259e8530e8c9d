package dev.pipeline.examples.bench;

import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;

import com.zaxxer.hikari.HikariDataSource;
import dev.pipeline.connectors.jdbc.Jdbc;
import dev.pipeline.connectors.jdbc.JdbcSinks;
import dev.pipeline.connectors.r2dbc.InsertOptions;
import dev.pipeline.connectors.r2dbc.InsertResult;
import dev.pipeline.connectors.r2dbc.R2dbc;
import dev.pipeline.connectors.r2dbc.R2dbcSinks;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.Source;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Statement;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * S7 db-insert: insert N rows (id int, name varchar(64), payload varchar(256)) into in-memory H2
 * through the pipeline's two sinks, {@code JdbcSinks.insert} (pipeline-jdbc) and
 * {@code R2dbcSinks.insert} (pipeline-r2dbc), against raw r2dbc-h2 batches on one connection and
 * JDBC {@code executeBatch} on one connection, all batches of {@code --batch} rows, one
 * transaction each, all four in one JVM. Each round uses a fresh database per implementation;
 * the first round is cold, the reported numbers are the median of the warm rounds ({@code best_s}:
 * the fastest warm round, and {@code ratio_best} the ratio of those). Prints one
 * RESULT line per implementation; the JDBC sink's ({@code impl=pipeline}) is the last.
 */
@Command(name = "db-insert", mixinStandardHelpOptions = true, description = "S7 db-insert: rows/s into in-memory H2 (pipeline JDBC and R2DBC sinks, raw JDBC and r2dbc-h2)")
public final class DbInsertBench implements Callable<Integer> {

    private static final String PAYLOAD = "x".repeat(180);

    @Option(names = "--n", description = "rows to insert (default: ${DEFAULT-VALUE})")
    int n = 100_000;

    /**
     * Ten warm rounds: both JDBC implementations run their first five or so rounds at 0.14 to
     * 0.25 s while the JIT compiles them, and only then at 0.11 to 0.12 s, so a median of three
     * measured mostly the warm-up, where the sink has more code to compile than the loop.
     */
    @Option(names = "--rounds", description = "warm rounds after one cold round (default: ${DEFAULT-VALUE})")
    int rounds = 10;

    @Option(names = "--batch", description = "rows per batch (default: ${DEFAULT-VALUE})")
    int batch = 1000;

    /**
     * The sinks' own default, one batch in flight: in-memory H2 serialises writers to one table
     * (both replace the same MVStore map root), so a second lane costs CPU and gains nothing
     * there (docs/performance.md, S7); a database that writes in parallel is measured with more.
     */
    @Option(names = "--concurrency", description = "batches in flight for each pipeline sink (default: the sinks' own default, ${DEFAULT-VALUE})")
    int concurrency = 1;

    @Option(names = "--gc-between", description = "collect the heap before each timed run, so no implementation pays for the previous one's garbage")
    boolean gcBetween;

    @Option(names = "--jdbc-only", description = "run only the two JDBC implementations (the sink and executeBatch), not the R2DBC ones")
    boolean jdbcOnly;

    record Row(int id, String name, String payload) {
    }

    /**
     * What a run leaves to close once its clock has stopped: the JDBC sink's connection pool. An
     * application keeps its pool for its life; closing a HikariCP pool waits about 30 ms for its
     * connections to be closed on the pool's own thread, which would be a fifth of a 100k-row run
     * and no part of the sink's work. The close is timed apart ({@code pool_close_s}).
     */
    private AutoCloseable afterClock;
    private final List<Double> poolClose = new ArrayList<>();
    /**
     * The JDBC sink's pool, opened (and its first connection made) before the clock starts, for
     * the same reason: starting a HikariCP pool (its threads, the fail-fast connection) took 1 to
     * 7 ms a round, the application's start-up, not the sink's work. Timed apart
     * ({@code pool_open_s}; {@code ratio_incl_pool_open} counts it in).
     */
    private HikariDataSource openPool;
    private final List<Double> poolOpen = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (rounds < 1 || n < 1) {
            throw new IllegalArgumentException("--rounds and --n must be at least 1, were " + rounds + " and " + n);
        }
        List<Double> raw = new ArrayList<>();
        List<Double> jdbc = new ArrayList<>();
        List<Double> pipe = new ArrayList<>();
        List<Double> pipeJdbc = new ArrayList<>();
        double[] cold = new double[4];
        // the process's CPU time (all threads: H2's work, the sink's, GC, JIT), least over the warm rounds
        double[] cpu = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        long expected = (long) n * (n - 1) / 2;
        for (int round = 0; round <= rounds; round++) {
            double[] c = new double[4];
            double r = jdbcOnly ? Double.NaN : timed(this::rawR2dbc, expected, c, 0);
            double j = timed(this::jdbcBatch, expected, c, 1);
            double p = jdbcOnly ? Double.NaN : timed(this::pipeline, expected, c, 2);
            double pj = timed(this::pipelineJdbc, expected, c, 3);
            if (round > 0) {
                for (int k = 0; k < 4; k++) {
                    cpu[k] = Math.min(cpu[k], c[k]);
                }
            }
            System.err.printf(Locale.ROOT, "round %d cpu: jdbc-batch %.3fs pipeline-jdbc %.3fs (%.2fx)%n", round, c[1], c[3], c[1] / c[3]);
            System.err.printf(Locale.ROOT, "round %d%s: r2dbc-raw %.3fs jdbc-batch %.3fs pipeline-r2dbc %.3fs pipeline-jdbc %.3fs%n",
                    round, round == 0 ? " (cold)" : "", r, j, p, pj);
            if (round == 0) {
                cold = new double[] {r, j, p, pj};
            } else {
                raw.add(r);
                jdbc.add(j);
                pipe.add(p);
                pipeJdbc.add(pj);
            }
        }
        double r = median(raw);
        double j = median(jdbc);
        double p = median(pipe);
        double pj = median(pipeJdbc);
        // the fastest warm round of each, beside the median: on a shared machine the load of others moves rounds by 2x or more
        double rBest = best(raw);
        double jBest = best(jdbc);
        double pBest = best(pipe);
        double pjBest = best(pipeJdbc);
        // every run above checked the table's row count and id sum, so the results are ok
        System.out.println(result("r2dbc-raw", r, cold[0], expected).put("best_s", rBest).put("ok", "true").line());
        System.out.println(result("jdbc-batch", j, cold[1], expected).put("best_s", jBest).put("cpu_s", cpu[1])
                .put("cpu_ns_per_row", cpu[1] * 1e9 / n).put("ok", "true").line());
        System.out.println(result("pipeline-r2dbc", p, cold[2], expected)
                .put("concurrency", concurrency)
                .put("ratio", j / p)
                .put("ratio_r2dbc_raw", r / p)
                .put("best_s", pBest)
                .put("ratio_best", jBest / pBest)
                .put("ratio_r2dbc_raw_best", rBest / pBest)
                .put("ok", "true")
                .line());
        System.out.println(result("pipeline", pj, cold[3], expected)
                .put("sink", "jdbc")
                .put("concurrency", concurrency)
                .put("ratio", j / pj)
                .put("ratio_r2dbc_raw", r / pj)
                .put("best_s", pjBest)
                .put("ratio_best", jBest / pjBest)
                .put("ratio_r2dbc_raw_best", rBest / pjBest)
                .put("cpu_s", cpu[3])
                .put("cpu_ns_per_row", cpu[3] * 1e9 / n)
                .put("ratio_cpu", cpu[1] / cpu[3])
                .put("pool_open_s", median(poolOpen))
                .put("ratio_incl_pool_open", j / (pj + median(poolOpen)))
                .put("pool_close_s", median(poolClose))
                .put("rss_mb", Memory.peakRssMb())
                .put("ok", "true")
                .line());
        return 0;
    }

    private BenchResult result(String impl, double wall, double cold, long checksum) {
        return BenchResult.of("db-insert", impl).put("rows", n).put("batch", batch).put("wall_s", wall)
                .put("rows_per_s", n / wall).put("items_per_s", n / wall).put("cold_s", cold).put("checksum", checksum);
    }

    interface Run {
        long insert(String db) throws Exception;
    }

    /**
     * Runs one implementation against a fresh database; returns seconds, and puts the process's
     * CPU seconds in {@code cpu[slot]}; checks the rows' id sum.
     */
    private double timed(Run run, long expected, double[] cpu, int slot) throws Exception {
        String db = "bench" + UUID.randomUUID().toString().replace("-", "");
        try (java.sql.Connection keepAlive = DriverManager.getConnection("jdbc:h2:mem:" + db + ";DB_CLOSE_DELAY=-1")) {
            keepAlive.createStatement().execute("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(64), payload VARCHAR(256))");
            try {
                if (gcBetween) {
                    System.gc();
                }
                if (slot == 3) {
                    long t1 = System.nanoTime();
                    openPool = Jdbc.pool("jdbc:h2:mem:" + db, concurrency);
                    afterClock = openPool;
                    openPool.getConnection().close();
                    poolOpen.add((System.nanoTime() - t1) / 1e9);
                }
                long g0 = Rounds.gcMillis();
                long a0 = allocatedBytes();
                long c0 = Rounds.processCpuNanos();
                long t0 = System.nanoTime();
                run.insert(db);
                double seconds = (System.nanoTime() - t0) / 1e9;
                cpu[slot] = (Rounds.processCpuNanos() - c0) / 1e9;
                long allocated = allocatedBytes() - a0;
                if (afterClock != null) {
                    long t1 = System.nanoTime();
                    afterClock.close();
                    afterClock = null;
                    poolClose.add((System.nanoTime() - t1) / 1e9);
                }
                if (Boolean.getBoolean("bench.gc")) {
                    System.err.printf(Locale.ROOT, "  slot %d: wall %.3fs cpu %.3fs gc %d ms alloc %d B/row%n", slot, seconds, cpu[slot],
                            Rounds.gcMillis() - g0, allocated / n);
                }
                try (ResultSet rs = keepAlive.createStatement().executeQuery("SELECT COUNT(*), SUM(id) FROM items")) {
                    rs.next();
                    if (rs.getLong(1) != n || rs.getLong(2) != expected) {
                        throw new IllegalStateException("wrong rows: count " + rs.getLong(1) + " sum " + rs.getLong(2));
                    }
                }
                return seconds;
            } finally {
                if (afterClock != null) { // the run failed before its clock stopped
                    afterClock.close();
                    afterClock = null;
                }
                keepAlive.createStatement().execute("DROP ALL OBJECTS"); // the in-memory database goes with it
            }
        }
    }

    private Row row(int i) {
        return new Row(i, "name-" + i, PAYLOAD + i);
    }

    private static String url(String db) {
        return "r2dbc:h2:mem:///" + db + "?options=DB_CLOSE_DELAY=-1";
    }

    private static final String INSERT = "INSERT INTO items (id, name, payload) VALUES ($1, $2, $3)";

    /** The baseline: r2dbc-h2, one connection, Statement.add() batches, one transaction each. */
    private long rawR2dbc(String db) {
        ConnectionFactory cf = ConnectionFactories.get(url(db));
        return Mono.usingWhen(cf.create(), (Connection c) -> Flux.range(0, n).map(this::row).buffer(batch)
                        .concatMap(rows -> {
                            Statement s = c.createStatement(INSERT);
                            for (int k = 0; k < rows.size(); k++) {
                                if (k > 0) {
                                    s.add();
                                }
                                Row r = rows.get(k);
                                s.bind(0, r.id()).bind(1, r.name()).bind(2, r.payload());
                            }
                            return Mono.from(c.beginTransaction())
                                    .thenMany(s.execute())
                                    .concatMap(res -> res.getRowsUpdated())
                                    .then(Mono.from(c.commitTransaction()))
                                    .thenReturn(rows.size());
                        })
                        .reduce(0L, (a, b) -> a + b),
                Connection::close)
                .subscribeOn(Schedulers.boundedElastic())
                .block(Duration.ofMinutes(10));
    }

    /** The baseline: JDBC executeBatch on one connection, a commit per batch. */
    private long jdbcBatch(String db) throws SQLException {
        try (java.sql.Connection c = DriverManager.getConnection("jdbc:h2:mem:" + db)) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO items (id, name, payload) VALUES (?, ?, ?)")) {
                for (int i = 0; i < n; i++) {
                    Row r = row(i);
                    ps.setInt(1, r.id());
                    ps.setString(2, r.name());
                    ps.setString(3, r.payload());
                    ps.addBatch();
                    if ((i + 1) % batch == 0 || i == n - 1) {
                        ps.executeBatch();
                        c.commit();
                    }
                }
            }
        }
        return n;
    }

    /** The pipeline's R2DBC sink: R2dbcSinks.insert with batches on several pooled connections. */
    private long pipeline(String db) {
        ConnectionPool pool = R2dbc.pool(url(db), concurrency);
        try {
            // the same rows, made the same way, as the raw r2dbc baseline
            PipelineReport<InsertResult> report = Pipeline.from(Source.of("rows", Flux.range(0, n).map(this::row)))
                    .to(R2dbcSinks.insert(pool, INSERT, (Row r) -> List.of(r.id(), r.name(), r.payload()),
                            InsertOptions.defaults().batchSize(batch).concurrency(concurrency)))
                    .run().block(Duration.ofMinutes(10));
            return report.result().orElseThrow().rows();
        } finally {
            pool.dispose();
        }
    }

    /**
     * The pipeline: JdbcSinks.insert, executeBatch on as many blocking threads and pooled connections as the
     * concurrency. The pool is opened before the clock ({@link #openPool}) and closed after it ({@link #afterClock}).
     */
    private long pipelineJdbc(String db) {
        HikariDataSource pool = openPool;
        openPool = null;
        PipelineReport<dev.pipeline.connectors.jdbc.InsertResult> report = Pipeline.from(Source.of("rows", Flux.range(0, n).map(this::row)))
                .to(JdbcSinks.insert(pool, "INSERT INTO items (id, name, payload) VALUES (?, ?, ?)",
                        (Row r) -> List.of(r.id(), r.name(), r.payload()),
                        dev.pipeline.connectors.jdbc.InsertOptions.defaults().batchSize(batch).concurrency(concurrency)))
                .run().block(Duration.ofMinutes(10));
        return report.result().orElseThrow().rows();
    }

    /** Bytes allocated by all the JVM's threads so far, those that ended included (0 where not supported). */
    private static long allocatedBytes() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        return threads instanceof com.sun.management.ThreadMXBean sun && sun.isThreadAllocatedMemorySupported()
                ? sun.getTotalThreadAllocatedBytes() : 0L;
    }

    private static double best(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int m = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(m) : (sorted.get(m - 1) + sorted.get(m)) / 2;
    }
}
