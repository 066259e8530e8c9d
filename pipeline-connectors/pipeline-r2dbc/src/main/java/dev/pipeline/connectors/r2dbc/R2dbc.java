package dev.pipeline.connectors.r2dbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.pipeline.connectors.r2dbc.internal.GuardedConnectionFactory;
import dev.pipeline.connectors.r2dbc.internal.SqlScript;
import dev.pipeline.connectors.internal.Require;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Connection pools and schema scripts.
 *
 * <pre>{@code
 * ConnectionPool pool = R2dbc.pool("r2dbc:h2:mem:///shop?options=DB_CLOSE_DELAY=-1");
 * R2dbc.executeScript(pool, "schema.sql").block();
 * // ... pipelines using pool ...
 * pool.dispose();
 * }</pre>
 *
 * <p>A pool opens no connection until one is needed. A connection that cannot be opened fails
 * with a {@link DatabaseUnavailableException} naming driver, host, port, database and user;
 * passwords never appear in logs or error messages.
 */
public final class R2dbc {

    /** Default most connections in a pool. */
    public static final int DEFAULT_POOL_SIZE = 10;

    private R2dbc() {
    }

    /**
     * A connection pool from an R2DBC URL with up to {@value #DEFAULT_POOL_SIZE} connections:
     * {@code r2dbc:h2:mem:///name?options=DB_CLOSE_DELAY=-1} (embedded, in memory; without
     * {@code DB_CLOSE_DELAY=-1} H2 drops the database whenever no connection is open),
     * {@code r2dbc:postgresql://user@host:5432/db} (needs {@code org.postgresql:r2dbc-postgresql}).
     * Dispose the pool when done ({@link ConnectionPool#dispose()}).
     *
     * @param url the R2DBC URL; a password in it is never logged
     * @return the pool; its {@link ConnectionPool#getMetrics() metrics} show connections in use
     * @throws IllegalArgumentException for a malformed URL or no driver for it (names the driver,
     *     never the password)
     */
    public static ConnectionPool pool(String url) {
        return pool(url, DEFAULT_POOL_SIZE);
    }

    /**
     * A connection pool from an R2DBC URL with up to {@code maxSize} connections.
     *
     * @param url the R2DBC URL
     * @param maxSize the most connections, {@code > 0}
     * @return the pool
     * @see #pool(String)
     */
    public static ConnectionPool pool(String url, int maxSize) {
        Require.nonNull(url, "url");
        Require.positive(maxSize, "maxSize");
        ConnectionFactoryOptions options;
        try {
            options = ConnectionFactoryOptions.parse(url);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("malformed R2DBC URL '" + redact(url)
                    + "'; expected r2dbc:<driver>://[user[:password]@]host[:port]/database", null);
        }
        ConnectionFactory driver;
        try {
            driver = ConnectionFactories.get(options);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("no R2DBC driver for " + GuardedConnectionFactory.describe(options)
                    + " (URL '" + redact(url) + "'); add the driver to the classpath"
                    + " (io.r2dbc:r2dbc-h2 or org.postgresql:r2dbc-postgresql)", null);
        }
        ConnectionFactory guarded = new GuardedConnectionFactory(driver, options);
        return new ConnectionPool(ConnectionPoolConfiguration.builder(guarded)
                .name("pipeline-" + String.valueOf(options.getValue(ConnectionFactoryOptions.DRIVER)))
                .initialSize(0)
                .minIdle(0)
                .maxSize(maxSize)
                .acquireRetry(0)
                .maxCreateConnectionTime(Duration.ofSeconds(10))
                .maxAcquireTime(Duration.ofSeconds(60))
                .maxIdleTime(Duration.ofMinutes(5))
                .allocatorSubscribeOn(Schedulers.boundedElastic())
                .build());
    }

    /**
     * The URL with any password (in the user info or a {@code password=} option) replaced by
     * {@code ****}: what this class puts in messages, and what to print or log of a URL.
     *
     * @param url an R2DBC URL
     * @return the URL without its password
     */
    public static String redact(String url) {
        return url.replaceAll("(://[^:/@]*:)[^@/]*@", "$1****@").replaceAll("(?i)(password=)[^&;]*", "$1****");
    }

    /**
     * Runs an SQL script file: statements separated by {@code ;} (quotes, comments and
     * PostgreSQL {@code $$} bodies respected), in order, on one connection, each auto-committed.
     * Cold: nothing runs until subscribed.
     *
     * @param cf the connection factory
     * @param script the script file (UTF-8)
     * @return the number of statements run; fails with a {@link ScriptException} for the first failing
     *         statement, or with an {@link UncheckedIOException} naming the script's absolute path when
     *         the file cannot be read
     */
    public static Mono<Integer> executeScript(ConnectionFactory cf, Path script) {
        Require.nonNull(cf, "cf");
        Require.nonNull(script, "script");
        return Mono.fromCallable(() -> {
            try {
                return Files.readString(script, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read SQL script " + script.toAbsolutePath() + ": " + e, e);
            }
        }).subscribeOn(Schedulers.boundedElastic()).flatMap(text -> execute(cf, text, script.toString()));
    }

    /**
     * Runs an SQL script from the classpath (e.g. {@code "schema.sql"} in
     * {@code src/main/resources}). Cold.
     *
     * @param cf the connection factory
     * @param resource the resource name, relative to the classpath root
     * @return the number of statements run
     */
    public static Mono<Integer> executeScript(ConnectionFactory cf, String resource) {
        Require.nonNull(cf, "cf");
        Require.nonBlank(resource, "resource");
        return Mono.fromCallable(() -> {
            String name = resource.startsWith("/") ? resource.substring(1) : resource;
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            if (loader == null) {
                loader = R2dbc.class.getClassLoader();
            }
            try (InputStream in = loader.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalArgumentException("no classpath resource '" + name + "' (put it in src/main/resources)");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }).subscribeOn(Schedulers.boundedElastic()).flatMap(text -> execute(cf, text, resource));
    }

    private static Mono<Integer> execute(ConnectionFactory cf, String text, String origin) {
        List<String> statements = SqlScript.split(text);
        return Mono.usingWhen(cf.create(),
                (Connection conn) -> Flux.fromIterable(statements)
                        .concatMap(sql -> Flux.from(conn.createStatement(sql).execute())
                                .concatMap(r -> r.getRowsUpdated())
                                .then()
                                .onErrorMap(e -> new ScriptException(origin, sql, e)))
                        .then(Mono.just(statements.size())),
                Connection::close)
                .subscribeOn(Schedulers.boundedElastic());
    }

    /**
     * A statement of a script failed: the message names the script and the statement (abbreviated);
     * the cause is the driver's error.
     */
    public static final class ScriptException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final String statement;

        ScriptException(String origin, String sql, Throwable cause) {
            super("script " + origin + ": statement failed: " + abbreviate(sql) + ": " + cause.getMessage(), cause);
            this.statement = sql;
        }

        /**
         * The statement that failed.
         *
         * @return the SQL text
         */
        public String statement() {
            return statement;
        }

        private static String abbreviate(String sql) {
            String one = sql.replaceAll("\\s+", " ");
            return one.length() > 120 ? one.substring(0, 117) + "..." : one;
        }
    }
}
