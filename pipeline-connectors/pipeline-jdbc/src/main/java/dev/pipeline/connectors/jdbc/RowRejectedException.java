package dev.pipeline.connectors.jdbc;

import java.sql.SQLException;

/**
 * The database refused one row (a duplicate key, NULL into NOT NULL, a value too long): the
 * message carries the database's message and SQL state; the cause is the driver's exception.
 * A sink hands the row with this error to its error policy while the good rows commit.
 */
public class RowRejectedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String sqlState;

    /**
     * Creates the exception.
     *
     * @param sink the sink's name
     * @param cause the driver's exception for the row alone
     */
    public RowRejectedException(String sink, SQLException cause) {
        super("sink '" + sink + "': the database rejected the row: " + cause.getMessage()
                + " (SQL state " + cause.getSQLState() + ")", cause);
        this.sqlState = cause.getSQLState();
    }

    /**
     * The SQL state the database reported (e.g. 23505 unique violation, 23502 not null, 22001
     * value too long).
     *
     * @return the SQL state, or null
     */
    public String sqlState() {
        return sqlState;
    }
}
