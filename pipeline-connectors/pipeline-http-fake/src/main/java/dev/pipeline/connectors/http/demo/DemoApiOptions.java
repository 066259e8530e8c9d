package dev.pipeline.connectors.http.demo;

import java.time.Duration;
import java.util.function.Consumer;

import dev.pipeline.connectors.internal.Fields;
import dev.pipeline.connectors.internal.Require;

/**
 * What a {@link DemoApiServer} serves and which faults it injects. Immutable: each option
 * method returns a copy, named as the connectors' other options are, so one configuration can
 * start several servers; each option's value is read back by the method of the same name
 * without arguments.
 *
 * <pre>{@code
 * try (DemoApiServer api = DemoApiServer.start(DemoApiOptions.defaults().totalRecords(10_000).errorRate(0.05))) {
 *     URI firstPage = api.baseUri().resolve("/records?page=1&size=100");
 *     ...
 * }
 * }</pre>
 */
public final class DemoApiOptions {

    private static final DemoApiOptions DEFAULTS = new DemoApiOptions(new Values());

    /** The options' values; the field initializers are the defaults. */
    private static final class Values extends Fields<Values> {
        String host = "127.0.0.1";
        int port;
        long seed = 42;
        long totalRecords = 1000;
        double invalidFraction = 0.02;
        Duration minLatency = Duration.ZERO;
        Duration maxLatency = Duration.ZERO;
        double errorRate;
        Duration retryAfter = Duration.ofSeconds(1);
        double dropRate;
        double malformedRate;

        @Override
        protected void check() {
            if (errorRate + dropRate + malformedRate > 1) {
                throw new IllegalArgumentException("DemoApiOptions: errorRate (" + errorRate + ") + dropRate (" + dropRate
                        + ") + malformedRate (" + malformedRate + ") must be <= 1, was " + (errorRate + dropRate + malformedRate)
                        + "; each request meets at most one fault");
            }
        }
    }

    private final Values v;

    private DemoApiOptions(Values v) {
        this.v = v;
    }

    private DemoApiOptions with(Consumer<Values> change) {
        return new DemoApiOptions(v.with(change));
    }

    /**
     * The defaults, as listed on each option: 127.0.0.1, an ephemeral port, seed 42, 1,000
     * records, 2 % invalid, no latency and no faults.
     *
     * @return the default options
     */
    public static DemoApiOptions defaults() {
        return DEFAULTS;
    }

    /**
     * The address to bind. Defaults to 127.0.0.1.
     *
     * @param host a host name or IP address
     * @return a copy with that address
     */
    public DemoApiOptions host(String host) {
        Require.nonBlank(host, "host");
        return with(o -> o.host = host);
    }

    /**
     * The port to bind. Defaults to 0, an ephemeral port (see {@link DemoApiServer#port()}).
     *
     * @param port the port, 0 to 65535
     * @return a copy with that port
     */
    public DemoApiOptions port(int port) {
        Require.port(port, "port");
        return with(o -> o.port = port);
    }

    /**
     * The seed of the records and the faults. Defaults to 42.
     *
     * @param seed the seed
     * @return a copy with that seed
     */
    public DemoApiOptions seed(long seed) {
        return with(o -> o.seed = seed);
    }

    /**
     * How many records {@code /records} serves in all. Defaults to 1,000.
     *
     * @param totalRecords the count, {@code >= 0}
     * @return a copy with that count
     */
    public DemoApiOptions totalRecords(long totalRecords) {
        if (totalRecords < 0) {
            throw new IllegalArgumentException("totalRecords must be >= 0, was " + totalRecords);
        }
        return with(o -> o.totalRecords = totalRecords);
    }

    /**
     * The fraction of records generated invalid. Defaults to 0.02.
     *
     * @param fraction between 0 and 1
     * @return a copy with that fraction
     */
    public DemoApiOptions invalidFraction(double fraction) {
        Require.fraction(fraction, "invalidFraction");
        return with(o -> o.invalidFraction = fraction);
    }

    /**
     * A fixed delay before each answer. Defaults to none.
     *
     * @param latency the delay, {@code >= 0}
     * @return a copy with that delay
     */
    public DemoApiOptions latency(Duration latency) {
        return latency(latency, latency);
    }

    /**
     * A delay before each answer drawn between {@code min} and {@code max}. Defaults to none.
     *
     * @param min the shortest delay, {@code >= 0}
     * @param max the longest delay, {@code >= min}
     * @return a copy with those delays
     */
    public DemoApiOptions latency(Duration min, Duration max) {
        Require.nonNegative(min, "min");
        Require.nonNegative(max, "max");
        if (max.compareTo(min) < 0) {
            throw new IllegalArgumentException("DemoApiOptions.latency: max must be >= min (" + min + "), was " + max);
        }
        return with(o -> {
            o.minLatency = min;
            o.maxLatency = max;
        });
    }

    /**
     * The fraction of requests answered with 500, 503 or 429 (in turn). Defaults to 0.
     *
     * @param rate between 0 and 1, and at most 1 with the other rates
     * @return a copy with that rate
     */
    public DemoApiOptions errorRate(double rate) {
        Require.fraction(rate, "errorRate");
        return with(o -> o.errorRate = rate);
    }

    /**
     * The {@code Retry-After} sent with 503 and 429, in whole seconds. Defaults to 1 second.
     *
     * @param retryAfter the delay, {@code >= 0}
     * @return a copy with that delay
     */
    public DemoApiOptions retryAfter(Duration retryAfter) {
        Require.nonNegative(retryAfter, "retryAfter");
        return with(o -> o.retryAfter = retryAfter);
    }

    /**
     * The fraction of requests whose connection is closed halfway through the body.
     * Defaults to 0.
     *
     * @param rate between 0 and 1, and at most 1 with the other rates
     * @return a copy with that rate
     */
    public DemoApiOptions dropRate(double rate) {
        Require.fraction(rate, "dropRate");
        return with(o -> o.dropRate = rate);
    }

    /**
     * The fraction of requests answered 200 with truncated JSON. Defaults to 0.
     *
     * @param rate between 0 and 1, and at most 1 with the other rates
     * @return a copy with that rate
     */
    public DemoApiOptions malformedRate(double rate) {
        Require.fraction(rate, "malformedRate");
        return with(o -> o.malformedRate = rate);
    }

    /** @return the address to bind */
    public String host() {
        return v.host;
    }

    /** @return the port to bind (0: ephemeral) */
    public int port() {
        return v.port;
    }

    /** @return the seed */
    public long seed() {
        return v.seed;
    }

    /** @return the records served in all */
    public long totalRecords() {
        return v.totalRecords;
    }

    /** @return the fraction of invalid records */
    public double invalidFraction() {
        return v.invalidFraction;
    }

    /** @return the shortest delay before an answer, set by {@link #latency} */
    public Duration minLatency() {
        return v.minLatency;
    }

    /** @return the longest delay before an answer, set by {@link #latency} */
    public Duration maxLatency() {
        return v.maxLatency;
    }

    /** @return the fraction of requests answered with an error status */
    public double errorRate() {
        return v.errorRate;
    }

    /** @return the Retry-After sent with 503 and 429 */
    public Duration retryAfter() {
        return v.retryAfter;
    }

    /** @return the fraction of requests whose connection is dropped */
    public double dropRate() {
        return v.dropRate;
    }

    /** @return the fraction of requests answered with truncated JSON */
    public double malformedRate() {
        return v.malformedRate;
    }

    @Override
    public String toString() {
        return "DemoApiOptions[" + v.host + ":" + v.port + ", seed " + v.seed + ", " + v.totalRecords + " records, invalid "
                + v.invalidFraction + ", latency " + v.minLatency + ".." + v.maxLatency + ", errors " + v.errorRate
                + " (Retry-After " + v.retryAfter + "), drops " + v.dropRate + ", malformed " + v.malformedRate + "]";
    }
}
