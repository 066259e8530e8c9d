package dev.pipeline.connectors.jdbc;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import dev.pipeline.connectors.testing.OpenFiles;
import dev.pipeline.core.Breaker;
import dev.pipeline.core.CircuitOpenException;
import dev.pipeline.core.DeadLetter;
import dev.pipeline.core.ErrorPolicy;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineException;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The JDBC insert and upsert sinks against H2 and PostgreSQL. */
class JdbcSinksTest {

    record Person(int id, String name, String payload) {
        List<?> values() {
            return Arrays.asList(id, name, payload);
        }
    }

    static Person person(int id) {
        return new Person(id, "p" + id, "payload " + id);
    }

    static String insertSql(String table) {
        return "INSERT INTO " + table + " (id, name, payload) VALUES (?, ?, ?)";
    }

    static PipelineReport<InsertResult> run(List<Person> people, Sink<Person, InsertResult> sink) {
        return Pipeline.from(Source.fromIterable("people", people)).to(sink).run().block(Duration.ofSeconds(60));
    }

    static Sink<Person, InsertResult> deadLettered(Sink<Person, InsertResult> sink, List<DeadLetter<?>> dead) {
        return sink.onError(ErrorPolicy.deadLetter(Sink.<DeadLetter<?>>forEach("dead", dead::add)));
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void insertsEveryRowInBatchesAndReportsRowsAndBatches(Db db) {
        try (Db.Fixture f = db.open(2)) {
            String table = f.people();
            List<Person> people = IntStream.rangeClosed(1, 50).mapToObj(JdbcSinksTest::person).toList();
            PipelineReport<InsertResult> report = run(people, JdbcSinks.insert(f.pool, insertSql(table), Person::values,
                    InsertOptions.defaults().batchSize(7)));
            assertThat(report.result()).contains(new InsertResult(50, 0, 8));
            assertThat(f.ids(table)).isEqualTo(IntStream.rangeClosed(1, 50).boxed().toList());
            assertThat(report.balances()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void duplicateKeysInsideOneBatchAreIsolatedTheGoodRowsCommitOnce(Db db) {
        try (Db.Fixture f = db.open(2)) {
            String table = f.people();
            List<Person> people = List.of(person(1), person(2), person(3), new Person(2, "dup", null), person(4),
                    person(5), new Person(1, "dup", null), person(6));
            List<DeadLetter<?>> dead = new CopyOnWriteArrayList<>();
            PipelineReport<InsertResult> report = run(people, deadLettered(JdbcSinks.insert(f.pool, insertSql(table),
                    Person::values, InsertOptions.defaults().batchSize(100)), dead));
            assertThat(f.ids(table)).containsExactly(1, 2, 3, 4, 5, 6);
            assertThat(f.name(table, 2)).isEqualTo("p2");
            assertThat(report.result()).contains(new InsertResult(6, 2, 4));
            assertThat(dead).<Object>extracting(DeadLetter::item).containsExactly(new Person(2, "dup", null), new Person(1, "dup", null));
            assertThat(dead).allSatisfy(d -> assertThat(d.error()).isInstanceOf(RowRejectedException.class)
                    .satisfies(e -> assertThat(((RowRejectedException) e).sqlState()).isEqualTo("23505")));
            assertThat(report.balances()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void nullIntoNotNullAndAValueTooLongAreRejectedWithTheDatabasesMessageAndSqlState(Db db) {
        try (Db.Fixture f = db.open(2)) {
            String table = f.people();
            List<Person> people = List.of(person(1), new Person(2, null, "x"), person(3), new Person(4, "n".repeat(40), "x"), person(5));
            List<DeadLetter<?>> dead = new CopyOnWriteArrayList<>();
            PipelineReport<InsertResult> report = run(people, deadLettered(JdbcSinks.insert(f.pool, insertSql(table),
                    Person::values, InsertOptions.defaults().batchSize(3)), dead));
            assertThat(f.ids(table)).containsExactly(1, 3, 5);
            assertThat(report.result()).contains(new InsertResult(3, 2, 3));
            assertThat(dead).extracting(d -> ((RowRejectedException) d.error()).sqlState()).containsExactly("23502", "22001");
            assertThat(dead.get(0).error().getMessage()).startsWith("sink 'insert': the database rejected the row: ")
                    .containsIgnoringCase("name").contains("SQL state 23502");
        }
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void underFailFastABadRowFailsTheRunAndEarlierBatchesStayCommitted(Db db) {
        try (Db.Fixture f = db.open(2)) {
            String table = f.people();
            List<Person> people = new ArrayList<>(IntStream.rangeClosed(1, 10).mapToObj(JdbcSinksTest::person).toList());
            people.add(new Person(11, null, null));
            StepVerifier.create(Pipeline.from(Source.fromIterable("people", people))
                            .to(JdbcSinks.insert(f.pool, insertSql(table), Person::values, InsertOptions.defaults().batchSize(5)))
                            .run())
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(PipelineException.class)
                            .hasMessageContaining("SQL state 23502"))
                    .verify(Duration.ofSeconds(60));
            assertThat(f.ids(table)).isEqualTo(IntStream.rangeClosed(1, 10).boxed().toList());
        }
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void concurrentBatchesOnSeveralConnectionsWriteEveryGoodRowExactlyOnce(Db db) {
        try (Db.Fixture f = db.open(4)) {
            String table = f.people();
            List<Person> people = new ArrayList<>();
            for (int i = 1; i <= 2000; i++) {
                people.add(i % 97 == 0 ? new Person(i, null, null) : person(i));
            }
            List<DeadLetter<?>> dead = new CopyOnWriteArrayList<>();
            PipelineReport<InsertResult> report = run(people, deadLettered(JdbcSinks.insert(f.pool, insertSql(table),
                    Person::values, InsertOptions.defaults().batchSize(100).concurrency(4)), dead));
            List<Integer> expected = IntStream.rangeClosed(1, 2000).filter(i -> i % 97 != 0).boxed().toList();
            assertThat(f.ids(table)).isEqualTo(expected);
            assertThat(dead).hasSize(2000 / 97);
            assertThat(report.result().orElseThrow().rows()).isEqualTo(expected.size());
            assertThat(report.result().orElseThrow().rejected()).isEqualTo(2000 / 97);
            assertThat(report.balances()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void upsertInsertsNewRowsAndUpdatesExistingOnes(Db db) {
        try (Db.Fixture f = db.open(2)) {
            String table = f.people();
            run(List.of(person(1), person(2)), JdbcSinks.insert(f.pool, insertSql(table), Person::values));
            // one batch per row: PostgreSQL refuses one statement that touches the same key twice
            PipelineReport<InsertResult> report = run(List.of(new Person(2, "changed", null), person(3), new Person(3, "twice", "y")),
                    JdbcSinks.upsert(f.pool, table, List.of("id"), List.of("id", "name", "payload"), Person::values,
                            InsertOptions.defaults().batchSize(1)));
            assertThat(report.result()).contains(new InsertResult(3, 0, 3));
            assertThat(f.ids(table)).containsExactly(1, 2, 3);
            assertThat(f.name(table, 2)).isEqualTo("changed");
            assertThat(f.name(table, 3)).isEqualTo("twice");
        }
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void aBinderThatThrowsRejectsJustThatItem(Db db) {
        try (Db.Fixture f = db.open(2)) {
            String table = f.people();
            List<DeadLetter<?>> dead = new CopyOnWriteArrayList<>();
            PipelineReport<InsertResult> report = run(List.of(person(1), person(2), person(3)), deadLettered(
                    JdbcSinks.insert(f.pool, insertSql(table), (Person p) -> {
                        if (p.id() == 2) {
                            throw new IllegalArgumentException("cannot bind 2");
                        }
                        return p.values();
                    }), dead));
            assertThat(f.ids(table)).containsExactly(1, 3);
            assertThat(report.result()).contains(new InsertResult(2, 1, 1));
            assertThat(dead.get(0).error()).hasMessage("cannot bind 2");
        }
    }

    @Test
    void badSqlFailsTheRunNamingTheSinkWithoutBisecting() {
        try (Db.Fixture f = Db.H2.open(2)) {
            String table = f.people();
            AtomicInteger batches = new AtomicInteger();
            DataSource counting = new Recording(f.pool, new AtomicBoolean(), batches, ConcurrentHashMap.newKeySet());
            StepVerifier.create(Pipeline.from(Source.fromIterable("people", List.of(person(1), person(2))))
                            .to(JdbcSinks.insert(counting, "INSERT INTO " + table + " (id, nope) VALUES (?, ?)",
                                    (Person p) -> List.of(p.id(), p.name())))
                            .run())
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(PipelineException.class)
                            .hasMessageContaining("stage 'insert'").hasMessageContaining("NOPE"))
                    .verify(Duration.ofSeconds(60));
            // one connection for the only batch: a syntax error is not split
            assertThat(batches.get()).isEqualTo(1);
            assertThat(f.ids(table)).isEmpty();
        }
    }

    @Test
    void aPoolSmallerThanTheConcurrencyIsRefusedUpFront() {
        try (Db.Fixture f = Db.H2.open(2)) {
            InsertOptions three = InsertOptions.defaults().concurrency(3);
            assertThatThrownBy(() -> JdbcSinks.insert(f.pool, "INSERT INTO t (id) VALUES (?)", (Person p) -> List.of(p.id()), three))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("sink 'insert'").hasMessageContaining("concurrency 3")
                    .hasMessageContaining("holds at most 2");
            assertThatThrownBy(() -> JdbcSinks.upsert(f.pool, "t", List.of("id"), List.of("id"), (Person p) -> List.of(p.id()), three))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("sink 'upsert(t)'").hasMessageContaining("holds at most 2");
            assertThatThrownBy(() -> JdbcSinks.upsert(f.pool, "t; DROP TABLE x", List.of("id"), List.of("id"),
                    (Person p) -> List.of(p.id())))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("plain SQL identifier");
        }
    }

    @Test
    void aRenamedSinkGoesByItsNewNameInTheReportAndInTheRowsItRejects() {
        try (Db.Fixture f = Db.H2.open(2)) {
            String table = f.people();
            Sink<Person, InsertResult> upsert = JdbcSinks.upsert(f.pool, table, List.of("id"), List.of("id", "name", "payload"),
                    Person::values, InsertOptions.defaults().batchSize(10));
            assertThat(upsert.name()).isEqualTo("upsert(" + table + ")");
            List<DeadLetter<?>> dead = new CopyOnWriteArrayList<>();
            PipelineReport<InsertResult> report = run(List.of(person(1), new Person(2, null, "x"), person(3)),
                    deadLettered(upsert.named("store"), dead));
            assertThat(f.ids(table)).containsExactly(1, 3);
            assertThat(report.stage("store").deadLettered()).isEqualTo(1);
            assertThat(dead).singleElement().satisfies(d -> assertThat(d.error()).isInstanceOf(RowRejectedException.class)
                    .hasMessageStartingWith("sink 'store': the database rejected the row"));
        }
    }

    /** Where the JDBC calls run: BlockHound is installed for these tests, so a call on a non-blocking thread fails them. */
    @Nested
    class Threads {

        @Test
        void blockHoundIsInstalledSoABlockingCallOnAParallelThreadFails() {
            StepVerifier.create(Mono.fromCallable(() -> {
                        Thread.sleep(1);
                        return "slept";
                    }).subscribeOn(Schedulers.parallel()))
                    .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("Blocking call"))
                    .verify(Duration.ofSeconds(10));
        }

        @Test
        void everyJdbcCallRunsOnTheRunsOwnBoundedThreadsAndTheyEndWithTheRun() {
            try (Db.Fixture f = Db.H2.open(2)) {
                String table = f.people();
                Set<String> threads = ConcurrentHashMap.newKeySet();
                DataSource recording = new Recording(f.pool, new AtomicBoolean(), new AtomicInteger(), threads);
                // items arrive on a non-blocking parallel thread: the sink must move the JDBC work off it
                Flux<Person> people = Flux.range(1, 1000).map(JdbcSinksTest::person).publishOn(Schedulers.parallel());
                PipelineReport<InsertResult> report = Pipeline.from(Source.of("people", people))
                        .to(JdbcSinks.insert(recording, insertSql(table), Person::values,
                                // batches close by size only: a loaded machine must not flush a partial one early
                                InsertOptions.defaults().batchSize(50).maxWait(Duration.ofMinutes(5)).concurrency(2)))
                        .run().block(Duration.ofSeconds(60));
                assertThat(report.result()).contains(new InsertResult(1000, 0, 20));
                assertThat(threads).isNotEmpty().allSatisfy(t -> assertThat(t).startsWith("jdbc-insert-"));
                assertThat(threads.size()).as("at most one thread per batch in flight").isLessThanOrEqualTo(2);
                assertThat(OpenFiles.eventually(() -> Thread.getAllStackTraces().keySet().stream()
                                .noneMatch(t -> t.getName().startsWith("jdbc-insert-") && t.isAlive()))
                        .block(Duration.ofSeconds(30)))
                        .as("the run's threads are gone once it ended").isTrue();
            }
        }

        @Test
        void aRunKeepsOneConnectionAndStatementPerBatchInFlightAndGivesThemBackWhenItEnds() {
            try (Db.Fixture f = Db.H2.open(4)) {
                String table = f.people();
                AtomicInteger connections = new AtomicInteger();
                Set<String> threads = ConcurrentHashMap.newKeySet();
                Recording recording = new Recording(f.pool, new AtomicBoolean(), connections, threads);
                List<Person> people = new ArrayList<>();
                for (int i = 1; i <= 2000; i++) {
                    // a bad row in some batches: bisecting them reuses the run's connections too
                    people.add(i % 397 == 0 ? new Person(i, null, null) : person(i));
                }
                List<DeadLetter<?>> dead = new CopyOnWriteArrayList<>();
                PipelineReport<InsertResult> report = run(people, deadLettered(JdbcSinks.insert(recording, insertSql(table),
                        Person::values, InsertOptions.defaults().batchSize(50).concurrency(2)), dead));
                assertThat(report.result().orElseThrow().rows()).isEqualTo(2000 - 5);
                assertThat(dead).hasSize(5);
                assertThat(f.ids(table)).hasSize(2000 - 5).doesNotContain(397, 794, 1191, 1588, 1985);
                // 40 batches and their halves, but a connection per batch in flight, not per batch
                assertThat(connections.get()).isBetween(1, 2);
                assertThat(threads).allSatisfy(t -> assertThat(t).startsWith("jdbc-insert-"));
                assertThat(f.released().block(Duration.ofSeconds(10))).as("the connections are back in the pool").isTrue();
            }
        }

        @Test
        void theBinderAndTheUpstreamRunOffTheJdbcThreadsSoAssemblingOverlapsWriting() {
            try (Db.Fixture f = Db.H2.open(2)) {
                String table = f.people();
                Set<String> binders = ConcurrentHashMap.newKeySet();
                Set<String> producers = ConcurrentHashMap.newKeySet();
                Flux<Person> people = Flux.range(1, 2000)
                        .doOnRequest(n -> producers.add(Thread.currentThread().getName()))
                        .map(JdbcSinksTest::person);
                PipelineReport<InsertResult> report = Pipeline.from(Source.of("people", people))
                        .to(JdbcSinks.insert(f.pool, insertSql(table), (Person p) -> {
                            binders.add(Thread.currentThread().getName());
                            return p.values();
                        }, InsertOptions.defaults().batchSize(50).maxWait(Duration.ofMinutes(5)).concurrency(2)))
                        .run().block(Duration.ofSeconds(60));
                assertThat(report.result()).contains(new InsertResult(2000, 0, 40));
                assertThat(binders).isNotEmpty().noneSatisfy(t -> assertThat(t).startsWith("jdbc-insert-"));
                assertThat(producers).isNotEmpty().noneSatisfy(t -> assertThat(t).startsWith("jdbc-insert-"));
            }
        }

        @Test
        void aSchedulerFromTheOptionsIsUsedAndLeftRunning() {
            var scheduler = Schedulers.newBoundedElastic(1, 16, "mine");
            try (Db.Fixture f = Db.H2.open(1)) {
                String table = f.people();
                Set<String> threads = ConcurrentHashMap.newKeySet();
                DataSource recording = new Recording(f.pool, new AtomicBoolean(), new AtomicInteger(), threads);
                InsertOptions options = InsertOptions.defaults().batchSize(10).scheduler(scheduler);
                run(IntStream.rangeClosed(1, 30).mapToObj(JdbcSinksTest::person).toList(),
                        JdbcSinks.insert(recording, insertSql(table), Person::values, options));
                run(IntStream.rangeClosed(31, 40).mapToObj(JdbcSinksTest::person).toList(),
                        JdbcSinks.insert(recording, insertSql(table), Person::values, options));
                assertThat(threads).allSatisfy(t -> assertThat(t).startsWith("mine-"));
                assertThat(scheduler.isDisposed()).isFalse();
                assertThat(f.ids(table)).hasSize(40);
            } finally {
                scheduler.dispose();
            }
        }
    }

    @Nested
    class CircuitBreaker {

        @Test
        void aDatabaseThatIsDownOpensTheBreakerAndTheNextRunsRowsFailFastToThePolicy() {
            try (Db.Fixture f = Db.H2.open(2)) {
                String table = f.people();
                AtomicBoolean down = new AtomicBoolean(true);
                AtomicInteger attempts = new AtomicInteger();
                DataSource db = new Recording(f.pool, down, attempts, ConcurrentHashMap.newKeySet());
                Breaker breaker = Breaker.consecutiveFailures("h2", 1, Duration.ofMinutes(1));
                var sink = JdbcSinks.insert(db, insertSql(table), Person::values, InsertOptions.defaults().batchSize(10))
                        .circuitBreaker(breaker);

                PipelineReport<InsertResult> first = Pipeline.from(Source.fromIterable("people",
                                IntStream.rangeClosed(1, 10).mapToObj(JdbcSinksTest::person).toList())).to(sink)
                        .run().onErrorResume(e -> Mono.empty()).block(Duration.ofSeconds(30));
                assertThat(first).as("a connection error fails the sink, as without a breaker").isNull();
                assertThat(breaker.state()).isEqualTo("OPEN");
                int attemptsSoFar = attempts.get();

                List<DeadLetter<?>> dead = new CopyOnWriteArrayList<>();
                PipelineReport<InsertResult> second = run(IntStream.rangeClosed(1, 25).mapToObj(JdbcSinksTest::person).toList(),
                        deadLettered(sink, dead));
                assertThat(attempts.get()).as("no connection was asked for while open").isEqualTo(attemptsSoFar);
                assertThat(second.result()).contains(new InsertResult(0, 25, 0));
                assertThat(dead).hasSize(25).allSatisfy(d -> assertThat(d.error()).isInstanceOf(CircuitOpenException.class)
                        .hasMessageContaining("circuit breaker 'h2' is OPEN"));
                assertThat(second.balances()).isTrue();
                assertThat(f.ids(table)).isEmpty();
            }
        }

        @Test
        void rowsTheDatabaseRefusesDoNotOpenTheBreaker() {
            try (Db.Fixture f = Db.H2.open(2)) {
                String table = f.people();
                Breaker breaker = Breaker.consecutiveFailures("h2", 1, Duration.ofMinutes(1));
                List<Person> people = List.of(person(1), new Person(1, "dup", null), person(2), new Person(2, "dup", null), person(3));
                List<DeadLetter<?>> dead = new CopyOnWriteArrayList<>();
                run(people, deadLettered(JdbcSinks.insert(f.pool, insertSql(table), Person::values,
                        InsertOptions.defaults().batchSize(5)).circuitBreaker(breaker), dead));
                assertThat(f.ids(table)).containsExactly(1, 2, 3);
                assertThat(dead).hasSize(2);
                assertThat(breaker.state()).isEqualTo("CLOSED");
            }
        }
    }

    /** A data source in front of the pool that records the threads asking for connections and can be switched off. */
    static final class Recording implements DataSource {
        final DataSource target;
        final AtomicBoolean down;
        final AtomicInteger attempts;
        final Set<String> threads;
        /** JDBC calls made on connections and statements from here. */
        final AtomicInteger calls = new AtomicInteger();

        Recording(DataSource target, AtomicBoolean down, AtomicInteger attempts, Set<String> threads) {
            this.target = target;
            this.down = down;
            this.attempts = attempts;
            this.threads = threads;
        }

        @Override
        public Connection getConnection() throws SQLException {
            attempts.incrementAndGet();
            threads.add(Thread.currentThread().getName());
            if (down.get()) {
                throw new SQLTransientConnectionException("connection refused: 127.0.0.1:5999", "08001");
            }
            return recorded(Connection.class, target.getConnection());
        }

        /** {@code object} behind a proxy that records the thread of every call (statements too). */
        @SuppressWarnings("unchecked")
        <U> U recorded(Class<U> type, U object) {
            return (U) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
                threads.add(Thread.currentThread().getName());
                calls.incrementAndGet();
                try {
                    Object result = method.invoke(object, args);
                    return result instanceof PreparedStatement ps && method.getReturnType() == PreparedStatement.class
                            ? recorded(PreparedStatement.class, ps) : result;
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <U> U unwrap(Class<U> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
