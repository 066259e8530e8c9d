package dev.pipeline.connectors.r2dbc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import dev.pipeline.core.DeadLetter;
import dev.pipeline.core.Delivery;
import dev.pipeline.core.ErrorPolicy;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineException;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.Settlement;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import io.r2dbc.spi.Parameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The insert and upsert sinks against H2 and PostgreSQL. */
class InsertSinkTest {

    record Person(int id, String name, String payload) {
        List<?> values() {
            return List.of(id, name == null ? Parameters.in(String.class) : name, payload == null ? Parameters.in(String.class) : payload);
        }
    }

    static Person person(int id) {
        return new Person(id, "p" + id, "payload " + id);
    }

    static String insertSql(String table) {
        return "INSERT INTO " + table + " (id, name, payload) VALUES ($1, $2, $3)";
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
            List<Person> people = IntStream.rangeClosed(1, 50).mapToObj(InsertSinkTest::person).toList();
            PipelineReport<InsertResult> report = run(people, R2dbcSinks.insert(f.pool, insertSql(table), Person::values,
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
            PipelineReport<InsertResult> report = run(people, deadLettered(R2dbcSinks.insert(f.pool, insertSql(table),
                    Person::values, InsertOptions.defaults().batchSize(100)), dead));
            assertThat(f.ids(table)).containsExactly(1, 2, 3, 4, 5, 6);
            assertThat(f.name(table, 2)).isEqualTo("p2");
            assertThat(report.result().get().rows()).isEqualTo(6);
            assertThat(report.result().get().rejected()).isEqualTo(2);
            assertThat(dead).<Object>extracting(DeadLetter::item).containsExactly(new Person(2, "dup", null), new Person(1, "dup", null));
            assertThat(dead).allSatisfy(d -> assertThat(d.error()).isInstanceOf(RowRejectedException.class)
                    .satisfies(e -> assertThat(((RowRejectedException) e).sqlState()).isEqualTo("23505")));
            assertThat(report.balances()).isTrue();
        }
    }

    @Test
    void aRenamedSinkGoesByItsNewNameInTheReportAndInTheRowsItRejects() {
        try (Db.Fixture f = Db.H2.open(2)) {
            String table = f.people();
            Sink<Person, InsertResult> upsert = R2dbcSinks.upsert(f.pool, table, List.of("id"), List.of("id", "name", "payload"),
                    Person::values, InsertOptions.defaults().batchSize(10));
            assertThat(upsert.name()).isEqualTo("upsert(" + table + ")");
            assertThat(R2dbcSinks.insert(f.pool, insertSql(table), Person::values).name()).isEqualTo("insert");
            List<DeadLetter<?>> dead = new CopyOnWriteArrayList<>();
            PipelineReport<InsertResult> report = run(List.of(person(1), new Person(2, null, "x"), person(3)),
                    deadLettered(upsert.named("store"), dead));
            assertThat(f.ids(table)).containsExactly(1, 3);
            assertThat(report.stages()).extracting(s -> s.name()).containsExactly("people", "store", "dead");
            assertThat(report.stage("store").deadLettered()).isEqualTo(1);
            assertThat(dead).singleElement().satisfies(d -> assertThat(d.error()).isInstanceOf(RowRejectedException.class)
                    .hasMessageStartingWith("sink 'store': the database rejected the row"));
        }
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void nullIntoNotNullAndAValueTooLongAreRejectedWithTheDatabasesMessageAndSqlState(Db db) {
        try (Db.Fixture f = db.open(2)) {
            String table = f.people();
            List<Person> people = List.of(person(1), new Person(2, null, "x"), person(3), new Person(4, "n".repeat(40), "x"), person(5));
            List<DeadLetter<?>> dead = new CopyOnWriteArrayList<>();
            PipelineReport<InsertResult> report = run(people, deadLettered(R2dbcSinks.insert(f.pool, insertSql(table),
                    Person::values, InsertOptions.defaults().batchSize(3)), dead));
            assertThat(f.ids(table)).containsExactly(1, 3, 5);
            assertThat(report.result()).contains(new InsertResult(3, 2, 3));
            assertThat(dead).extracting(d -> ((RowRejectedException) d.error()).sqlState()).containsExactly("23502", "22001");
            assertThat(dead.get(0).error().getMessage()).containsIgnoringCase("name").contains("SQL state 23502");
        }
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void underFailFastABadRowFailsTheRunAndEarlierBatchesStayCommitted(Db db) {
        try (Db.Fixture f = db.open(2)) {
            String table = f.people();
            List<Person> people = new ArrayList<>(IntStream.rangeClosed(1, 10).mapToObj(InsertSinkTest::person).toList());
            people.add(new Person(11, null, null));
            StepVerifier.create(Pipeline.from(Source.fromIterable("people", people))
                            .to(R2dbcSinks.insert(f.pool, insertSql(table), Person::values, InsertOptions.defaults().batchSize(5)))
                            .run())
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(PipelineException.class)
                            .hasMessageContaining("SQL state 23502"))
                    .verify(Duration.ofSeconds(60));
            assertThat(f.ids(table)).isEqualTo(IntStream.rangeClosed(1, 10).boxed().toList());
        }
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void anAcknowledgedSourceSettlesEachRowOnceItsOwnBatchCommittedOrItWasDeadLettered(Db db) {
        try (Db.Fixture f = db.open(4)) {
            String table = f.people();
            Map<Integer, Settlement> settled = new ConcurrentHashMap<>();
            List<String> twice = new CopyOnWriteArrayList<>();
            Source<Person> queue = Source.acknowledged("queue", ctx -> Flux.range(1, 1000)
                    .map(i -> Delivery.of(i % 89 == 0 ? new Person(i, null, null) : person(i), false, s -> {
                        if (settled.putIfAbsent(i, s) != null) {
                            twice.add("row " + i);
                        }
                    })));
            List<DeadLetter<?>> dead = new CopyOnWriteArrayList<>();
            PipelineReport<InsertResult> report = Pipeline.from(queue)
                    .to(deadLettered(R2dbcSinks.insert(f.pool, insertSql(table), Person::values,
                            InsertOptions.defaults().batchSize(50).concurrency(4)), dead))
                    .run().block(Duration.ofSeconds(60));
            assertThat(twice).isEmpty();
            List<Integer> stored = IntStream.rangeClosed(1, 1000).filter(i -> i % 89 != 0).boxed().toList();
            assertThat(f.ids(table)).isEqualTo(stored);
            assertThat(settled).hasSize(1000);
            assertThat(settled.entrySet()).allSatisfy(e -> assertThat(e.getValue())
                    .isEqualTo(e.getKey() % 89 == 0 ? Settlement.DEAD_LETTERED : Settlement.STORED));
            assertThat(report.acks("queue").inFlight()).isZero();
            assertThat(report.acks("queue").deadLettered()).isEqualTo(dead.size()).isEqualTo(1000 / 89);
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
            PipelineReport<InsertResult> report = run(people, deadLettered(R2dbcSinks.insert(f.pool, insertSql(table),
                    Person::values, InsertOptions.defaults().batchSize(100).concurrency(4)), dead));
            List<Integer> expected = IntStream.rangeClosed(1, 2000).filter(i -> i % 97 != 0).boxed().toList();
            assertThat(f.ids(table)).isEqualTo(expected);
            assertThat(dead).hasSize(2000 / 97);
            assertThat(report.result().get().rows()).isEqualTo(expected.size());
            assertThat(report.balances()).isTrue();
        }
    }

    @Test
    void aPoolSmallerThanTheConcurrencyIsRefusedUpFrontNotFoundOutAtTheAcquireTimeout() {
        try (Db.Fixture f = Db.H2.open(2)) {
            InsertOptions three = InsertOptions.defaults().concurrency(3);
            assertThatThrownBy(() -> R2dbcSinks.insert(f.pool, "INSERT INTO t (id) VALUES ($1)", (Person p) -> List.of(p.id()), three))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("sink 'insert'").hasMessageContaining("concurrency 3")
                    .hasMessageContaining("holds at most 2");
            assertThatThrownBy(() -> R2dbcSinks.upsert(f.pool, "t", List.of("id"), List.of("id"), (Person p) -> List.of(p.id()), three))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("sink 'upsert(t)'").hasMessageContaining("holds at most 2");
            // as big as the concurrency is enough, and writes every row
            String table = f.people();
            List<Person> people = IntStream.rangeClosed(1, 200).mapToObj(InsertSinkTest::person).toList();
            PipelineReport<InsertResult> report = run(people, R2dbcSinks.insert(f.pool, insertSql(table), Person::values,
                    InsertOptions.defaults().batchSize(10).concurrency(2)));
            assertThat(report.result().orElseThrow().rows()).isEqualTo(200);
            assertThat(f.ids(table)).isEqualTo(IntStream.rangeClosed(1, 200).boxed().toList());
        }
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void upsertInsertsNewRowsAndUpdatesExistingOnes(Db db) {
        try (Db.Fixture f = db.open(2)) {
            String table = f.people();
            run(List.of(person(1), person(2)), R2dbcSinks.insert(f.pool, insertSql(table), Person::values));
            PipelineReport<InsertResult> report = run(List.of(new Person(2, "changed", null), person(3), new Person(3, "twice", "y")),
                    R2dbcSinks.upsert(f.pool, table, List.of("id"), List.of("id", "name", "payload"), Person::values));
            assertThat(report.result().get().rows()).isEqualTo(3);
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
                    R2dbcSinks.insert(f.pool, insertSql(table), (Person p) -> {
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
}
