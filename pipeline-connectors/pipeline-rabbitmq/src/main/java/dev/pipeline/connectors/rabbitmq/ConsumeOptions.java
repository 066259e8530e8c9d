package dev.pipeline.connectors.rabbitmq;

import java.time.Duration;

import dev.pipeline.connectors.internal.Require;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

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

    private static final ConsumeOptions DEFAULTS = new ConsumeOptions(DEFAULT_PREFETCH, DeadLetters.ACK, null, Schedulers.parallel());

    private final int prefetch;
    private final DeadLetters deadLetters;
    private final Duration idleTimeout;
    private final Scheduler timer;

    private ConsumeOptions(int prefetch, DeadLetters deadLetters, Duration idleTimeout, Scheduler timer) {
        this.prefetch = prefetch;
        this.deadLetters = deadLetters;
        this.idleTimeout = idleTimeout;
        this.timer = timer;
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
        return new ConsumeOptions(prefetch, deadLetters, idleTimeout, timer);
    }

    /**
     * What to tell the broker about a dead-lettered message. Defaults to {@link DeadLetters#ACK}.
     *
     * @param deadLetters ack it, or reject it to the queue's dead-letter exchange
     * @return a copy with that choice
     */
    public ConsumeOptions deadLetters(DeadLetters deadLetters) {
        return new ConsumeOptions(prefetch, Require.nonNull(deadLetters, "deadLetters"), idleTimeout, timer);
    }

    /**
     * Completes the source once no message has arrived for {@code idleTimeout} and every message
     * delivered has been settled (and so acknowledged): a worker that drains a queue and ends,
     * instead of consuming forever. Not set by default (the source never completes by itself).
     *
     * @param idleTimeout how long the queue must stay quiet, {@code > 0}
     * @return a copy that completes when idle
     */
    public ConsumeOptions idleTimeout(Duration idleTimeout) {
        return new ConsumeOptions(prefetch, deadLetters, Require.positive(idleTimeout, "idleTimeout"), timer);
    }

    /**
     * The scheduler that measures the {@link #idleTimeout}. Defaults to
     * {@link Schedulers#parallel()}.
     *
     * @param timer the scheduler (a virtual-time one in tests)
     * @return a copy with that scheduler
     */
    public ConsumeOptions timer(Scheduler timer) {
        return new ConsumeOptions(prefetch, deadLetters, idleTimeout, Require.nonNull(timer, "timer"));
    }

    /**
     * The idle timeout.
     *
     * @return the timeout, or null when the source never completes by itself
     */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /**
     * The scheduler of the idle timeout.
     *
     * @return the scheduler
     */
    public Scheduler timer() {
        return timer;
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
        return "ConsumeOptions[prefetch=" + prefetch + ", deadLetters=" + deadLetters
                + (idleTimeout == null ? "" : ", idleTimeout=" + idleTimeout) + "]";
    }
}
