package dev.pipeline.connectors.rabbitmq;

import java.time.Duration;

import dev.pipeline.connectors.internal.Require;

/**
 * How the {@linkplain RabbitSinks#publish publishing sink} publishes: how many messages may
 * wait for their confirm, how long a confirm may take, and the messages' delivery mode.
 * Immutable: each option method returns a copy.
 *
 * <pre>{@code
 * PublishOptions options = PublishOptions.defaults().maxInFlight(128).confirmTimeout(Duration.ofSeconds(10));
 * }</pre>
 */
public final class PublishOptions {

    /** The default bound of unconfirmed messages. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 256;

    /** The default confirm timeout. */
    public static final Duration DEFAULT_CONFIRM_TIMEOUT = Duration.ofSeconds(30);

    private static final PublishOptions DEFAULTS = new PublishOptions(DEFAULT_MAX_IN_FLIGHT, DEFAULT_CONFIRM_TIMEOUT, true);

    private final int maxInFlight;
    private final Duration confirmTimeout;
    private final boolean persistent;

    private PublishOptions(int maxInFlight, Duration confirmTimeout, boolean persistent) {
        this.maxInFlight = maxInFlight;
        this.confirmTimeout = confirmTimeout;
        this.persistent = persistent;
    }

    /**
     * The defaults: {@value #DEFAULT_MAX_IN_FLIGHT} unconfirmed messages at most, a 30 s confirm
     * timeout, persistent messages.
     *
     * @return the defaults
     */
    public static PublishOptions defaults() {
        return DEFAULTS;
    }

    /**
     * How many published messages may wait for the broker's confirm at once; the sink requests
     * no more items than that. Defaults to {@value #DEFAULT_MAX_IN_FLIGHT}.
     *
     * @param maxInFlight unconfirmed messages at most, {@code > 0}
     * @return a copy with that bound
     */
    public PublishOptions maxInFlight(int maxInFlight) {
        return new PublishOptions(Require.positive(maxInFlight, "maxInFlight"), confirmTimeout, persistent);
    }

    /**
     * How long the broker may take to confirm a message before the run fails with a
     * {@link RabbitException}. Defaults to 30 seconds.
     *
     * @param confirmTimeout the timeout, {@code > 0}
     * @return a copy with that timeout
     */
    public PublishOptions confirmTimeout(Duration confirmTimeout) {
        return new PublishOptions(maxInFlight, Require.positive(confirmTimeout, "confirmTimeout"), persistent);
    }

    /**
     * Whether messages are persistent (delivery mode 2: written to disk on a durable queue).
     * Defaults to true.
     *
     * @param persistent true for persistent messages
     * @return a copy with that mode
     */
    public PublishOptions persistent(boolean persistent) {
        return new PublishOptions(maxInFlight, confirmTimeout, persistent);
    }

    /**
     * The bound of unconfirmed messages.
     *
     * @return unconfirmed messages at most
     */
    public int maxInFlight() {
        return maxInFlight;
    }

    /**
     * The confirm timeout.
     *
     * @return the timeout
     */
    public Duration confirmTimeout() {
        return confirmTimeout;
    }

    /**
     * Whether messages are persistent.
     *
     * @return true for delivery mode 2
     */
    public boolean persistent() {
        return persistent;
    }

    @Override
    public String toString() {
        return "PublishOptions[maxInFlight=" + maxInFlight + ", confirmTimeout=" + confirmTimeout + ", persistent=" + persistent + "]";
    }
}
