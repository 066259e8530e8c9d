package dev.pipeline.connectors.r2dbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineException;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import dev.pipeline.core.Stage;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** Query source, lookup stage and a lost connection, against H2 and PostgreSQL. */
class QueryAndLookupTest {

    record Enriched(int id, String name) {
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void aQueryBindsParametersAndStreamsRowsAsRequested(Db db) {
        try (Db.Fixture f = db.open(2)) {
            String table = f.people();
            f.sql("INSERT INTO " + table + " (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd')");
            Source<Integer> ids = R2dbcSources.query(f.pool, "SELECT id FROM " + table + " WHERE id > $1 AND name <> $2 ORDER BY id",
                    List.of(1, "c'; DROP TABLE " + table + "; --"), row -> row.get("id", Integer.class));
            StepVerifier.create(ids.flux(), 1)
                    .expectNext(2)
                    .then(() -> assertThat(f.acquired()).isLessThanOrEqualTo(1))
                    .thenRequest(2)
                    .expectNext(3, 4)
                    .verifyComplete();
            assertThat(f.ids(table)).hasSize(4);
        }
    }

    @Test
    void aRenamedQueryAndLookupGoByTheirNewNamesAndALookupOverItsRowLimitFailsNamingTheRenamedStage() {
        try (Db.Fixture f = Db.H2.open(2)) {
            String table = f.people();
            f.sql("INSERT INTO " + table + " (id, name) VALUES (1, 'a'), (2, 'a')");
            Source<Integer> ids = R2dbcSources.query(f.pool, "SELECT id FROM " + table + " ORDER BY id", List.of(),
                    row -> row.get("id", Integer.class));
            assertThat(ids.name()).isEqualTo("query");
            Stage<Integer, Integer> sameName = R2dbcStages.lookup("lookup", f.pool, "SELECT id FROM " + table + " WHERE name = 'a'",
                    (Integer id) -> List.of(), row -> row.get("id", Integer.class), (Integer id, List<Integer> rows) -> rows.size(),
                    QueryOptions.defaults().maxRows(1));
            Pipeline<List<Integer>> pipeline = Pipeline.from(ids.named("ids"))
                    .then(sameName.named("siblings"))
                    .to(Sink.collect("out"));
            StepVerifier.create(pipeline.run())
                    .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("stage 'siblings'")
                            .hasMessageContaining("the lookup returned more than 1 rows for one item")
                            .hasMessageNotContaining("lookup 'lookup'"))
                    .verify(Duration.ofSeconds(30));
        }
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void aLookupEnrichesEachItemInOrderWithBoundedConcurrency(Db db) {
        try (Db.Fixture f = db.open(4)) {
            String table = f.people();
            f.sql("INSERT INTO " + table + " (id, name) VALUES (1, 'one'), (2, 'two'), (3, 'three')");
            PipelineReport<List<Enriched>> report = Pipeline.from(Source.fromIterable("ids", List.of(3, 1, 9, 2)))
                    .then(R2dbcStages.lookup("names", f.pool, "SELECT name FROM " + table + " WHERE id = $1",
                            (Integer id) -> List.of(id), row -> row.get("name", String.class),
                            (Integer id, List<String> names) -> new Enriched(id, names.isEmpty() ? null : names.get(0)))
                            .concurrency(3))
                    .to(Sink.collect("out"))
                    .run().block(Duration.ofSeconds(30));
            assertThat(report.result().get()).containsExactly(new Enriched(3, "three"), new Enriched(1, "one"),
                    new Enriched(9, null), new Enriched(2, "two"));
        }
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void aConnectionLostMidStreamFailsTheRunWithoutWritingAnyRowTwice(Db db) {
        try (Db.Fixture f = db.open(2)) {
            String table = f.people();
            ConnectionFactory flaky = failingThirdExecute(f.pool);
            List<InsertSinkTest.Person> people = IntStream.rangeClosed(1, 50).mapToObj(InsertSinkTest::person).toList();
            StepVerifier.create(Pipeline.from(Source.fromIterable("people", people))
                            .to(R2dbcSinks.insert(flaky, InsertSinkTest.insertSql(table), InsertSinkTest.Person::values,
                                    InsertOptions.defaults().batchSize(10)))
                            .run())
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(PipelineException.class)
                            .hasStackTraceContaining("connection lost"))
                    .verify(Duration.ofSeconds(30));
            assertThat(f.ids(table)).isEqualTo(IntStream.rangeClosed(1, 20).boxed().toList());
        }
    }

    /**
     * A real PostgreSQL backend killed while the sink runs, after three batches have committed
     * on it: the run fails with the driver's 08006, the rows committed before the kill stay, each
     * once, nothing of the batch that met the dead connection is there, and the connection goes
     * back to the pool. (Should the pool ever replace the dead connection first, the run
     * completes on a new one with every row once.)
     */
    @Test
    void aPostgresConnectionKilledMidStreamNeverDuplicatesARow() {
        dev.pipeline.connectors.testing.Services.requirePostgres();
        String app = "pipeline-kill-" + Long.toHexString(System.nanoTime());
        io.r2dbc.pool.ConnectionPool pool = R2dbc.pool("r2dbc:postgresql://postgres@127.0.0.1:5432/test?applicationName=" + app, 1);
        try (Db.Fixture admin = Db.POSTGRES.open(1)) {
            String table = admin.people();
            Flux<Long> every5ms = Flux.interval(Duration.ofMillis(5), Schedulers.boundedElastic()).onBackpressureDrop();
            // mid-stream: only once batches 1-30 are committed (the sink's connection is up and has been used)
            Mono<Long> committed30 = every5ms
                    .concatMap(t -> R2dbcSources.query(admin.pool, "SELECT COUNT(*) AS n FROM " + table, List.of(),
                            row -> row.get("n", Long.class)).flux().next())
                    .filter(n -> n >= 30)
                    .next();
            Mono<Long> kill = committed30.then(every5ms
                    .concatMap(t -> R2dbcSources.query(admin.pool, "SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity"
                            + " WHERE application_name = $1", List.of(app), row -> row.get("killed", Boolean.class))
                            .flux().filter(Boolean::booleanValue).count())
                    .filter(n -> n > 0)
                    .next())
                    .timeout(Duration.ofSeconds(20));
            // a task, awaited through shield(), so that the run failing (and cancelling item 35)
            // does not cancel the kill and its report: awaiting a task's join() would own it
            java.util.concurrent.atomic.AtomicReference<dev.pipeline.core.aio.Task<Long>> killing =
                    new java.util.concurrent.atomic.AtomicReference<>();
            List<InsertSinkTest.Person> people = IntStream.rangeClosed(1, 100).mapToObj(InsertSinkTest::person).toList();
            PipelineException failure = Pipeline.from(Source.fromIterable("people", people))
                    .then(dev.pipeline.core.Stage.mapAsync("kill at 35", (InsertSinkTest.Person p) -> p.id() != 35 ? Mono.just(p)
                            : Mono.defer(() -> dev.pipeline.core.aio.Tasks.shield(
                                    killing.updateAndGet(t -> t != null ? t : dev.pipeline.core.aio.Tasks.createTask(kill)))
                                    .thenReturn(p))))
                    .to(R2dbcSinks.insert(pool, InsertSinkTest.insertSql(table), InsertSinkTest.Person::values,
                            // no batch waits out a timer: 35 and later reach the sink only after the kill
                            InsertOptions.defaults().batchSize(10).maxWait(Duration.ofSeconds(30))))
                    .run()
                    .then(Mono.<PipelineException>empty())
                    .onErrorResume(PipelineException.class, Mono::just)
                    .block(Duration.ofSeconds(60));
            assertThat(killing.get()).as("item 35 started the kill").isNotNull();
            Long killed = killing.get().join().block(Duration.ofSeconds(30));
            assertThat(killed).as("a backend of the sink's pool was terminated (run outcome: " + failure + ")").isPositive();
            List<Integer> ids = admin.ids(table);
            if (failure != null) {
                java.io.StringWriter trace = new java.io.StringWriter();
                failure.printStackTrace(new java.io.PrintWriter(trace));
                assertThat(trace.toString()).as("the run failed because its connection was terminated")
                        .containsAnyOf("terminating connection", "08006");
                // 1-30 committed before the kill; 31-34 may have gone as a batch of their own before
                // it (see docs/pipelines.md on batch); nothing from the batch that met the dead connection
                assertThat(ids).as("the rows committed before the kill, each once, and nothing after it")
                        .isIn(IntStream.rangeClosed(30, 34).mapToObj(k -> IntStream.rangeClosed(1, k).boxed().toList()).toList());
            } else {
                assertThat(ids).isEqualTo(IntStream.rangeClosed(1, 100).boxed().toList());
            }
            assertThat(dev.pipeline.connectors.testing.OpenFiles.eventually(
                    () -> pool.getMetrics().orElseThrow().acquiredSize() == 0).block(Duration.ofSeconds(10))).isTrue();
        } finally {
            pool.dispose();
        }
    }

    /** A factory whose third statement execution fails as if the connection dropped. */
    static ConnectionFactory failingThirdExecute(ConnectionFactory delegate) {
        AtomicInteger executions = new AtomicInteger();
        return new ConnectionFactory() {
            @Override
            public org.reactivestreams.Publisher<? extends Connection> create() {
                return Mono.from(delegate.create()).map(c -> proxy(Connection.class, c, (p, m, a) -> {
                    Object result = invoke(c, m, a);
                    if (m.getName().equals("createStatement")) {
                        Statement s = (Statement) result;
                        return proxy(Statement.class, s, (p2, m2, a2) -> {
                            if (m2.getName().equals("execute") && executions.incrementAndGet() == 3) {
                                return Mono.error(new R2dbcNonTransientResourceException("connection lost (simulated)", "08006"));
                            }
                            Object r = invoke(s, m2, a2);
                            return r == s ? p2 : r;
                        });
                    }
                    return result;
                }));
            }

            @Override
            public io.r2dbc.spi.ConnectionFactoryMetadata getMetadata() {
                return delegate.getMetadata();
            }
        };
    }

    private static Object invoke(Object target, java.lang.reflect.Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static <T> T proxy(Class<T> type, T target, InvocationHandler handler) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }
}
