package dev.pipeline.connectors.kafka;

/**
 * The broker did not acknowledge a record (after the producer's own retries, within
 * {@code delivery.timeout.ms}): the item was not stored. The message names the servers, the
 * topic and, when known, the partition.
 */
public class KafkaSendException extends KafkaConnectorException {

    private static final long serialVersionUID = 1L;

    private final int partition;

    /**
     * A send to {@code topic} at {@code bootstrapServers} failed.
     *
     * @param message what failed, naming the servers and topic
     * @param bootstrapServers the cluster's bootstrap servers
     * @param topic the record's topic
     * @param partition the record's partition, or -1 when not known
     * @param cause the producer's exception
     */
    public KafkaSendException(String message, String bootstrapServers, String topic, int partition, Throwable cause) {
        super(message, bootstrapServers, topic, cause);
        this.partition = partition;
    }

    /**
     * The record's partition.
     *
     * @return the partition, or -1 when not known
     */
    public int partition() {
        return partition;
    }
}
