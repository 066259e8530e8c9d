package dev.pipeline.connectors.r2dbc.internal;

import java.util.List;

import io.r2dbc.spi.Parameter;
import io.r2dbc.spi.Statement;

/** Binds values by index ($1 is index 0); values are never concatenated into SQL. */
public final class Binds {

    private Binds() {
    }

    public static Statement bind(Statement statement, List<?> values) {
        for (int i = 0; i < values.size(); i++) {
            Object v = values.get(i);
            if (v == null) {
                statement.bindNull(i, Object.class);
            } else if (v instanceof Parameter p && p.getValue() == null) {
                statement.bind(i, p);
            } else {
                statement.bind(i, v);
            }
        }
        return statement;
    }
}
