package dev.pipeline.connectors.rabbitmq.internal;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.util.concurrent.TimeoutException;

import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import dev.pipeline.connectors.rabbitmq.RabbitException;
import dev.pipeline.connectors.rabbitmq.RabbitRejectedException;

/**
 * Where a broker is and how to reach it, parsed once from an AMQP URI (validated at the API
 * boundary), with the password masked wherever it is shown. Each {@link #connect} opens a new
 * connection without automatic recovery: a lost connection fails the run, the broker
 * redelivers what was not acknowledged.
 */
public final class Broker {

    private final String uri;
    private final String redacted;
    private final String address;
    private final String virtualHost;

    private Broker(String uri, String redacted, String address, String virtualHost) {
        this.uri = uri;
        this.redacted = redacted;
        this.address = address;
        this.virtualHost = virtualHost;
    }

    /**
     * Parses {@code amqp://user:password@host:port/vhost}.
     *
     * @param uri the URI
     * @return the broker
     * @throws IllegalArgumentException naming the masked URI when it is not an AMQP URI
     */
    public static Broker parse(String uri) {
        if (uri == null) {
            throw new NullPointerException("uri must not be null");
        }
        ConnectionFactory f = factory(uri, redact(uri));
        return new Broker(uri, redact(uri), f.getHost() + ":" + f.getPort(), f.getVirtualHost());
    }

    private static ConnectionFactory factory(String uri, String redacted) {
        ConnectionFactory f = new ConnectionFactory();
        try {
            f.setUri(uri);
        } catch (URISyntaxException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("uri '" + redacted + "' is not an AMQP URI (amqp://user:password@host:5672/vhost): "
                    + e.getClass().getSimpleName(), null);
        }
        f.setAutomaticRecoveryEnabled(false);
        f.setTopologyRecoveryEnabled(false);
        f.setConnectionTimeout(10_000);
        return f;
    }

    /**
     * The URI with its password replaced by {@code ***}.
     *
     * @param uri an AMQP URI
     * @return the masked URI
     */
    public static String redact(String uri) {
        try {
            URI u = new URI(uri);
            String info = u.getRawUserInfo();
            if (info == null || !info.contains(":")) {
                return uri;
            }
            return uri.replace(info, info.substring(0, info.indexOf(':')) + ":***");
        } catch (URISyntaxException e) {
            int at = uri.lastIndexOf('@');
            return at < 0 ? uri : "***" + uri.substring(at);
        }
    }

    /**
     * Opens a connection (blocking: call on a thread that may block).
     *
     * @param purpose the connection's name at the broker and in errors ({@code consume orders})
     * @param target the queue or exchange, for errors
     * @return the connection
     */
    public Connection connect(String purpose, String target) {
        try {
            return factory(uri, redacted).newConnection(purpose);
        } catch (IOException | TimeoutException | RuntimeException e) {
            throw error("cannot connect", target, e);
        }
    }

    /**
     * A typed error naming this broker, the virtual host and {@code target}.
     *
     * @param what what failed ({@code cannot connect}, {@code lost the connection})
     * @param target {@code queue 'orders'}
     * @param cause the client's error
     * @return the error to throw or signal
     */
    public RabbitException error(String what, String target, Throwable cause) {
        return new RabbitException("RabbitMQ at " + address + " (" + redacted + ", vhost '" + virtualHost + "'), " + target + ": "
                + what + ": " + describe(cause), address, virtualHost, target, cause);
    }

    /**
     * A message the broker refused, naming this broker and {@code target}.
     *
     * @param why nacked or returned, and the broker's reason
     * @param target {@code exchange 'x' routing key 'k'}
     * @return the error
     */
    public RabbitRejectedException rejected(String why, String target) {
        return new RabbitRejectedException("RabbitMQ at " + address + " (" + redacted + ", vhost '" + virtualHost + "'), " + target
                + ": " + why, address, virtualHost, target);
    }

    /** The client's error in a line: a channel or connection close carries the broker's reason. */
    static String describe(Throwable e) {
        Throwable t = e;
        while (t != null) {
            if (t instanceof ShutdownSignalException s && s.getReason() != null) {
                return s.getMessage().replaceFirst("^.*reason: ", "");
            }
            if (t instanceof AlreadyClosedException) {
                return "the channel or connection was already closed (" + t.getMessage() + ")";
            }
            if (t.getCause() == null || t.getCause() == t) {
                break;
            }
            t = t.getCause();
        }
        return t == null ? "unknown" : t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    /**
     * The broker's address.
     *
     * @return {@code host:port}
     */
    public String address() {
        return address;
    }

    @Override
    public String toString() {
        return redacted;
    }
}
