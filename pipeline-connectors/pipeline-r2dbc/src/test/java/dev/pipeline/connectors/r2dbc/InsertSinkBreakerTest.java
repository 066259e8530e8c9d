package dev.pipeline.connectors.r2dbc;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import dev.pipeline.connectors.r2dbc.InsertSinkTest.Person;
import dev.pipeline.core.Breaker;
import dev.pipeline.core.CircuitOpenException;
import dev.pipeline.core.DeadLetter;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.Source;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/** The insert sink's circuit breaker: a database that is down opens it; rows the database refuses do not. */
class InsertSinkBreakerTest {

    /** A connection factory in front of a pool that can be switched off, counting connection attempts. */
    static final class Switchable implements ConnectionFactory {
        final ConnectionFactory target;
        final AtomicBoolean down = new AtomicBoolean();
        final AtomicInteger attempts = new AtomicInteger();

        Switchable(ConnectionFactory target) {
            this.target = target;
        }

        @Override
        public Publisher<? extends Connection> create() {
            return Mono.defer(() -> {
                attempts.incrementAndGet();
                return down.get() ? Mono.error(new R2dbcNonTransientResourceException("connection refused: 127.0.0.1:5999"))
                        : Mono.from(target.create());
            });
        }

        @Override
        public ConnectionFactoryMetadata getMetadata() {
            return target.getMetadata();
        }
    }

    private static List<Person> people(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(InsertSinkTest::person).toList();
    }

    @Test
    void aDatabaseThatIsDownOpensTheBreakerAndTheNextRunsRowsFailFastToThePolicy() {
        try (Db.Fixture f = Db.H2.open(2)) {
            String table = f.people();
            Switchable db = new Switchable(f.pool);
            Breaker breaker = Breaker.consecutiveFailures("h2", 1, Duration.ofMinutes(1));
            var sink = R2dbcSinks.insert(db, InsertSinkTest.insertSql(table), Person::values,
                    InsertOptions.defaults().batchSize(10)).circuitBreaker(breaker);

            db.down.set(true);
            PipelineReport<InsertResult> first = Pipeline.from(Source.fromIterable("people", people(1, 10))).to(sink)
                    .run().onErrorResume(e -> Mono.empty()).block(Duration.ofSeconds(30));
            assertThat(first).as("a connection error fails the sink, as without a breaker").isNull();
            assertThat(breaker.state()).isEqualTo("OPEN");
            int attemptsSoFar = db.attempts.get();

            List<DeadLetter<?>> dead = new CopyOnWriteArrayList<>();
            PipelineReport<InsertResult> second = InsertSinkTest.run(people(1, 25), InsertSinkTest.deadLettered(sink, dead));
            assertThat(db.attempts.get()).as("no connection was tried while open").isEqualTo(attemptsSoFar);
            assertThat(second.result()).contains(new InsertResult(0, 25, 0));
            assertThat(dead).hasSize(25).allSatisfy(d -> assertThat(d.error()).isInstanceOf(CircuitOpenException.class)
                    .hasMessageContaining("circuit breaker 'h2' is OPEN"));
            assertThat(second.breakers()).singleElement().satisfies(b -> assertThat(b.shortCircuited()).isEqualTo(3));
            assertThat(second.balances()).isTrue();
            assertThat(f.ids(table)).isEmpty();
        }
    }

    @Test
    void rowsTheDatabaseRefusesDoNotOpenTheBreaker() {
        try (Db.Fixture f = Db.H2.open(2)) {
            String table = f.people();
            Breaker breaker = Breaker.consecutiveFailures("h2", 1, Duration.ofMinutes(1));
            List<Person> people = List.of(InsertSinkTest.person(1), new Person(1, "dup", null), InsertSinkTest.person(2),
                    new Person(2, "dup", null), InsertSinkTest.person(3));
            List<DeadLetter<?>> dead = new CopyOnWriteArrayList<>();
            PipelineReport<InsertResult> report = InsertSinkTest.run(people, InsertSinkTest.deadLettered(
                    R2dbcSinks.insert(f.pool, InsertSinkTest.insertSql(table), Person::values,
                            InsertOptions.defaults().batchSize(5)).circuitBreaker(breaker), dead));

            assertThat(f.ids(table)).containsExactly(1, 2, 3);
            assertThat(dead).hasSize(2).allSatisfy(d -> assertThat(d.error()).isInstanceOf(RowRejectedException.class));
            assertThat(breaker.state()).isEqualTo("CLOSED");
            assertThat(report.breakers().get(0).shortCircuited()).isZero();
            assertThat(report.stage("insert").busy()).as("the batches' time is the sink's busy time").isPositive();
        }
    }
}
