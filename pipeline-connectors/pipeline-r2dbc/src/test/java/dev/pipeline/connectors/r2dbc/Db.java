package dev.pipeline.connectors.r2dbc;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import dev.pipeline.connectors.testing.OpenFiles;
import dev.pipeline.connectors.testing.Services;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Connection;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** The databases every database test runs against. */
enum Db {
    H2 {
        @Override
        String url() {
            return "r2dbc:h2:mem:///t" + UUID.randomUUID().toString().replace("-", "") + "?options=DB_CLOSE_DELAY=-1";
        }
    },
    POSTGRES {
        @Override
        String url() {
            Services.requirePostgres();
            return "r2dbc:postgresql://postgres@127.0.0.1:5432/test";
        }
    };

    private static final AtomicInteger TABLES = new AtomicInteger();

    abstract String url();

    /** A fresh pool: in-memory H2 per call, or the CI PostgreSQL (skipped or failed when absent). */
    Fixture open(int poolSize) {
        return new Fixture(this, R2dbc.pool(url(), poolSize));
    }

    /** A pool, unique tables it drops at the end, and a check that every connection came back. */
    static final class Fixture implements AutoCloseable {
        final Db db;
        final ConnectionPool pool;
        private final List<String> tables = new java.util.concurrent.CopyOnWriteArrayList<>();

        Fixture(Db db, ConnectionPool pool) {
            this.db = db;
            this.pool = pool;
        }

        /** A new table (id INT PRIMARY KEY, name VARCHAR(16) NOT NULL, payload VARCHAR(256)). */
        String people() {
            String table = "people_" + ProcessHandle.current().pid() + "_" + TABLES.incrementAndGet() + "_"
                    + Long.toHexString(System.nanoTime() & 0xffffff);
            sql("CREATE TABLE " + table + " (id INT PRIMARY KEY, name VARCHAR(16) NOT NULL, payload VARCHAR(256))");
            tables.add(table);
            return table;
        }

        void sql(String statement) {
            Mono.usingWhen(pool.create(), (Connection c) -> Flux.from(c.createStatement(statement).execute())
                            .concatMap(r -> r.getRowsUpdated()).then(), Connection::close)
                    .subscribeOn(Schedulers.boundedElastic())
                    .block(Duration.ofSeconds(30));
        }

        List<Integer> ids(String table) {
            return R2dbcSources.query(pool, "SELECT id FROM " + table + " ORDER BY id", List.of(),
                    row -> row.get("id", Integer.class)).flux().collectList().block(Duration.ofSeconds(30));
        }

        String name(String table, int id) {
            return R2dbcSources.query(pool, "SELECT name FROM " + table + " WHERE id = $1", List.of(id),
                    row -> row.get("name", String.class)).flux().next().block(Duration.ofSeconds(30));
        }

        int acquired() {
            return pool.getMetrics().orElseThrow().acquiredSize();
        }

        /** True once every connection is back in the pool. */
        Mono<Boolean> released() {
            return OpenFiles.eventually(() -> acquired() == 0);
        }

        @Override
        public void close() {
            try {
                if (!Boolean.TRUE.equals(released().block(Duration.ofSeconds(10)))) {
                    throw new AssertionError(acquired() + " connection(s) still acquired from the pool after the test");
                }
                for (String t : tables) {
                    sql("DROP TABLE " + t);
                }
            } finally {
                pool.dispose();
            }
        }
    }
}
