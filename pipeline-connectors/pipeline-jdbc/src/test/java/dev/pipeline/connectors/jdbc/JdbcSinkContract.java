package dev.pipeline.connectors.jdbc;

import java.util.function.Function;

import dev.pipeline.test.SinkContract;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.Source;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The sink contract for {@link JdbcSinks#insert}, run per database by a subclass. */
abstract class JdbcSinkContract implements SinkContract<JdbcSinksTest.Person> {

    static final int BATCH = 50;

    Db.Fixture f;

    abstract Db db();

    @BeforeEach
    void setUp() {
        f = db().open(4);
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Override
    public Function<Flux<JdbcSinksTest.Person>, Mono<?>> sink() {
        String table = f.people();
        return items -> Pipeline.from(Source.of("people", items))
                .to(JdbcSinks.insert(f.pool, JdbcSinksTest.insertSql(table), JdbcSinksTest.Person::values,
                        InsertOptions.defaults().batchSize(BATCH).concurrency(2)))
                .run();
    }

    @Override
    public JdbcSinksTest.Person item(int i) {
        return JdbcSinksTest.person(i);
    }

    @Override
    public Mono<Boolean> released() {
        return f.released();
    }

    @Override
    public long maxOutstandingDemand() {
        return 4L * BATCH + 256;
    }
}
