/**
 * Kafka for pipelines.
 */
package dev.pipeline.connectors.kafka;
