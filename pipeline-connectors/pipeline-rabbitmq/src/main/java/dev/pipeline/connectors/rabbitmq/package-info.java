/**
 * RabbitMQ for pipelines, a thin layer over the official {@code com.rabbitmq:amqp-client}: a
 * {@link dev.pipeline.connectors.rabbitmq.RabbitSources#queue queue source} that acknowledges
 * each message only once the pipeline is done with it (manual acks, {@code basicQos(prefetch)}
 * as the in-flight bound), and a {@link dev.pipeline.connectors.rabbitmq.RabbitSinks#publish sink}
 * that counts an item stored only once the broker confirmed it (publisher confirms). Errors are
 * {@link dev.pipeline.connectors.rabbitmq.RabbitException}s naming the broker (credentials
 * masked), the virtual host and the queue or exchange. See docs/connectors/brokers.md.
 */
package dev.pipeline.connectors.rabbitmq;
