package dev.pipeline.connectors.kafka;

import java.util.function.Supplier;

import dev.pipeline.connectors.internal.Require;
import dev.pipeline.core.Source;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import reactor.core.scheduler.Schedulers;

/**
 * Kafka topics as {@link Source#acknowledged acknowledged sources}: a consumer group whose
 * offsets are committed, per partition, only up to the first record that has not left the
 * pipeline yet. At-least-once: a run that is cancelled or dies leaves every record that was
 * not done to be received again, by the next run or by another member of the group.
 *
 * <pre>{@code
 * KafkaSourceOptions options = KafkaSourceOptions.of("127.0.0.1:9092", "billing", "orders");
 * Source<ConsumerRecord<String, String>> orders = KafkaSources.strings("orders", options);
 * Pipeline<Void> billing = Pipeline.from(orders)
 *         .then(Stage.mapAsync("bill", r -> biller.charge(r.value())))
 *         .to(Sink.forEachAsync("store", bill -> repository.upsert(bill)));   // keyed: repeats are harmless
 * billing.start();
 * }</pre>
 *
 * <p><b>Commits.</b> Records are done in any order (concurrent stages, retries); a record done
 * while an earlier one of its partition is still in flight waits behind that gap, and its
 * offset is committed only once the gap closes ({@link KafkaSourceStats#behindGap()} counts
 * them). Commits are asynchronous, at most one per
 * {@link KafkaSourceOptions#commitInterval commitInterval}; a revoked partition and the end of
 * a run commit synchronously.
 *
 * <p><b>Backpressure.</b> A partition whose records in flight reach
 * {@link KafkaSourceOptions#maxInFlightPerPartition maxInFlightPerPartition} is paused, all
 * are paused at {@link KafkaSourceOptions#maxInFlight maxInFlight}, and a paused partition is
 * resumed once half of them are done: a slow pipeline holds a bounded number of records
 * (and a crash repeats at most that many).
 *
 * <p><b>Rebalances.</b> A revoked partition waits up to
 * {@link KafkaSourceOptions#revocationGrace revocationGrace} for its records in flight, commits
 * what is done, and is given up; records still in flight then are abandoned (their settlement
 * is ignored) and its next owner receives them again.
 *
 * <p><b>Redelivered.</b> A record is marked {@link dev.pipeline.core.Delivery#redelivered()
 * redelivered} when it may have been processed before: its offset is at or below one this run
 * already emitted on its partition, or it came after the partition was assigned and before
 * this run's first commit on it while the group had a committed offset for it (a previous owner
 * may have processed it after its last commit). A partition the group never committed on is
 * taken as never seen. So repeats are always marked, and marks are bounded by the in-flight
 * window of each assignment.
 *
 * <p><b>Thread.</b> Each run drives its {@code KafkaConsumer} from one dedicated thread of its
 * own ({@code kafka-source-<name>-N}), which may block on the client; no Reactor thread does.
 * Items are emitted on that thread. Cold: nothing connects until the run subscribes.
 */
public final class KafkaSources {

    private KafkaSources() {
    }

    /**
     * A consumer-group source of records with keys and values deserialized by fresh
     * deserializers for each run (the consumer closes them at its end).
     *
     * <pre>{@code
     * Source<ConsumerRecord<String, byte[]>> images = KafkaSources.records("images", options,
     *         StringDeserializer::new, ByteArrayDeserializer::new);
     * }</pre>
     *
     * <b>Emits when</b> a poll returns records and their partition is below its in-flight bound.
     * <b>Completes when</b> never: the run stops it. <b>Errors when</b> the cluster does not
     * answer within {@link KafkaSourceOptions#connectTimeout connectTimeout} at the start, or
     * stops answering for that long while the run goes on ({@link KafkaUnavailableException}:
     * records not done are received again by the next run), or the client fails ({@link KafkaConnectorException},
     * e.g. authentication or authorization). A record that cannot be deserialized goes to the
     * source's {@link Source#onError error policy} as the item {@code topic-partition@offset}:
     * fail-fast (the default) fails the run; skipped or dead-lettered, its offset counts as done
     * and the partition goes on after it. <b>On cancel</b> emits nothing more, keeps
     * committing what the run still settles until the run has ended (at most
     * {@link KafkaSourceOptions#revocationGrace revocationGrace}), then commits, closes the
     * consumer and leaves the group. <b>Thread</b> the run's own consumer thread.
     *
     * @param name the source's name
     * @param options where, which group and topics, the bounds
     * @param keys makes the key deserializer of one run
     * @param values makes the value deserializer of one run
     * @param <K> the key type
     * @param <V> the value type
     * @return the source
     */
    public static <K, V> Source<ConsumerRecord<K, V>> records(String name, KafkaSourceOptions options,
            Supplier<? extends Deserializer<K>> keys, Supplier<? extends Deserializer<V>> values) {
        Require.nonBlank(name, "name");
        Require.nonNull(options, "options");
        Require.nonNull(keys, "keys");
        Require.nonNull(values, "values");
        return Source.acknowledged(name,
                ctx -> ConsumerLoop.deliveries(name, options, keys, values, Schedulers.parallel(), ctx));
    }

    /**
     * A consumer-group source of records with UTF-8 string keys and values, as
     * {@link #records records} with {@link StringDeserializer}s.
     *
     * @param name the source's name
     * @param options where, which group and topics, the bounds
     * @return the source
     */
    public static Source<ConsumerRecord<String, String>> strings(String name, KafkaSourceOptions options) {
        return records(name, options, StringDeserializer::new, StringDeserializer::new);
    }
}
