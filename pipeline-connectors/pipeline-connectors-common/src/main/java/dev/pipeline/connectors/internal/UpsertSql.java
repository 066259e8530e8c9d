package dev.pipeline.connectors.internal;

import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import java.util.regex.Pattern;

/**
 * An upsert's table, key columns and columns, checked once when the sink is built, and the
 * statement for a database product: {@code MERGE INTO ... KEY (...)} on H2,
 * {@code INSERT ... ON CONFLICT (...) DO UPDATE} on PostgreSQL. Names are plain SQL identifiers
 * (never quoted or concatenated from data); values are bind markers in the driver's style.
 */
public record UpsertSql(String table, List<String> keys, List<String> columns) {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

    /** R2DBC's markers: {@code $1, $2, ...}. */
    public static final IntFunction<String> DOLLAR = i -> "$" + i;
    /** JDBC's markers: {@code ?}. */
    public static final IntFunction<String> QUESTION = i -> "?";

    /**
     * Checks the names.
     *
     * @throws IllegalArgumentException for a name that is not a plain SQL identifier, empty
     *     lists, or key columns not among the columns
     */
    public UpsertSql {
        identifier(table, "table");
        keys = List.copyOf(Require.nonNull(keys, "keyColumns"));
        columns = List.copyOf(Require.nonNull(columns, "columns"));
        if (keys.isEmpty() || columns.isEmpty()) {
            throw new IllegalArgumentException("keyColumns and columns must not be empty");
        }
        columns.forEach(c -> identifier(c, "column"));
        for (String k : keys) {
            if (!columns.contains(k)) {
                throw new IllegalArgumentException("key column '" + k + "' is not among the columns " + columns);
            }
        }
    }

    /**
     * The statement for {@code product} (the database's product name, as the driver reports it).
     *
     * @param product e.g. {@code H2}, {@code PostgreSQL}
     * @param marker the bind marker for the 1-based i-th value
     * @return the upsert statement
     * @throws UnsupportedOperationException for another database
     */
    public String sql(String product, IntFunction<String> marker) {
        StringBuilder markers = new StringBuilder();
        for (int i = 1; i <= columns.size(); i++) {
            markers.append(i > 1 ? ", " : "").append(marker.apply(i));
        }
        String colList = String.join(", ", columns);
        String keyList = String.join(", ", keys);
        String p = product == null ? "" : product.toLowerCase(Locale.ROOT);
        if (p.contains("h2")) {
            return "MERGE INTO " + table + " (" + colList + ") KEY (" + keyList + ") VALUES (" + markers + ")";
        }
        if (p.contains("postgres")) {
            StringBuilder set = new StringBuilder();
            for (String c : columns) {
                if (!keys.contains(c)) {
                    set.append(set.length() > 0 ? ", " : "").append(c).append(" = EXCLUDED.").append(c);
                }
            }
            return "INSERT INTO " + table + " (" + colList + ") VALUES (" + markers + ") ON CONFLICT (" + keyList + ") "
                    + (set.length() == 0 ? "DO NOTHING" : "DO UPDATE SET " + set);
        }
        throw new UnsupportedOperationException("upsert supports H2 and PostgreSQL, not " + product
                + "; use insert() with your database's upsert statement");
    }

    private static void identifier(String name, String what) {
        Require.nonNull(name, what);
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " must be a plain SQL identifier (letters, digits, _), was '" + name + "'");
        }
    }
}
