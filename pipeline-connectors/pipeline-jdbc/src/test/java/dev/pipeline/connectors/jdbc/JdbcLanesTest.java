package dev.pipeline.connectors.jdbc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import dev.pipeline.connectors.jdbc.JdbcSinksTest.Person;
import dev.pipeline.connectors.jdbc.JdbcSinksTest.Recording;
import dev.pipeline.connectors.jdbc.internal.JdbcBatch;
import dev.pipeline.connectors.testing.OpenFiles;
import dev.pipeline.connectors.testing.RecordingContext;
import dev.pipeline.core.DeadLetter;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.Source;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JDBC sink's lanes: each batch in flight is written on a worker of the run's threads that
 * takes the next batch itself; work that left those threads (a breaker's retry on a timer, a
 * dead letter that completed elsewhere) is moved back before any JDBC call.
 */
class JdbcLanesTest {

    @Test
    void aBatchWhoseWorkMovedToANonBlockingThreadIsStillWrittenOnTheRunsOwnThreads() {
        try (Db.Fixture f = Db.H2.open(2)) {
            String table = f.people();
            Set<String> threads = ConcurrentHashMap.newKeySet();
            Recording recording = new Recording(f.pool, new AtomicBoolean(), new AtomicInteger(), threads);
            RecordingContext ctx = RecordingContext.elsewhere();
            List<Person> people = new ArrayList<>();
            for (int i = 1; i <= 600; i++) {
                // a duplicate key every 101 rows: its batch is bisected, each half through the guard again
                people.add(i % 101 == 0 ? new Person(i - 1, "dup", null) : JdbcSinksTest.person(i));
            }
            InsertResult result = JdbcBatch.<Person>insert("insert", recording, JdbcSinksTest.insertSql(table), p -> {
                        if (p.id() == 7) {
                            throw new IllegalArgumentException("no 7");
                        }
                        return p.values();
                    }, InsertOptions.defaults().batchSize(50).maxWait(Duration.ofMinutes(5)).concurrency(2))
                    .run(Flux.fromIterable(people), ctx)
                    .block(Duration.ofSeconds(60));
            assertThat(result).isNotNull();
            assertThat(result.rows()).isEqualTo(600 - 5 - 1);
            assertThat(result.rejected()).isEqualTo(5 + 1);
            assertThat(ctx.completed.get()).isEqualTo(600 - 5 - 1);
            assertThat(ctx.rejected).hasSize(6);
            assertThat(f.ids(table)).hasSize(600 - 5 - 1).doesNotContain(7);
            assertThat(threads).as("every JDBC call on the run's own threads, none on the parallel ones")
                    .isNotEmpty().allSatisfy(t -> assertThat(t).startsWith("jdbc-insert-"));
        }
    }

    @Test
    void theBatchAfterOneThatEndedOnANonBlockingThreadIsNotWrittenThere() {
        try (Db.Fixture f = Db.H2.open(2)) {
            String table = f.people();
            Set<String> threads = ConcurrentHashMap.newKeySet();
            Recording recording = new Recording(f.pool, new AtomicBoolean(), new AtomicInteger(), threads);
            RecordingContext ctx = RecordingContext.rejectingElsewhere();
            int n = 400;
            List<Person> people = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                // the last row of every batch repeats the key before it: bisecting ends on its rejection,
                // which completes on a parallel thread, with the next batch of its lane already queued
                people.add(i % 10 == 0 ? new Person(i - 1, "dup", null) : JdbcSinksTest.person(i));
            }
            InsertResult result = JdbcBatch.<Person>insert("insert", recording, JdbcSinksTest.insertSql(table), Person::values,
                            InsertOptions.defaults().batchSize(10).maxWait(Duration.ofMinutes(5)).concurrency(2))
                    .run(Flux.fromIterable(people), ctx)
                    .block(Duration.ofSeconds(60));
            assertThat(result).isNotNull();
            assertThat(result.rows()).isEqualTo(n - n / 10);
            assertThat(result.rejected()).isEqualTo(n / 10);
            assertThat(ctx.completed.get()).isEqualTo(n - n / 10);
            assertThat(ctx.rejected).hasSize(n / 10);
            assertThat(threads).as("every JDBC call on the run's own threads, none on the parallel ones")
                    .isNotEmpty().allSatisfy(t -> assertThat(t).startsWith("jdbc-insert-"));
        }
    }

    /** Many runs, several lanes, bad rows and binder failures: every item is counted exactly once, as written or rejected. */
    @RepeatedTest(20)
    void everyItemIsWrittenOrRejectedExactlyOnceAcrossLanes() {
        try (Db.Fixture f = Db.H2.open(4)) {
            String table = f.people();
            int n = 3000;
            List<Person> people = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                people.add(i % 89 == 0 ? new Person(i, null, null) : JdbcSinksTest.person(i));
            }
            List<DeadLetter<?>> dead = new CopyOnWriteArrayList<>();
            // items arrive on a parallel thread in bursts, so the lanes' queues fill and drain
            Flux<Person> source = Flux.fromIterable(people).publishOn(Schedulers.parallel(), 16);
            PipelineReport<InsertResult> report = Pipeline.from(Source.of("people", source))
                    .to(JdbcSinksTest.deadLettered(JdbcSinks.insert(f.pool, JdbcSinksTest.insertSql(table), (Person p) -> {
                        if (p.id() % 211 == 0) {
                            throw new IllegalStateException("binder refuses " + p.id());
                        }
                        return p.values();
                    }, InsertOptions.defaults().batchSize(37).concurrency(4)), dead))
                    .run().block(Duration.ofSeconds(60));
            long bad = IntStream.rangeClosed(1, n).filter(i -> i % 89 == 0 || i % 211 == 0).count();
            assertThat(report).isNotNull();
            assertThat(report.result().orElseThrow().rows()).isEqualTo(n - bad);
            assertThat(report.result().orElseThrow().rejected()).isEqualTo(bad);
            assertThat(dead).hasSize((int) bad);
            assertThat(report.balances()).isTrue();
            List<Integer> expected = IntStream.rangeClosed(1, n).filter(i -> i % 89 != 0 && i % 211 != 0).boxed().toList();
            assertThat(f.ids(table)).isEqualTo(expected);
        }
    }

    @Test
    void aCancelledRunGivesItsConnectionsBackAndItsThreadsEnd() {
        try (Db.Fixture f = Db.H2.open(2)) {
            String table = f.people();
            RecordingContext ctx = RecordingContext.elsewhere();
            AtomicInteger written = new AtomicInteger();
            // an endless source: the run only ends when it is cancelled
            Flux<Person> endless = Flux.range(1, Integer.MAX_VALUE).map(JdbcSinksTest::person);
            Disposable run = JdbcBatch.<Person>insert("insert", f.pool, JdbcSinksTest.insertSql(table), p -> {
                        written.incrementAndGet();
                        return p.values();
                    }, InsertOptions.defaults().batchSize(100).concurrency(2))
                    .run(endless, ctx)
                    .subscribe();
            assertThat(OpenFiles.eventually(() -> ctx.completed.get() >= 1000).block(Duration.ofSeconds(30))).isTrue();
            run.dispose();
            assertThat(f.released().block(Duration.ofSeconds(30))).as("the connections are back in the pool").isTrue();
            assertThat(OpenFiles.eventually(() -> Thread.getAllStackTraces().keySet().stream()
                            .noneMatch(t -> t.getName().startsWith("jdbc-insert-") && t.isAlive()))
                    .block(Duration.ofSeconds(30)))
                    .as("the run's threads are gone once it was cancelled").isTrue();
            // bounded: the binder ran for the batches in flight and those gathered ahead, not for the endless rest
            // (concurrency + 1 ahead, one waiting for a rail, per lane two queued and one being written)
            long settled = ctx.completed.get();
            assertThat((long) written.get()).isLessThanOrEqualTo(settled + (3 + 1 + 2 * (2 + 1)) * 100L);
            // a batch in flight when the run was cancelled may still commit (JDBC is not interrupted mid-way)
            assertThat(f.ids(table).size()).isBetween((int) settled, (int) settled + 2 * 100);
        }
    }
}
