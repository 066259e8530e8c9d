package dev.pipeline.examples.etl;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.pipeline.connectors.r2dbc.R2dbcSources;
import dev.pipeline.connectors.rabbitmq.Rabbit;
import io.r2dbc.spi.ConnectionFactory;
import reactor.core.publisher.Flux;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * What the distributed ETL's three commands share: the work queue on RabbitMQ, the tables in
 * PostgreSQL (named from one prefix, so that several runs can share a database), and the work
 * item, one page of the demo API as a tiny JSON message.
 *
 * <p>Tables: {@code <p>_customers} and {@code <p>_rejected} keyed by record id (so that a
 * repeated item overwrites itself), {@code <p>_receipts} with one row per delivery a worker
 * processed (page, worker, redelivered flag: what the reconciliation counts duplicates from),
 * and {@code <p>_work}, the run's parameters, written by the publisher and read by the workers.
 */
final class WorkQueue {

    private static final Pattern PREFIX = Pattern.compile("[a-z_][a-z0-9_]{0,40}");

    private WorkQueue() {
    }

    /** One unit of work: a page of the demo API. */
    record Item(int page, int size, boolean redelivered) {

        String json() {
            return "{\"page\":" + page + ",\"size\":" + size + "}";
        }

        static Item parse(String json, boolean redelivered) {
            java.util.regex.Matcher m = Pattern.compile("\\{\"page\":(\\d+),\"size\":(\\d+)}").matcher(json.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("not a work item (expected {\"page\":N,\"size\":M}): " + json);
            }
            return new Item(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), redelivered);
        }
    }

    /** The run's parameters, as the publisher wrote them. */
    record Run(long items, int pageSize, long seed, double invalidFraction) {
        long records() {
            return items * pageSize;
        }
    }

    /** Checks the table prefix (it becomes part of SQL identifiers). */
    static String prefix(String option, String prefix) {
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException(option + " must be a lower-case SQL identifier of at most 41 characters "
                    + "([a-z_][a-z0-9_]*), was '" + prefix + "'");
        }
        return prefix;
    }

    /** The statements that (re)create the run's tables. */
    static List<String> schema(String p) {
        return List.of(
                "DROP TABLE IF EXISTS " + p + "_customers",
                "CREATE TABLE " + p + "_customers (id BIGINT PRIMARY KEY, name VARCHAR(128) NOT NULL, email VARCHAR(256) NOT NULL,"
                        + " country CHAR(2) NOT NULL, region VARCHAR(16) NOT NULL, amount_eur NUMERIC(14, 2) NOT NULL,"
                        + " tier VARCHAR(8) NOT NULL, created_at VARCHAR(40) NOT NULL)",
                "DROP TABLE IF EXISTS " + p + "_rejected",
                "CREATE TABLE " + p + "_rejected (id BIGINT PRIMARY KEY, reason VARCHAR(512) NOT NULL)",
                "DROP TABLE IF EXISTS " + p + "_receipts",
                "CREATE TABLE " + p + "_receipts (page INT NOT NULL, worker VARCHAR(64) NOT NULL, redelivered BOOLEAN NOT NULL)",
                "DROP TABLE IF EXISTS " + p + "_work",
                "CREATE TABLE " + p + "_work (items BIGINT NOT NULL, page_size INT NOT NULL, seed BIGINT NOT NULL,"
                        + " invalid_fraction DOUBLE PRECISION NOT NULL)");
    }

    /**
     * Opens {@code n} connections of the pool and returns them to it, retrying: on a loaded
     * machine a JVM's first connections can outlast the pool's 10 s create timeout, and a sink
     * that met that in the middle of the run would fail it. Idle connections stay in the pool
     * for 5 minutes.
     */
    static Mono<Void> warm(ConnectionFactory db, int n) {
        return Flux.range(0, n)
                .concatMap(i -> Mono.from(db.create()).retryWhen(Retry.backoff(6, Duration.ofSeconds(1))))
                .collectList()
                .flatMap(connections -> Flux.fromIterable(connections).concatMap(c -> Mono.from(c.close())).then());
    }

    /** Runs statements one after the other on one connection. */
    static Mono<Void> execute(ConnectionFactory db, List<String> statements) {
        return Mono.usingWhen(Mono.from(db.create()),
                c -> Flux.fromIterable(statements)
                        .concatMap(sql -> Flux.from(c.createStatement(sql).execute()).concatMap(r -> r.getRowsUpdated()))
                        .then(),
                c -> Mono.from(c.close()));
    }

    /** One statement with its values bound to {@code $1, $2, ...} (never spliced into the SQL). */
    static Mono<Void> update(ConnectionFactory db, String sql, List<?> values) {
        return Mono.usingWhen(Mono.from(db.create()),
                c -> {
                    io.r2dbc.spi.Statement statement = c.createStatement(sql);
                    for (int i = 0; i < values.size(); i++) {
                        statement.bind(i, values.get(i));
                    }
                    return Flux.from(statement.execute()).concatMap(r -> r.getRowsUpdated()).then();
                },
                c -> Mono.from(c.close()));
    }

    /** A query's single number (a COUNT, a SUM cast to BIGINT). */
    static Mono<Long> number(ConnectionFactory db, String sql) {
        return R2dbcSources.query(db, sql, List.of(), row -> {
            Number n = row.get(0, Number.class);
            return n == null ? 0L : n.longValue();
        }).flux().single();
    }

    /** The run's parameters; fails naming the table when the publisher has not run. */
    static Mono<Run> run(ConnectionFactory db, String p) {
        return R2dbcSources.query(db, "SELECT items, page_size, seed, invalid_fraction FROM " + p + "_work", List.of(),
                        row -> new Run(row.get("items", Long.class), row.get("page_size", Integer.class), row.get("seed", Long.class),
                                row.get("invalid_fraction", Double.class)))
                .flux().next()
                // a JVM's first connection can outlast the pool's 10 s create timeout on a loaded machine: a few more tries
                .retryWhen(Retry.backoff(4, Duration.ofSeconds(1)).filter(e -> !(e instanceof IllegalStateException)))
                .switchIfEmpty(Mono.error(() -> new IllegalStateException(p + "_work is empty: run 'etl-publish' first")))
                .onErrorMap(e -> !(e instanceof IllegalStateException) || Exceptions.isRetryExhausted(e), e -> {
                    Throwable cause = Exceptions.isRetryExhausted(e) && e.getCause() != null ? e.getCause() : e;
                    return new IllegalStateException("cannot read " + p + "_work (run 'etl-publish --tables " + p + "' first): "
                            + cause.getMessage(), cause);
                });
    }

    /** An admin connection to the broker, for declaring and inspecting the queue (blocking; call from the command's thread). */
    static Connection admin(String broker) {
        com.rabbitmq.client.ConnectionFactory f = new com.rabbitmq.client.ConnectionFactory();
        try {
            f.setUri(broker);
            f.setAutomaticRecoveryEnabled(false);
            return f.newConnection("etl-admin");
        } catch (Exception e) {
            throw new IllegalStateException("cannot connect to RabbitMQ at " + Rabbit.redact(broker) + ": " + e.getMessage(), e);
        }
    }

    /** Declares {@code queue} (durable) if it does not exist, and empties it. */
    static void declareEmpty(String broker, String queue) {
        try (Connection c = admin(broker); Channel ch = c.createChannel()) {
            ch.queueDeclare(queue, true, false, false, null);
            ch.queuePurge(queue);
        } catch (Exception e) {
            throw new IllegalStateException("cannot declare queue '" + queue + "' at " + Rabbit.redact(broker) + ": " + e.getMessage(), e);
        }
    }

    /** Messages in {@code queue}, ready or unacknowledged by a live consumer (-1 if it does not exist). */
    static long depth(String broker, String queue) {
        try (Connection c = admin(broker); Channel ch = c.createChannel()) {
            return ch.queueDeclarePassive(queue).getMessageCount();
        } catch (java.io.IOException e) {
            return -1;
        } catch (Exception e) {
            throw new IllegalStateException("cannot inspect queue '" + queue + "' at " + Rabbit.redact(broker) + ": " + e.getMessage(), e);
        }
    }

    static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%.1f", perSecond);
    }
}
