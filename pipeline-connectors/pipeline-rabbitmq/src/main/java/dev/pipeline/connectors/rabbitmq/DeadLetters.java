package dev.pipeline.connectors.rabbitmq;

/**
 * What the {@linkplain RabbitSources#queue queue source} tells the broker about a message the
 * pipeline dead-lettered (its dead-letter sink already holds it).
 */
public enum DeadLetters {
    /** Acknowledge it: the pipeline's dead-letter sink is the only place it is kept. */
    ACK,
    /**
     * Reject it without requeueing ({@code basic.nack}, {@code requeue=false}): the broker routes
     * it to the queue's dead-letter exchange ({@code x-dead-letter-exchange}), or drops it when
     * the queue has none.
     */
    REJECT
}
