package dev.pipeline.connectors.jdbc;

import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariDataSource;
import dev.pipeline.connectors.internal.Require;

/**
 * JDBC connection pools (HikariCP).
 *
 * <pre>{@code
 * try (HikariDataSource pool = Jdbc.pool("jdbc:h2:mem:shop;DB_CLOSE_DELAY=-1", 2)) {
 *     Pipeline.from(source)
 *             .to(JdbcSinks.insert(pool, "INSERT INTO people (id, name) VALUES (?, ?)",
 *                     p -> List.of(p.id(), p.name()), InsertOptions.defaults().concurrency(2)))
 *             .run().block();
 * }
 * }</pre>
 *
 * <p>A pool made here opens no connection until the first one is asked for (on a blocking
 * thread of a sink's run), so building it does no I/O. For more settings (user, password,
 * timeouts) configure a {@link com.zaxxer.hikari.HikariConfig} and pass
 * {@code new HikariDataSource(config)}, or any {@link javax.sql.DataSource}, to the sinks.
 * HikariCP masks a password in the URL when it logs its configuration.
 */
public final class Jdbc {

    /** Default most connections in a pool. */
    public static final int DEFAULT_POOL_SIZE = 10;

    private static final AtomicInteger POOLS = new AtomicInteger();

    private Jdbc() {
    }

    /**
     * A pool of up to {@value #DEFAULT_POOL_SIZE} connections to a JDBC URL.
     *
     * @param url the JDBC URL, e.g. {@code jdbc:h2:mem:name;DB_CLOSE_DELAY=-1} (without
     *     {@code DB_CLOSE_DELAY=-1} H2 drops an in-memory database whenever no connection is open)
     *     or {@code jdbc:postgresql://host:5432/db?user=u}; the driver must be on the classpath
     * @return the pool; close it when done
     */
    public static HikariDataSource pool(String url) {
        return pool(url, DEFAULT_POOL_SIZE);
    }

    /**
     * A pool of up to {@code size} connections to a JDBC URL, none opened in advance and each
     * closed after a minute unused (HikariCP's {@code minimumIdle} 0).
     *
     * @param url the JDBC URL
     * @param size the most connections, {@code > 0}: at least a sink's
     *     {@link InsertOptions#concurrency(int) concurrency}
     * @return the pool; close it when done
     */
    public static HikariDataSource pool(String url, int size) {
        Require.nonBlank(url, "url");
        Require.positive(size, "size");
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl(url);
        ds.setMaximumPoolSize(size);
        ds.setMinimumIdle(0);
        ds.setIdleTimeout(60_000);
        ds.setPoolName("pipeline-jdbc-" + POOLS.incrementAndGet());
        return ds;
    }
}
