package dev.pipeline.connectors.kafka;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.pipeline.connectors.internal.Fields;
import dev.pipeline.connectors.internal.Require;
import dev.pipeline.connectors.kafka.internal.Configs;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * Options for a {@link KafkaSources consumer-group source}: where the broker is, the group and
 * topics, and the in-flight bounds that pause partitions for backpressure. Immutable: each
 * option method returns a changed copy, so one value can serve as a template; each option's
 * value is read back by the method of the same name without arguments.
 *
 * <pre>{@code
 * KafkaSourceOptions orders = KafkaSourceOptions.of("127.0.0.1:9092", "billing", "orders")
 *         .maxInFlightPerPartition(200)
 *         .revocationGrace(Duration.ofSeconds(5))
 *         .property("security.protocol", "SASL_SSL");
 * }</pre>
 */
public final class KafkaSourceOptions {

    /** Default bound of records in flight per partition. */
    public static final int DEFAULT_MAX_IN_FLIGHT_PER_PARTITION = 500;
    /** Default bound of records in flight over all partitions. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 2000;

    /** The options' values; the field initializers are the defaults. */
    private static final class Values extends Fields<Values> {
        String bootstrapServers;
        String groupId;
        List<String> topics;
        /** Null until set: the default, or maxInFlight when that is lower. */
        Integer maxInFlightPerPartition;
        int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
        Duration pollTimeout = Duration.ofMillis(100);
        Duration commitInterval = Duration.ofMillis(200);
        Duration revocationGrace = Duration.ofSeconds(10);
        Duration connectTimeout = Duration.ofSeconds(30);
        Duration closeTimeout = Duration.ofSeconds(10);
        Map<String, Object> properties = Map.of();
        KafkaSourceStats stats;

        @Override
        protected void check() {
            if (maxInFlightPerPartition != null && maxInFlightPerPartition > maxInFlight) {
                throw new IllegalArgumentException("KafkaSourceOptions: maxInFlightPerPartition (" + maxInFlightPerPartition
                        + ") exceeds maxInFlight (" + maxInFlight + "); lower the first or raise the second");
            }
        }
    }

    private final Values v;

    private KafkaSourceOptions(Values v) {
        this.v = v;
    }

    private KafkaSourceOptions with(Consumer<Values> change) {
        return new KafkaSourceOptions(v.with(change));
    }

    /**
     * Options to consume {@code topics} as consumer group {@code groupId} from the cluster at
     * {@code bootstrapServers}, with the defaults listed on each option.
     *
     * @param bootstrapServers {@code host:port[,host:port...]}, Kafka's {@code bootstrap.servers}
     * @param groupId the consumer group: instances of a pipeline with the same group share the partitions
     * @param topics one or more topics
     * @return the options
     */
    public static KafkaSourceOptions of(String bootstrapServers, String groupId, String... topics) {
        Require.nonBlank(bootstrapServers, "bootstrapServers");
        Require.nonBlank(groupId, "groupId");
        Require.nonNull(topics, "topics");
        if (topics.length == 0) {
            throw new IllegalArgumentException("topics must name at least one topic");
        }
        for (String t : topics) {
            Require.nonBlank(t, "topic");
        }
        List<String> list = List.of(topics);
        return new KafkaSourceOptions(new Values().with(o -> {
            o.bootstrapServers = bootstrapServers;
            o.groupId = groupId;
            o.topics = list;
        }));
    }

    /**
     * The most records of one partition that may be in flight (emitted, not yet done) or done
     * behind an earlier record still in flight; at the bound the partition is paused, and it
     * is resumed once half of them are done. This bounds, per partition, what a crash repeats;
     * it is also the consumer's {@code max.poll.records}. Defaults to
     * {@value #DEFAULT_MAX_IN_FLIGHT_PER_PARTITION}, or {@link #maxInFlight(int) maxInFlight}
     * when that is lower.
     *
     * @param records the bound, {@code > 0}, at most {@link #maxInFlight(int) maxInFlight}
     * @return a copy with that bound
     */
    public KafkaSourceOptions maxInFlightPerPartition(int records) {
        Require.positive(records, "maxInFlightPerPartition");
        return with(o -> o.maxInFlightPerPartition = records);
    }

    /**
     * The most records in flight over all partitions: at the bound every partition is paused.
     * A poll returns at most {@code maxInFlightPerPartition} records, so the source holds at
     * most {@code maxInFlight + maxInFlightPerPartition} records. Defaults to
     * {@value #DEFAULT_MAX_IN_FLIGHT}.
     *
     * @param records the bound, {@code > 0}
     * @return a copy with that bound
     */
    public KafkaSourceOptions maxInFlight(int records) {
        Require.positive(records, "maxInFlight");
        return with(o -> o.maxInFlight = records);
    }

    /**
     * How long one {@code poll} waits for records; also how soon paused partitions are resumed
     * after records are done. Defaults to 100 ms.
     *
     * @param timeout the poll timeout, {@code > 0}
     * @return a copy with that timeout
     */
    public KafkaSourceOptions pollTimeout(Duration timeout) {
        Require.positive(timeout, "pollTimeout");
        return with(o -> o.pollTimeout = timeout);
    }

    /**
     * The shortest time between two asynchronous offset commits while records are done
     * (revocation and the end of a run commit at once). Defaults to 200 ms.
     *
     * @param interval the interval, {@code >= 0}
     * @return a copy with that interval
     */
    public KafkaSourceOptions commitInterval(Duration interval) {
        Require.nonNegative(interval, "commitInterval");
        return with(o -> o.commitInterval = interval);
    }

    /**
     * How long a revoked partition waits for its records in flight to be done before it is
     * given up (those still in flight then are abandoned: their settlement is ignored and the
     * partition's next owner receives them again). Must stay well below the consumer's
     * {@code max.poll.interval.ms}. Defaults to 10 s.
     *
     * @param grace the grace period, {@code >= 0}
     * @return a copy with that grace period
     */
    public KafkaSourceOptions revocationGrace(Duration grace) {
        Require.nonNegative(grace, "revocationGrace");
        return with(o -> o.revocationGrace = grace);
    }

    /**
     * How long the source waits for the cluster to answer when it starts, and how long it goes
     * on without a word from it during the run (then it asks for metadata, waiting as long
     * again), before it fails with a {@link KafkaUnavailableException}. Defaults to 30 s.
     *
     * @param timeout the timeout, {@code > 0}
     * @return a copy with that timeout
     */
    public KafkaSourceOptions connectTimeout(Duration timeout) {
        Require.positive(timeout, "connectTimeout");
        return with(o -> o.connectTimeout = timeout);
    }

    /**
     * How long closing the consumer (final commit, leaving the group) may take when the run
     * ends. Defaults to 10 s.
     *
     * @param timeout the timeout, {@code > 0}
     * @return a copy with that timeout
     */
    public KafkaSourceOptions closeTimeout(Duration timeout) {
        Require.positive(timeout, "closeTimeout");
        return with(o -> o.closeTimeout = timeout);
    }

    /**
     * Any other consumer property ({@code security.protocol}, {@code sasl.jaas.config},
     * {@code auto.offset.reset}, ...), passed to the {@code KafkaConsumer} as it is. Secrets
     * are masked in {@link #toString()} and errors. {@code auto.offset.reset} defaults to
     * {@code earliest}. The source owns {@code enable.auto.commit} (always false),
     * {@code bootstrap.servers}, {@code group.id}, the deserializers and {@code max.poll.records}:
     * setting them here is refused.
     *
     * @param key a consumer config key
     * @param value its value
     * @return a copy with that property
     * @throws IllegalArgumentException for a property the source owns
     */
    public KafkaSourceOptions property(String key, Object value) {
        Require.nonBlank(key, "key");
        Require.nonNull(value, "value");
        if (List.of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                ConsumerConfig.GROUP_ID_CONFIG, ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ConsumerConfig.MAX_POLL_RECORDS_CONFIG).contains(key)) {
            throw new IllegalArgumentException("property " + key + " is set by the source: "
                    + "offsets are committed only for records that left the pipeline; use the matching option instead");
        }
        return with(o -> {
            Map<String, Object> m = new LinkedHashMap<>(o.properties);
            m.put(key, value);
            o.properties = Map.copyOf(m);
        });
    }

    /**
     * Counters to update as the source runs (records, commits, gaps, pauses, abandoned
     * records), added up over every run of the source. Not set by default.
     *
     * @param stats the counters
     * @return a copy that updates them
     */
    public KafkaSourceOptions stats(KafkaSourceStats stats) {
        Require.nonNull(stats, "stats");
        return with(o -> o.stats = stats);
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
     * The consumer group.
     *
     * @return the group id
     */
    public String groupId() {
        return v.groupId;
    }

    /**
     * The topics.
     *
     * @return an immutable list
     */
    public List<String> topics() {
        return v.topics;
    }

    /**
     * The in-flight bound per partition.
     *
     * @return records
     */
    public int maxInFlightPerPartition() {
        return v.maxInFlightPerPartition != null ? v.maxInFlightPerPartition
                : Math.min(DEFAULT_MAX_IN_FLIGHT_PER_PARTITION, v.maxInFlight);
    }

    /**
     * The in-flight bound over all partitions.
     *
     * @return records
     */
    public int maxInFlight() {
        return v.maxInFlight;
    }

    /**
     * The poll timeout.
     *
     * @return the timeout
     */
    public Duration pollTimeout() {
        return v.pollTimeout;
    }

    /**
     * The commit interval.
     *
     * @return the interval
     */
    public Duration commitInterval() {
        return v.commitInterval;
    }

    /**
     * The revocation grace period.
     *
     * @return the grace period
     */
    public Duration revocationGrace() {
        return v.revocationGrace;
    }

    /**
     * The connect timeout.
     *
     * @return the timeout
     */
    public Duration connectTimeout() {
        return v.connectTimeout;
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
     * The other consumer properties, as set (secrets unmasked: do not log them).
     *
     * @return an immutable map
     */
    public Map<String, Object> properties() {
        return v.properties;
    }

    /**
     * The counters the source updates.
     *
     * @return the counters, or null when not set
     */
    public KafkaSourceStats stats() {
        return v.stats;
    }

    @Override
    public String toString() {
        return "KafkaSourceOptions[bootstrapServers=" + v.bootstrapServers + ", groupId=" + v.groupId + ", topics=" + v.topics
                + ", maxInFlightPerPartition=" + maxInFlightPerPartition() + ", maxInFlight=" + v.maxInFlight
                + ", revocationGrace=" + v.revocationGrace + ", properties=" + Configs.masked(v.properties) + "]";
    }
}
