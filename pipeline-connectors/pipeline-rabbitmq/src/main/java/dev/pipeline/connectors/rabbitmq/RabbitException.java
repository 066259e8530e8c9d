package dev.pipeline.connectors.rabbitmq;

/**
 * A RabbitMQ operation failed: the connection was refused or lost, a queue does not exist, the
 * broker nacked or returned a message. The message names the broker ({@code host:port}, the
 * URI with its password masked), the virtual host and the queue or exchange; credentials are
 * never part of it.
 */
public class RabbitException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String broker;
    private final String virtualHost;
    private final String target;

    /**
     * A failure at {@code broker}.
     *
     * @param message what went wrong, naming the broker and the queue or exchange
     * @param broker the broker's {@code host:port}
     * @param virtualHost the virtual host
     * @param target the queue, or the exchange and routing key, concerned
     * @param cause the client's error, or null
     */
    public RabbitException(String message, String broker, String virtualHost, String target, Throwable cause) {
        super(message, cause);
        this.broker = broker;
        this.virtualHost = virtualHost;
        this.target = target;
    }

    /**
     * The broker's address.
     *
     * @return {@code host:port}
     */
    public String broker() {
        return broker;
    }

    /**
     * The virtual host.
     *
     * @return the virtual host, such as {@code /}
     */
    public String virtualHost() {
        return virtualHost;
    }

    /**
     * What the operation was about.
     *
     * @return {@code queue 'orders'} or {@code exchange 'x' routing key 'k'}
     */
    public String target() {
        return target;
    }
}
