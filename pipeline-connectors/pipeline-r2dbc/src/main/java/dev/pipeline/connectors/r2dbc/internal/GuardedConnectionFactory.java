package dev.pipeline.connectors.r2dbc.internal;

import dev.pipeline.connectors.r2dbc.DatabaseUnavailableException;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Wrapped;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Wraps a driver's factory so that a failed connect becomes a {@link DatabaseUnavailableException}
 * naming driver, host, port, database and user, and never the password.
 */
public final class GuardedConnectionFactory implements ConnectionFactory, Wrapped<ConnectionFactory> {

    private final ConnectionFactory delegate;
    private final String description;
    private final String host;
    private final int port;
    private final String password;

    public GuardedConnectionFactory(ConnectionFactory delegate, ConnectionFactoryOptions options) {
        this.delegate = delegate;
        this.host = stringOption(options, ConnectionFactoryOptions.HOST);
        Object p = options.hasOption(ConnectionFactoryOptions.PORT) ? options.getValue(ConnectionFactoryOptions.PORT) : null;
        this.port = p == null ? 0 : Integer.parseInt(p.toString());
        Object pw = options.hasOption(ConnectionFactoryOptions.PASSWORD) ? options.getValue(ConnectionFactoryOptions.PASSWORD) : null;
        this.password = pw == null || pw.toString().isEmpty() ? null : pw.toString();
        this.description = describe(options);
    }

    /** driver database at host:port as user (no secrets). */
    public static String describe(ConnectionFactoryOptions options) {
        String driver = stringOption(options, ConnectionFactoryOptions.DRIVER);
        String protocol = stringOption(options, ConnectionFactoryOptions.PROTOCOL);
        String host = stringOption(options, ConnectionFactoryOptions.HOST);
        Object port = options.hasOption(ConnectionFactoryOptions.PORT) ? options.getValue(ConnectionFactoryOptions.PORT) : null;
        String db = stringOption(options, ConnectionFactoryOptions.DATABASE);
        String user = stringOption(options, ConnectionFactoryOptions.USER);
        StringBuilder sb = new StringBuilder().append(driver);
        if (protocol != null) {
            sb.append(':').append(protocol);
        }
        if (db != null) {
            sb.append(" database '").append(db).append('\'');
        }
        if (host != null) {
            sb.append(" at ").append(host).append(':').append(port == null ? "(default port)" : port);
        }
        if (user != null) {
            sb.append(" as user '").append(user).append('\'');
        }
        return sb.toString();
    }

    private static String stringOption(ConnectionFactoryOptions options, io.r2dbc.spi.Option<?> option) {
        Object v = options.hasOption(option) ? options.getValue(option) : null;
        return v == null ? null : v.toString();
    }

    @Override
    public Publisher<? extends Connection> create() {
        return Mono.from(delegate.create()).onErrorMap(e -> !(e instanceof DatabaseUnavailableException), this::unavailable);
    }

    private DatabaseUnavailableException unavailable(Throwable e) {
        String why = rootMessage(e);
        boolean leaks = password != null && (why.contains(password) || String.valueOf(e).contains(password));
        if (leaks) {
            why = why.replace(password, "****");
        }
        return new DatabaseUnavailableException("cannot connect to " + description + ": " + why
                + (host != null ? " (check that the server is running and accepts connections at " + host + ":"
                        + (port == 0 ? "its default port" : port) + ", and the user and database)" : ""),
                host, port, leaks ? null : e);
    }

    private static String rootMessage(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (m != null && sb.indexOf(m) < 0) {
                if (sb.length() > 0) {
                    sb.append(": ");
                }
                sb.append(m);
            }
            if (sb.length() > 300) {
                break;
            }
        }
        return sb.length() == 0 ? e.getClass().getSimpleName() : sb.toString();
    }

    @Override
    public ConnectionFactoryMetadata getMetadata() {
        return delegate.getMetadata();
    }

    @Override
    public ConnectionFactory unwrap() {
        return delegate;
    }

    @Override
    public String toString() {
        return "ConnectionFactory[" + description + "]";
    }
}
