package dev.pipeline.connectors.kafka;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.pipeline.connectors.internal.Fields;
import dev.pipeline.connectors.internal.Require;
import dev.pipeline.connectors.kafka.internal.Configs;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Options for a {@link KafkaSinks producer sink}. Immutable: each option method returns a
 * changed copy; each option's value is read back by the method of the same name without
 * arguments. The producer always runs with {@code acks=all} and idempotence on.
 *
 * <pre>{@code
 * KafkaSinkOptions options = KafkaSinkOptions.of("127.0.0.1:9092").maxInFlight(512)
 *         .deliveryTimeout(Duration.ofSeconds(30));
 * }</pre>
 */
public final class KafkaSinkOptions {

    /** Default bound of sends awaiting their acknowledgement. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 1024;

    /** The options' values; the field initializers are the defaults. */
    private static final class Values extends Fields<Values> {
        String bootstrapServers;
        int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
        Duration deliveryTimeout = Duration.ofMinutes(2);
        Duration closeTimeout = Duration.ofSeconds(10);
        Map<String, Object> properties = Map.of();
    }

    private final Values v;

    private KafkaSinkOptions(Values v) {
        this.v = v;
    }

    private KafkaSinkOptions with(Consumer<Values> change) {
        return new KafkaSinkOptions(v.with(change));
    }

    /**
     * Options to produce to the cluster at {@code bootstrapServers}, with the defaults listed on
     * each option.
     *
     * @param bootstrapServers {@code host:port[,host:port...]}, Kafka's {@code bootstrap.servers}
     * @return the options
     */
    public static KafkaSinkOptions of(String bootstrapServers) {
        Require.nonBlank(bootstrapServers, "bootstrapServers");
        return new KafkaSinkOptions(new Values().with(o -> o.bootstrapServers = bootstrapServers));
    }

    /**
     * The most records sent and not yet acknowledged; the sink requests no more items while
     * they are at the bound. Defaults to {@value #DEFAULT_MAX_IN_FLIGHT}.
     *
     * @param records the bound, {@code > 0}
     * @return a copy with that bound
     */
    public KafkaSinkOptions maxInFlight(int records) {
        Require.positive(records, "maxInFlight");
        return with(o -> o.maxInFlight = records);
    }

    /**
     * The longest time a record may take to be acknowledged, the producer's retries included
     * ({@code delivery.timeout.ms}; also {@code max.block.ms}, the wait for metadata when no
     * broker answers): then its item fails with a {@link KafkaSendException}. Defaults to 2 minutes.
     *
     * @param timeout the timeout, {@code > 0}
     * @return a copy with that timeout
     */
    public KafkaSinkOptions deliveryTimeout(Duration timeout) {
        Require.positive(timeout, "deliveryTimeout");
        return with(o -> o.deliveryTimeout = timeout);
    }

    /**
     * How long closing the producer at the end of a run may take to flush. Defaults to 10 s.
     *
     * @param timeout the timeout, {@code > 0}
     * @return a copy with that timeout
     */
    public KafkaSinkOptions closeTimeout(Duration timeout) {
        Require.positive(timeout, "closeTimeout");
        return with(o -> o.closeTimeout = timeout);
    }

    /**
     * Any other producer property ({@code compression.type}, {@code linger.ms},
     * {@code security.protocol}, {@code sasl.jaas.config}, ...), passed to the
     * {@code KafkaProducer} as it is. Secrets are masked in {@link #toString()} and errors. The
     * sink owns {@code acks} (all), {@code enable.idempotence} (true), {@code bootstrap.servers},
     * the serializers and {@code delivery.timeout.ms}: setting them here is refused.
     *
     * @param key a producer config key
     * @param value its value
     * @return a copy with that property
     * @throws IllegalArgumentException for a property the sink owns
     */
    public KafkaSinkOptions property(String key, Object value) {
        Require.nonBlank(key, "key");
        Require.nonNull(value, "value");
        if (List.of(ProducerConfig.ACKS_CONFIG, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG).contains(key)) {
            throw new IllegalArgumentException("property " + key + " is set by the sink: an item counts as stored only"
                    + " once every in-sync replica has it, without duplicates from retries; use the matching option instead");
        }
        return with(o -> {
            Map<String, Object> m = new LinkedHashMap<>(o.properties);
            m.put(key, value);
            o.properties = Map.copyOf(m);
        });
    }

    /**
     * The cluster's bootstrap servers.
     *
     * @return {@code host:port[,host:port...]}
     */
    public String bootstrapServers() {
        return v.bootstrapServers;
    }

    /**
     * The bound of unacknowledged sends.
     *
     * @return records
     */
    public int maxInFlight() {
        return v.maxInFlight;
    }

    /**
     * The delivery timeout.
     *
     * @return the timeout
     */
    public Duration deliveryTimeout() {
        return v.deliveryTimeout;
    }

    /**
     * The close timeout.
     *
     * @return the timeout
     */
    public Duration closeTimeout() {
        return v.closeTimeout;
    }

    /**
     * The other producer properties, as set (secrets unmasked: do not log them).
     *
     * @return an immutable map
     */
    public Map<String, Object> properties() {
        return v.properties;
    }

    @Override
    public String toString() {
        return "KafkaSinkOptions[bootstrapServers=" + v.bootstrapServers + ", maxInFlight=" + v.maxInFlight
                + ", deliveryTimeout=" + v.deliveryTimeout + ", properties=" + Configs.masked(v.properties) + "]";
    }
}
