/**
 * Kafka for pipelines, on the official {@code kafka-clients}.
 *
 * <ul>
 *   <li>{@link dev.pipeline.connectors.kafka.KafkaSources}: a consumer group as an
 *       {@link dev.pipeline.core.Source#acknowledged acknowledged source}, at-least-once: each
 *       partition is committed only below its first record that has not left the pipeline;
 *       partitions pause at in-flight bounds; a revoked partition finishes or abandons its
 *       records within a grace period.</li>
 *   <li>{@link dev.pipeline.connectors.kafka.KafkaSinks}: a producer with {@code acks=all} and
 *       idempotence; an item counts as stored once its record is acknowledged.</li>
 *   <li>Errors name the bootstrap servers and topic, never a credential:
 *       {@link dev.pipeline.connectors.kafka.KafkaUnavailableException},
 *       {@link dev.pipeline.connectors.kafka.KafkaSendException}, their parent
 *       {@link dev.pipeline.connectors.kafka.KafkaConnectorException}.</li>
 * </ul>
 */
package dev.pipeline.connectors.kafka;
