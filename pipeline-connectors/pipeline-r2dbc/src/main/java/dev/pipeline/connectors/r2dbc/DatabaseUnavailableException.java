package dev.pipeline.connectors.r2dbc;

import io.r2dbc.spi.R2dbcNonTransientResourceException;

/**
 * A connection to the database could not be opened. The message names the driver, host, port,
 * database and user (never the password) and what to check.
 */
public class DatabaseUnavailableException extends R2dbcNonTransientResourceException {

    private static final long serialVersionUID = 1L;

    private final String host;
    private final int port;

    /**
     * Creates the exception.
     *
     * @param message what failed and what to check (without secrets)
     * @param host the host, or null for an embedded database
     * @param port the port, or 0 when unknown
     * @param cause the driver's error, or null when it would leak a secret
     */
    public DatabaseUnavailableException(String message, String host, int port, Throwable cause) {
        super(message, null, 0, cause);
        this.host = host;
        this.port = port;
    }

    /**
     * The host that did not answer.
     *
     * @return the host, or null for an embedded database
     */
    public String host() {
        return host;
    }

    /**
     * The port that did not answer.
     *
     * @return the port, or 0 when unknown
     */
    public int port() {
        return port;
    }
}
