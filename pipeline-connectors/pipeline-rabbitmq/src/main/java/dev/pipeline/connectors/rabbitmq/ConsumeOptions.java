package dev.pipeline.connectors.rabbitmq;

import dev.pipeline.connectors.internal.Require;

/**
 * How the {@linkplain RabbitSources#queue queue source} consumes: its prefetch (the in-flight
 * bound) and what it does with dead-lettered messages. Immutable: each option method returns a
 * copy.
 *
 * <pre>{@code
 * ConsumeOptions options = ConsumeOptions.defaults().prefetch(50).deadLetters(DeadLetters.REJECT);
 * }</pre>
 */
public final class ConsumeOptions {

    /** The default prefetch. */
    public static final int DEFAULT_PREFETCH = 32;

    private static final ConsumeOptions DEFAULTS = new ConsumeOptions(DEFAULT_PREFETCH, DeadLetters.ACK);

    private final int prefetch;
    private final DeadLetters deadLetters;

    private ConsumeOptions(int prefetch, DeadLetters deadLetters) {
        this.prefetch = prefetch;
        this.deadLetters = deadLetters;
    }

    /**
     * The defaults: prefetch {@value #DEFAULT_PREFETCH}, dead letters acknowledged.
     *
     * @return the defaults
     */
    public static ConsumeOptions defaults() {
        return DEFAULTS;
    }

    /**
     * How many messages the broker may deliver before they are acknowledged
     * ({@code basic.qos}): the most a consumer holds in flight, and so the most a consumer's
     * death makes the broker deliver again. Defaults to {@value #DEFAULT_PREFETCH}.
     *
     * @param prefetch unacknowledged messages at most, between 1 and 65535
     * @return a copy with that prefetch
     */
    public ConsumeOptions prefetch(int prefetch) {
        Require.positive(prefetch, "prefetch");
        if (prefetch > 65535) {
            throw new IllegalArgumentException("prefetch must be <= 65535 (AMQP's limit), was " + prefetch);
        }
        return new ConsumeOptions(prefetch, deadLetters);
    }

    /**
     * What to tell the broker about a dead-lettered message. Defaults to {@link DeadLetters#ACK}.
     *
     * @param deadLetters ack it, or reject it to the queue's dead-letter exchange
     * @return a copy with that choice
     */
    public ConsumeOptions deadLetters(DeadLetters deadLetters) {
        return new ConsumeOptions(prefetch, Require.nonNull(deadLetters, "deadLetters"));
    }

    /**
     * The prefetch.
     *
     * @return unacknowledged messages at most
     */
    public int prefetch() {
        return prefetch;
    }

    /**
     * The dead-letter choice.
     *
     * @return what a dead-lettered message becomes
     */
    public DeadLetters deadLetters() {
        return deadLetters;
    }

    @Override
    public String toString() {
        return "ConsumeOptions[prefetch=" + prefetch + ", deadLetters=" + deadLetters + "]";
    }
}
