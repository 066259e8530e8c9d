package dev.pipeline.connectors.kafka;

import java.time.Duration;

/**
 * The cluster did not answer in time: no broker at the bootstrap servers, a wrong address, or
 * a network or security setting that keeps the client from connecting. The message names the
 * servers, the topic and the timeout.
 */
public class KafkaUnavailableException extends KafkaConnectorException {

    private static final long serialVersionUID = 1L;

    private final Duration timeout;

    /**
     * The cluster at {@code bootstrapServers} did not answer within {@code timeout}.
     *
     * @param message what was tried, naming the servers and topic, and what to check
     * @param bootstrapServers the cluster's bootstrap servers
     * @param topic the topic
     * @param timeout how long the client waited
     * @param cause the client's exception
     */
    public KafkaUnavailableException(String message, String bootstrapServers, String topic, Duration timeout, Throwable cause) {
        super(message, bootstrapServers, topic, cause);
        this.timeout = timeout;
    }

    /**
     * How long the client waited.
     *
     * @return the timeout
     */
    public Duration timeout() {
        return timeout;
    }
}
