package dev.pipeline.connectors.kafka;

/**
 * A Kafka source or sink failed; the message and the accessors name the cluster (its bootstrap
 * servers) and the topic, never a credential. The cause is the client's own exception.
 */
public class KafkaConnectorException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String bootstrapServers;
    private final String topic;

    /**
     * A failure at {@code bootstrapServers} on {@code topic}.
     *
     * @param message what went wrong and what to check, naming the servers and topic
     * @param bootstrapServers the cluster's bootstrap servers
     * @param topic the topic (or comma-separated topics), or null when none is concerned
     * @param cause the client's exception, or null
     */
    public KafkaConnectorException(String message, String bootstrapServers, String topic, Throwable cause) {
        super(message, cause);
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
    }

    /**
     * The cluster's bootstrap servers.
     *
     * @return {@code host:port[,host:port...]}
     */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * The topic (a source's topics, comma-separated).
     *
     * @return the topic, or null when the failure concerns no topic (a producer that cannot be made)
     */
    public String topic() {
        return topic;
    }
}
