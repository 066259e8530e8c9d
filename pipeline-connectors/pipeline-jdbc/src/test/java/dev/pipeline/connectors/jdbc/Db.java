package dev.pipeline.connectors.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.pipeline.connectors.testing.OpenFiles;
import dev.pipeline.connectors.testing.Services;
import reactor.core.publisher.Mono;

/** The databases every JDBC test runs against. */
enum Db {
    H2 {
        @Override
        String url() {
            return "jdbc:h2:mem:t" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
        }
    },
    POSTGRES {
        @Override
        String url() {
            Services.requirePostgres();
            return "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
        }
    };

    private static final AtomicInteger TABLES = new AtomicInteger();

    abstract String url();

    /** A fresh pool: in-memory H2 per call, or the CI PostgreSQL (skipped or failed when absent). */
    Fixture open(int poolSize) {
        return new Fixture(Jdbc.pool(url(), poolSize));
    }

    /** A pool, unique tables it drops at the end, and a check that every connection came back. */
    static final class Fixture implements AutoCloseable {
        final HikariDataSource pool;
        private final List<String> tables = new CopyOnWriteArrayList<>();

        Fixture(HikariDataSource pool) {
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
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                s.execute(statement);
            } catch (SQLException e) {
                throw new IllegalStateException(statement, e);
            }
        }

        List<Integer> ids(String table) {
            List<Integer> ids = new ArrayList<>();
            try (Connection c = pool.getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT id FROM " + table + " ORDER BY id")) {
                while (rs.next()) {
                    ids.add(rs.getInt(1));
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            return ids;
        }

        String name(String table, int id) {
            try (Connection c = pool.getConnection();
                    var ps = c.prepareStatement("SELECT name FROM " + table + " WHERE id = ?")) {
                ps.setInt(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        int acquired() {
            HikariPoolMXBean bean = pool.getHikariPoolMXBean();
            return bean == null ? 0 : bean.getActiveConnections();
        }

        /** True once every connection is back in the pool. */
        Mono<Boolean> released() {
            return OpenFiles.eventually(() -> acquired() == 0);
        }

        @Override
        public void close() {
            try {
                if (!Boolean.TRUE.equals(released().block(java.time.Duration.ofSeconds(10)))) {
                    throw new AssertionError(acquired() + " connection(s) still taken from the pool after the test");
                }
                for (String t : tables) {
                    sql("DROP TABLE " + t);
                }
            } finally {
                pool.close();
            }
        }
    }
}
