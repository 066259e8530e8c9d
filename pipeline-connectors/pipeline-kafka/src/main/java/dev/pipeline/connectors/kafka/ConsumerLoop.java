package dev.pipeline.connectors.kafka;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import dev.pipeline.core.Delivery;
import dev.pipeline.core.PipelineException;
import dev.pipeline.core.StageContext;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.scheduler.Scheduler;

/**
 * One run of a consumer-group source: a {@code KafkaConsumer} driven by one dedicated thread of
 * its own (the client is single-threaded; its blocking calls never run on a Reactor thread).
 *
 * <p>The thread loops: pause or resume partitions by their records in flight, {@code poll},
 * hand each record downstream as a {@link Delivery}, commit the partitions whose position moved
 * (the bookkeeping is {@link Partitions}'). A record's settlement, on any thread, moves its
 * partition's tracker; the thread reads the trackers. Records go downstream through
 * {@code Flux.create}'s buffer, which never holds more than the in-flight bound plus one poll:
 * no partition is polled while its records in flight are at their bound, and none while all are.
 *
 * <p>Rebalances run inside {@code poll}, on this thread: a revoked partition waits up to the
 * grace period for its records to be done, commits, and is given up (what is still in flight is
 * abandoned: its settlement is ignored, the next owner receives it again). A run that is
 * cancelled emits nothing more, pauses every partition and goes on committing what is settled
 * until the run has ended (its items in flight finished or were cut off), all records are done,
 * or the revocation grace period is over; then it commits and closes the consumer, which
 * leaves the group.
 */
final class ConsumerLoop<K, V> implements ConsumerRebalanceListener {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final String name;
    private final KafkaSourceOptions options;
    private final Supplier<? extends Deserializer<K>> keys;
    private final Supplier<? extends Deserializer<V>> values;
    private final FluxSink<Delivery<ConsumerRecord<K, V>>> sink;
    private final Scheduler clock;
    private final StageContext ctx;
    private final Partitions partitions;
    private volatile KafkaConsumer<K, V> consumer;
    /** Downstream cancelled: emit nothing more, keep committing what settles until the run ends. */
    private volatile boolean cancelled;
    private volatile boolean runEnded;
    /** The loop ends: final commit, close. */
    private volatile boolean stopped;
    private long lastCommitAt;
    private long drainUntil = -1;
    /** When the cluster last answered (records, a commit, a metadata request), by {@link #clock}. */
    private long lastHeard;

    private ConsumerLoop(String name, KafkaSourceOptions options, Supplier<? extends Deserializer<K>> keys,
            Supplier<? extends Deserializer<V>> values, FluxSink<Delivery<ConsumerRecord<K, V>>> sink, Scheduler clock,
            StageContext ctx) {
        this.name = name;
        this.options = options;
        this.keys = keys;
        this.values = values;
        this.sink = sink;
        this.clock = clock;
        this.ctx = ctx;
        KafkaSourceStats stats = options.stats();
        this.partitions = new Partitions(options, stats != null ? stats : KafkaSourceStats.create());
    }

    /**
     * The deliveries of one run; cold: the consumer and its thread start on subscription.
     * After a cancel, records settled until {@code ctx.whenRunEnds()} completes (the run's
     * in-flight items finishing) are still committed, for at most the revocation grace period.
     * A record that cannot be deserialized goes to {@code ctx.reject}.
     */
    static <K, V> Flux<Delivery<ConsumerRecord<K, V>>> deliveries(String name, KafkaSourceOptions options,
            Supplier<? extends Deserializer<K>> keys, Supplier<? extends Deserializer<V>> values, Scheduler clock,
            StageContext ctx) {
        return Flux.create(sink -> {
            ConsumerLoop<K, V> loop = new ConsumerLoop<>(name, options, keys, values, sink, clock, ctx);
            sink.onDispose(loop::cancel);
            Thread t = new Thread(loop::run, "kafka-source-" + name + "-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            t.start();
        }, FluxSink.OverflowStrategy.BUFFER);
    }

    private void cancel() {
        cancelled = true;
        if (runEnded) {
            stop();
        }
    }

    private void runEnded() {
        runEnded = true;
        if (cancelled) {
            stop();
        }
    }

    private void stop() {
        stopped = true;
        KafkaConsumer<K, V> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    private long now() {
        return clock.now(TimeUnit.MILLISECONDS);
    }

    private String where() {
        return "Kafka at " + options.bootstrapServers() + " (topic " + String.join(",", options.topics())
                + ", group " + options.groupId() + ")";
    }

    private void run() {
        KafkaConsumer<K, V> c = null;
        try {
            c = new KafkaConsumer<>(properties(), keys.get(), values.get());
            consumer = c;
            if (stopped) {
                return;
            }
            awaitCluster(c);
            c.subscribe(options.topics(), this);
            ctx.whenRunEnds().subscribe(null, e -> runEnded(), this::runEnded);
            while (!stopped) {
                if (cancelled && drained(c)) {
                    break;
                }
                pauseOrResume(c);
                ConsumerRecords<K, V> records;
                try {
                    records = c.poll(options.pollTimeout());
                } catch (WakeupException e) {
                    continue;
                } catch (RecordDeserializationException e) {
                    reject(c, e);
                    continue;
                }
                for (ConsumerRecord<K, V> r : records) {
                    Delivery<ConsumerRecord<K, V>> d = cancelled ? null : partitions.deliver(r);
                    if (d != null) {
                        sink.next(d);
                    }
                }
                if (!records.isEmpty()) {
                    lastHeard = now();
                } else {
                    checkConnection(c);
                }
                partitions.sample();
                commit(c);
            }
            commitSync(c, partitions.all());
        } catch (Throwable e) {
            if (!stopped) {
                sink.error(mapped(e));
            } else {
                LOG.warn("source '{}': {} failed while stopping: {}", name, where(), e.toString());
            }
        } finally {
            close(c);
        }
    }

    private Properties properties() {
        Properties p = new Properties();
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "pipeline-" + name);
        p.putAll(options.properties());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, options.groupId());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, options.maxInFlightPerPartition());
        return p;
    }

    /** Fails fast with a typed error when nobody answers at the bootstrap servers. */
    private void awaitCluster(KafkaConsumer<K, V> c) {
        try {
            c.partitionsFor(options.topics().get(0), options.connectTimeout());
            lastHeard = now();
        } catch (TimeoutException e) {
            throw new KafkaUnavailableException(where() + " did not answer within " + options.connectTimeout()
                    + ": is a broker running there, and are bootstrap.servers and the security settings right?",
                    options.bootstrapServers(), String.join(",", options.topics()), options.connectTimeout(), e);
        } catch (WakeupException e) {
            // stopped while waiting: the loop ends at once
        }
    }

    /**
     * The client reconnects on its own and a poll without records says nothing: after
     * {@code connectTimeout} without a word from the cluster, ask it for metadata (a network
     * round trip), and fail with a typed error when that times out too.
     */
    private void checkConnection(KafkaConsumer<K, V> c) {
        if (now() - lastHeard < options.connectTimeout().toMillis() || stopped) {
            return;
        }
        try {
            c.listTopics(options.connectTimeout());
            lastHeard = now();
        } catch (TimeoutException e) {
            throw new KafkaUnavailableException("lost the connection to " + where() + ": no answer for "
                    + (now() - lastHeard) + " ms; records not done are received again once the source runs again",
                    options.bootstrapServers(), String.join(",", options.topics()), options.connectTimeout(), e);
        } catch (WakeupException e) {
            // stopped: the loop ends at once
        }
    }

    /**
     * A record that cannot be deserialized goes to the source's error policy: under fail-fast
     * the run fails; skipped or dead-lettered, its offset counts as done and the partition
     * goes on after it. The item is {@code topic-partition@offset}. Blocks this thread (never a
     * Reactor one) until the policy has done its work.
     */
    private void reject(KafkaConsumer<K, V> c, RecordDeserializationException e) {
        TopicPartition tp = e.topicPartition();
        String item = tp + "@" + e.offset();
        KafkaConnectorException error = new KafkaConnectorException("source '" + name + "': record " + item + " from "
                + where() + " cannot be deserialized: " + e.getMessage(), options.bootstrapServers(), tp.topic(), e);
        ctx.reject(item, error, 1).block();
        partitions.skipped(tp, e.offset());
        c.seek(tp, e.offset() + 1);
    }

    private RuntimeException mapped(Throwable e) {
        if (e instanceof KafkaConnectorException || e instanceof PipelineException) {
            return (RuntimeException) e;
        }
        return new KafkaConnectorException("source '" + name + "': " + where() + " failed: " + e, options.bootstrapServers(),
                String.join(",", options.topics()), e);
    }

    /**
     * After a cancel: pauses every partition and says whether to end now (the run ended, all
     * records are done, or the grace period is over).
     */
    private boolean drained(KafkaConsumer<K, V> c) {
        if (drainUntil < 0) {
            drainUntil = now() + options.revocationGrace().toMillis();
            c.pause(c.assignment());
        }
        return runEnded || partitions.notDone() == 0 || now() >= drainUntil;
    }

    private void pauseOrResume(KafkaConsumer<K, V> c) {
        Set<TopicPartition> pause = new HashSet<>();
        Set<TopicPartition> resume = new HashSet<>();
        partitions.pauseOrResume(pause, resume);
        if (!pause.isEmpty()) {
            c.pause(pause);
            LOG.debug("source '{}': paused {}", name, pause);
        }
        if (!resume.isEmpty()) {
            c.resume(resume);
        }
    }

    /** Commits the positions that moved, asynchronously, at most once per commit interval. */
    private void commit(KafkaConsumer<K, V> c) {
        long at = now();
        if (at - lastCommitAt < options.commitInterval().toMillis()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> m = partitions.moved(partitions.all());
        if (m.isEmpty()) {
            return;
        }
        lastCommitAt = at;
        partitions.requested(m);
        c.commitAsync(m, (offsets, error) -> {
            if (error != null) {
                partitions.failed(offsets);
                LOG.warn("source '{}': committing {} to {} failed (the next commit retries): {}", name, offsets, where(),
                        error.toString());
            } else {
                lastHeard = now();
                partitions.confirmed(offsets);
            }
        });
    }

    /** Commits the moved positions of {@code tps} and waits for the broker (revocation, end of run). */
    private void commitSync(KafkaConsumer<K, V> c, Collection<TopicPartition> tps) {
        Map<TopicPartition, OffsetAndMetadata> m = partitions.moved(tps);
        if (m.isEmpty()) {
            return;
        }
        partitions.requested(m);
        for (int attempt = 0; ; attempt++) {
            try {
                c.commitSync(m, options.closeTimeout());
                partitions.confirmed(m);
                return;
            } catch (WakeupException e) {
                if (attempt > 0) {
                    throw e;
                }
            } catch (RuntimeException e) {
                partitions.failed(m);
                LOG.warn("source '{}': committing {} to {} failed; the next owner repeats those records: {}", name, m,
                        where(), e.toString());
                return;
            }
        }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
        Map<TopicPartition, Long> positions = new HashMap<>();
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(assigned),
                    options.connectTimeout());
            for (TopicPartition tp : assigned) {
                OffsetAndMetadata om = committed.get(tp);
                positions.put(tp, om == null ? -1L : om.offset());
            }
        } catch (WakeupException e) {
            stopped = true;
        } catch (RuntimeException e) {
            LOG.warn("source '{}': reading committed offsets of {} from {} failed (records are marked redelivered): {}",
                    name, assigned, where(), e.toString());
        }
        for (TopicPartition tp : assigned) {
            positions.putIfAbsent(tp, 0L); // unknown: taken as committed on, so repeats are marked
        }
        partitions.assign(positions);
        LOG.debug("source '{}': assigned {}", name, assigned);
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
        List<TopicPartition> mine = partitions.held(revoked);
        if (mine.isEmpty()) {
            return;
        }
        if (!stopped) {
            partitions.awaitDrained(mine, options.revocationGrace().toNanos());
        }
        commitSync(consumer, mine);
        giveUp(mine, "revoked");
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> lost) {
        giveUp(partitions.held(lost), "lost");
    }

    private void giveUp(Collection<TopicPartition> tps, String why) {
        int abandoned = partitions.giveUp(tps);
        if (abandoned > 0) {
            LOG.info("source '{}': {} {} with {} records not done; their next owner receives them again", name, why, tps,
                    abandoned);
        }
    }

    private void close(KafkaConsumer<K, V> c) {
        if (c != null) {
            try {
                c.close(CloseOptions.timeout(options.closeTimeout()));
            } catch (RuntimeException e) {
                LOG.warn("source '{}': closing the consumer of {} failed: {}", name, where(), e.toString());
            }
        }
        giveUp(partitions.all(), "closed");
        partitions.sample();
    }
}
