package dev.pipeline.connectors.kafka;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.pipeline.connectors.internal.Require;
import dev.pipeline.core.Sink;
import dev.pipeline.core.StageContext;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Kafka topics as sinks: a {@code KafkaProducer} with {@code acks=all} and idempotence on, one
 * per run. An item counts as stored once the broker acknowledged its record (every in-sync
 * replica has it); at most {@link KafkaSinkOptions#maxInFlight maxInFlight} records await
 * their acknowledgement at once. The run's result is the number of records stored.
 *
 * <pre>{@code
 * Sink<Order, Long> publish = KafkaSinks.strings("orders", KafkaSinkOptions.of("127.0.0.1:9092"),
 *         Order::id, Order::toJson);
 * }</pre>
 *
 * <p><b>Errors when</b> a record is not acknowledged within
 * {@link KafkaSinkOptions#deliveryTimeout deliveryTimeout} (no broker, a missing topic, a
 * refused write) or the item cannot be turned into a record: the item fails with a
 * {@link KafkaSendException} naming the servers and topic, and goes to the sink's
 * {@link Sink#onError error policy}. <b>On cancel</b> the producer is closed, waiting up to
 * {@link KafkaSinkOptions#closeTimeout closeTimeout} for the records already handed to it. <b>Thread</b> records are handed to the producer on a thread of
 * the run's own ({@code kafka-sink-<name>-N}: {@code send} may block while it waits for
 * metadata or buffer space), in the order the items arrive; acknowledgements come on the
 * producer's I/O thread. Cold: the producer is made when the run subscribes, and closed when
 * it ends.
 */
public final class KafkaSinks {

    private static final AtomicInteger THREADS = new AtomicInteger();

    private KafkaSinks() {
    }

    /**
     * A sink that sends each item as the record {@code toRecord} makes of it, its key and value
     * serialized by fresh serializers for each run (the producer closes them at its end). Named
     * {@code kafka}; rename it with {@link Sink#named}.
     *
     * @param options where, the bounds
     * @param toRecord makes an item's record (topic, key, value, headers); must not block
     * @param keys makes the key serializer of one run
     * @param values makes the value serializer of one run
     * @param <T> the item type
     * @param <K> the key type
     * @param <V> the value type
     * @return the sink, whose result is the number of records stored
     */
    public static <T, K, V> Sink<T, Long> send(KafkaSinkOptions options, Function<? super T, ProducerRecord<K, V>> toRecord,
            Supplier<? extends Serializer<K>> keys, Supplier<? extends Serializer<V>> values) {
        Require.nonNull(options, "options");
        Require.nonNull(toRecord, "toRecord");
        Require.nonNull(keys, "keys");
        Require.nonNull(values, "values");
        return Sink.create("kafka", (items, ctx) -> run(options, toRecord, keys, values, items, ctx));
    }

    /**
     * A sink that sends each item to {@code topic} with a UTF-8 string key and value, the
     * partition chosen by the key. Named {@code kafka(topic)}.
     *
     * @param topic the topic
     * @param options where, the bounds
     * @param key the item's key (null for none: records spread over the partitions)
     * @param value the item's value
     * @param <T> the item type
     * @return the sink, whose result is the number of records stored
     */
    public static <T> Sink<T, Long> strings(String topic, KafkaSinkOptions options, Function<? super T, String> key,
            Function<? super T, String> value) {
        Require.nonBlank(topic, "topic");
        Require.nonNull(key, "key");
        Require.nonNull(value, "value");
        return KafkaSinks.<T, String, String>send(options, item -> new ProducerRecord<>(topic, key.apply(item), value.apply(item)),
                StringSerializer::new, StringSerializer::new).named("kafka(" + topic + ")");
    }

    private static <T, K, V> Mono<Long> run(KafkaSinkOptions options, Function<? super T, ProducerRecord<K, V>> toRecord,
            Supplier<? extends Serializer<K>> keys, Supplier<? extends Serializer<V>> values, Flux<T> items, StageContext ctx) {
        return Mono.usingWhen(
                Mono.fromCallable(() -> new Producing<>(ctx.name(), options, keys, values)).subscribeOn(Schedulers.boundedElastic()),
                p -> items.publishOn(p.thread, Math.min(256, options.maxInFlight()))
                        .flatMap(item -> p.send(item, toRecord, ctx), options.maxInFlight())
                        .count(),
                p -> p.close(),
                (p, e) -> p.close(),
                p -> p.close());
    }

    /** One run's producer and the thread that hands it records. */
    private static final class Producing<K, V> {
        final KafkaSinkOptions options;
        final KafkaProducer<K, V> producer;
        final ExecutorService executor;
        final Scheduler thread;

        Producing(String name, KafkaSinkOptions options, Supplier<? extends Serializer<K>> keys,
                Supplier<? extends Serializer<V>> values) {
            this.options = options;
            Properties p = new Properties();
            p.put(ProducerConfig.CLIENT_ID_CONFIG, "pipeline-" + name);
            p.putAll(options.properties());
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            int timeout = (int) Math.min(Integer.MAX_VALUE, options.deliveryTimeout().toMillis());
            p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeout);
            p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout);
            int linger = Integer.parseInt(String.valueOf(p.getOrDefault(ProducerConfig.LINGER_MS_CONFIG, "5")));
            int request = Integer.parseInt(String.valueOf(p.getOrDefault(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "30000")));
            if (timeout < linger + request) {
                p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(1, timeout - linger));
            }
            try {
                this.producer = new KafkaProducer<>(p, keys.get(), values.get());
            } catch (org.apache.kafka.common.KafkaException e) {
                throw new KafkaConnectorException("sink '" + name + "': cannot create a producer for Kafka at "
                        + options.bootstrapServers() + ": " + e.getMessage(), options.bootstrapServers(), null, e);
            }
            String threadName = "kafka-sink-" + name + "-" + THREADS.incrementAndGet();
            this.executor = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, threadName);
                t.setDaemon(true);
                return t;
            });
            this.thread = Schedulers.fromExecutorService(executor, threadName);
        }

        <T> Mono<Long> send(T item, Function<? super T, ProducerRecord<K, V>> toRecord, StageContext ctx) {
            Mono<Long> one = Mono.<Long>create(s -> {
                ProducerRecord<K, V> record;
                try {
                    record = toRecord.apply(item);
                } catch (RuntimeException e) {
                    s.error(e);
                    return;
                }
                try {
                    producer.send(record, (md, e) -> {
                        if (e == null) {
                            ctx.completed(List.of(item)); // acks of different partitions come in any order
                            s.success(1L);
                        } else {
                            s.error(failed(record, e));
                        }
                    });
                } catch (RuntimeException e) {
                    s.error(failed(record, e));
                }
            });
            return ctx.guard(one).onErrorResume(e -> ctx.reject(item, e, 1).then(Mono.empty()));
        }

        private KafkaSendException failed(ProducerRecord<K, V> record, Exception e) {
            String partition = record.partition() == null ? "" : " partition " + record.partition();
            return new KafkaSendException("send to topic '" + record.topic() + "'" + partition + " at Kafka "
                    + options.bootstrapServers() + " failed: " + e, options.bootstrapServers(), record.topic(),
                    record.partition() == null ? -1 : record.partition(), e);
        }

        Mono<Void> close() {
            return Mono.<Void>fromRunnable(() -> {
                try {
                    producer.close(options.closeTimeout());
                } finally {
                    thread.dispose();
                    executor.shutdown();
                }
            }).subscribeOn(Schedulers.boundedElastic());
        }
    }
}
