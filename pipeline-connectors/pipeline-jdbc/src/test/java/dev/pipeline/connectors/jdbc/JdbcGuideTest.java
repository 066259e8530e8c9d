package dev.pipeline.connectors.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.zaxxer.hikari.HikariDataSource;
import dev.pipeline.core.DeadLetter;
import dev.pipeline.core.ErrorPolicy;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The JDBC snippets of docs/connectors/databases.md, run as they are shown. */
class JdbcGuideTest {

    // tag::records[]
    record Person(int id, String name) {
    }
    // end::records[]

    @Test
    void loadsPeopleDeadLettersTheRefusedRowAndUpserts() throws SQLException {
        List<DeadLetter<?>> rejected = new CopyOnWriteArrayList<>();
        // tag::insert[]
        try (HikariDataSource pool = Jdbc.pool("jdbc:h2:mem:people;DB_CLOSE_DELAY=-1", 2)) {
            execute(pool, "CREATE TABLE people (id INT PRIMARY KEY, name VARCHAR(16) NOT NULL)");
            Sink<Person, InsertResult> store = JdbcSinks.insert(pool,
                            "INSERT INTO people (id, name) VALUES (?, ?)",
                            (Person p) -> List.of(p.id(), p.name()),
                            InsertOptions.defaults().batchSize(1000).concurrency(2))   // 2 threads, 2 connections
                    .onError(ErrorPolicy.deadLetter(Sink.forEach("rejected", rejected::add)));
            PipelineReport<InsertResult> loaded = Pipeline.from(Source.fromIterable("people",
                            List.of(new Person(1, "Ada"), new Person(2, "Grace"), new Person(2, "again"), new Person(3, "Edsger"))))
                    .to(store)
                    .run().block(Duration.ofSeconds(30));
            // loaded.result(): InsertResult[rows=3, rejected=1, batches=...]; rejected: id 2 again (SQL state 23505)
            // end::insert[]
            assertThat(loaded.result().orElseThrow().rows()).isEqualTo(3);
            assertThat(rejected).singleElement().satisfies(d -> assertThat(((RowRejectedException) d.error()).sqlState())
                    .isEqualTo("23505"));
            // tag::upsert[]
            Sink<Person, InsertResult> upsert = JdbcSinks.upsert(pool, "people", List.of("id"), List.of("id", "name"),
                    (Person p) -> List.of(p.id(), p.name()));   // MERGE INTO ... KEY (id) on H2, ON CONFLICT on PostgreSQL
            Pipeline.from(Source.fromIterable("renames", List.of(new Person(2, "Grace H."), new Person(4, "Barbara"))))
                    .to(upsert)
                    .run().block(Duration.ofSeconds(30));
            // end::upsert[]
            assertThat(names(pool)).containsExactly("Ada", "Grace H.", "Edsger", "Barbara");
        }
    }

    private static void execute(HikariDataSource pool, String sql) throws SQLException {
        try (Connection c = pool.getConnection(); var s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static List<String> names(HikariDataSource pool) throws SQLException {
        List<String> names = new java.util.ArrayList<>();
        try (Connection c = pool.getConnection(); var s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT name FROM people ORDER BY id")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }
}
