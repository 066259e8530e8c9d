package dev.pipeline.connectors.rabbitmq;

/**
 * The broker refused one published message: it nacked it, or returned it because no queue is
 * bound for its routing key. The item fails alone (the sink's error policy decides); the
 * message names the broker, the exchange and the routing key.
 */
public final class RabbitRejectedException extends RabbitException {

    private static final long serialVersionUID = 1L;

    /**
     * A refused message.
     *
     * @param message why, naming the broker, the exchange and the routing key
     * @param broker the broker's {@code host:port}
     * @param virtualHost the virtual host
     * @param target the exchange and routing key
     */
    public RabbitRejectedException(String message, String broker, String virtualHost, String target) {
        super(message, broker, virtualHost, target, null);
    }
}
