package dev.pipeline.examples.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * One scenario's final line, in the format of ../shared/bench/SCENARIOS.md:
 * {@code RESULT scenario=<name> impl=<impl> <key>=<value> ...}. Keys keep the order they were
 * added in; doubles print with up to four decimals.
 */
public final class BenchResult {

    private final String scenario;
    private final String impl;
    private final Map<String, String> values = new LinkedHashMap<>();

    private BenchResult(String scenario, String impl) {
        this.scenario = scenario;
        this.impl = impl;
    }

    /** A result line for one scenario as run by one implementation (pipeline, reactor, jdbc...). */
    public static BenchResult of(String scenario, String impl) {
        return new BenchResult(scenario, impl);
    }

    /** Adds a key with a whole number. */
    public BenchResult put(String key, long value) {
        values.put(key, Long.toString(value));
        return this;
    }

    /** Adds a key with a decimal number: four decimals below 100, one above (as the Python baselines print). */
    public BenchResult put(String key, double value) {
        values.put(key, String.format(Locale.ROOT, Math.abs(value) < 100 ? "%.4f" : "%.1f", value));
        return this;
    }

    /** Adds a key with true or false. */
    public BenchResult put(String key, boolean value) {
        values.put(key, Boolean.toString(value));
        return this;
    }

    /** Adds a key with a word (no spaces). */
    public BenchResult put(String key, String value) {
        if (value.indexOf(' ') >= 0 || value.indexOf('=') >= 0) {
            throw new IllegalArgumentException("a RESULT value has no spaces or '=': " + value);
        }
        values.put(key, value);
        return this;
    }

    /** The scenario name. */
    public String scenario() {
        return scenario;
    }

    /** The implementation name. */
    public String impl() {
        return impl;
    }

    /** The value of a key, or null. */
    public String get(String key) {
        return values.get(key);
    }

    /** The RESULT line. */
    public String line() {
        StringJoiner line = new StringJoiner(" ");
        line.add("RESULT").add("scenario=" + scenario).add("impl=" + impl);
        values.forEach((k, v) -> line.add(k + "=" + v));
        return line.toString();
    }

    @Override
    public String toString() {
        return line();
    }
}
