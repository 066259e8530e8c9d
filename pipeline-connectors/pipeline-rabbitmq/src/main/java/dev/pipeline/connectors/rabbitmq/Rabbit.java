package dev.pipeline.connectors.rabbitmq;

import dev.pipeline.connectors.rabbitmq.internal.Broker;

/** What the RabbitMQ connector offers besides sources and sinks. */
public final class Rabbit {

    /** The broker the tests and examples use by default: a local RabbitMQ with its guest account. */
    public static final String LOCAL = "amqp://guest:guest@127.0.0.1:5672/%2F";

    private Rabbit() {
    }

    /**
     * An AMQP URI with its password replaced by {@code ***}, for logs and messages.
     *
     * <pre>{@code
     * Rabbit.redact("amqp://app:s3cret@mq:5672/sales")  // "amqp://app:***@mq:5672/sales"
     * }</pre>
     *
     * @param uri the URI
     * @return the masked URI
     */
    public static String redact(String uri) {
        return Broker.redact(dev.pipeline.connectors.internal.Require.nonNull(uri, "uri"));
    }
}
