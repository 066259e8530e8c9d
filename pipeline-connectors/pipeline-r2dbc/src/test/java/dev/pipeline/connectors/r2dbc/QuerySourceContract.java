package dev.pipeline.connectors.r2dbc;

import java.util.List;

import dev.pipeline.test.SourceContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The source contract for {@link R2dbcSources#query}, run per database by a subclass. */
abstract class QuerySourceContract implements SourceContract<String> {

    Db.Fixture f;
    String table;

    abstract Db db();

    @BeforeEach
    void setUp() {
        f = db().open(2);
        table = f.people();
        f.sql("INSERT INTO " + table + " (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd'), (5, 'e')");
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Override
    public Flux<String> subject() {
        return R2dbcSources.query(f.pool, "SELECT name FROM " + table + " WHERE id >= $1 ORDER BY id", List.of(1),
                row -> row.get("name", String.class), QueryOptions.defaults().fetchSize(1)).flux();
    }

    @Override
    public Flux<String> failingSubject() {
        return R2dbcSources.query(f.pool, "SELECT name FROM no_such_table_" + table, List.of(),
                row -> row.get("name", String.class)).flux();
    }

    @Override
    public Mono<Boolean> released() {
        return f.released();
    }
}
