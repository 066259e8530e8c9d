package dev.pipeline.connectors.kafka;

import java.time.Duration;
import java.util.ArrayList;
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

import dev.pipeline.connectors.kafka.internal.OffsetTracker;
import dev.pipeline.core.Delivery;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * One run of a consumer-group source: a {@code KafkaConsumer} driven by one dedicated thread of
 * its own (the client is single-threaded; its blocking calls never run on a Reactor thread).
 *
 * <p>The thread loops: pause or resume partitions by their records in flight, {@code poll},
 * hand each record downstream as a {@link Delivery}, commit the partitions whose position moved.
 * A record's settlement (on any thread) moves its partition's {@link OffsetTracker}; the
 * thread reads the trackers. Records go downstream through {@code Flux.create}'s buffer, which
 * never holds more than the in-flight bound plus one poll: no partition is polled while its
 * records in flight are at their bound, and none while all are.
 *
 * <p>Rebalances run inside {@code poll}, on this thread: a revoked partition waits up to the
 * grace period for its records to be done, commits, and closes its tracker (what is still in
 * flight is abandoned: its settlement is ignored, the next owner receives it again). A run
 * that is cancelled emits nothing more, pauses every partition and goes on committing what is
 * settled until the run has ended (its items in flight finished or were cut off), all records
 * are done, or the revocation grace period is over; then it commits and closes the consumer,
 * which leaves the group.
 */
final class ConsumerLoop<K, V> implements ConsumerRebalanceListener {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    /** What the loop knows of one assigned partition; loop thread only, except the tracker. */
    private static final class Assigned {
        final OffsetTracker tracker = new OffsetTracker();
        /** The group had a committed offset when the partition was assigned. */
        final boolean hadCommit;
        /** The last position this loop asked to commit, and the last one the broker confirmed. */
        long requested;
        long committed;
        final long committedAtStart;
        boolean paused;

        Assigned(long committedAtStart) {
            this.hadCommit = committedAtStart >= 0;
            this.committedAtStart = committedAtStart;
            this.requested = committedAtStart;
            this.committed = committedAtStart;
        }

        /**
         * Until this loop's first commit on a partition the group had committed on, a record
         * may have been seen by the partition's previous owner after its last commit.
         */
        boolean firstWindow() {
            return hadCommit && committed == committedAtStart;
        }
    }

    private final String name;
    private final KafkaSourceOptions options;
    private final Supplier<? extends Deserializer<K>> keys;
    private final Supplier<? extends Deserializer<V>> values;
    private final FluxSink<Delivery<ConsumerRecord<K, V>>> sink;
    private final KafkaSourceStats stats;
    private final Scheduler clock;
    private final Map<TopicPartition, Assigned> assigned = new HashMap<>();
    /** Per partition, the highest offset this run emitted: anything at or below it again is a repeat. */
    private final Map<TopicPartition, Long> highestEmitted = new HashMap<>();
    private final Mono<Void> runEnds;
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
            Mono<Void> runEnds) {
        this.runEnds = runEnds;
        this.name = name;
        this.options = options;
        this.keys = keys;
        this.values = values;
        this.sink = sink;
        this.clock = clock;
        KafkaSourceStats s = options.stats();
        this.stats = s != null ? s : KafkaSourceStats.create();
    }

    /**
     * The deliveries of one run; cold: the consumer and its thread start on subscription.
     * After a cancel, records settled until {@code runEnds} completes (the run's in-flight
     * items finishing) are still committed, for at most the revocation grace period.
     */
    static <K, V> Flux<Delivery<ConsumerRecord<K, V>>> deliveries(String name, KafkaSourceOptions options,
            Supplier<? extends Deserializer<K>> keys, Supplier<? extends Deserializer<V>> values, Scheduler clock,
            Mono<Void> runEnds) {
        return Flux.create(sink -> {
            ConsumerLoop<K, V> loop = new ConsumerLoop<>(name, options, keys, values, sink, clock, runEnds);
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
            runEnds.subscribe(null, e -> runEnded(), this::runEnded);
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
                }
                for (ConsumerRecord<K, V> r : records) {
                    emit(r);
                }
                if (!records.isEmpty()) {
                    lastHeard = clock.now(TimeUnit.MILLISECONDS);
                } else {
                    checkConnection(c);
                }
                sample();
                commit(c, false);
            }
            commitAtEnd(c);
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
            lastHeard = clock.now(TimeUnit.MILLISECONDS);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
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
        long now = clock.now(TimeUnit.MILLISECONDS);
        if (now - lastHeard < options.connectTimeout().toMillis() || stopped) {
            return;
        }
        try {
            c.listTopics(options.connectTimeout());
            lastHeard = clock.now(TimeUnit.MILLISECONDS);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new KafkaUnavailableException("lost the connection to " + where() + ": no answer for "
                    + (clock.now(TimeUnit.MILLISECONDS) - lastHeard) + " ms; records not done are received again once"
                    + " the source runs again", options.bootstrapServers(), String.join(",", options.topics()),
                    options.connectTimeout(), e);
        } catch (WakeupException e) {
            // stopped: the loop ends at once
        }
    }

    private RuntimeException mapped(Throwable e) {
        if (e instanceof KafkaConnectorException k) {
            return k;
        }
        return new KafkaConnectorException("source '" + name + "': " + where() + " failed: " + e, options.bootstrapServers(),
                String.join(",", options.topics()), e);
    }

    /**
     * After a cancel: pauses every partition and says whether to end now (the run ended, all
     * records are done, or the grace period is over).
     */
    private boolean drained(KafkaConsumer<K, V> c) {
        long now = clock.now(TimeUnit.MILLISECONDS);
        if (drainUntil < 0) {
            drainUntil = now + options.revocationGrace().toMillis();
            c.pause(c.assignment());
        }
        int inFlight = 0;
        for (Assigned a : assigned.values()) {
            inFlight += a.tracker.inFlight() - a.tracker.behindGap();
        }
        return runEnded || inFlight == 0 || now >= drainUntil;
    }

    private void emit(ConsumerRecord<K, V> r) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        Assigned a = assigned.get(tp);
        if (a == null || cancelled) {
            return; // revoked while the poll ran, or nobody takes it any more: the next owner receives it
        }
        Long highest = highestEmitted.get(tp);
        boolean redelivered = (highest != null && r.offset() <= highest) || a.firstWindow();
        highestEmitted.put(tp, highest == null ? r.offset() : Math.max(highest, r.offset()));
        OffsetTracker tracker = a.tracker;
        long offset = r.offset();
        tracker.emitted(offset);
        stats.received(redelivered);
        sink.next(Delivery.of(r, redelivered, how -> tracker.settle(offset)));
    }

    private void pauseOrResume(KafkaConsumer<K, V> c) {
        int total = 0;
        for (Assigned a : assigned.values()) {
            total += a.tracker.inFlight();
        }
        int perPartition = options.maxInFlightPerPartition();
        int all = options.maxInFlight();
        Set<TopicPartition> pause = new HashSet<>();
        Set<TopicPartition> resume = new HashSet<>();
        for (Map.Entry<TopicPartition, Assigned> e : assigned.entrySet()) {
            Assigned a = e.getValue();
            int mine = a.tracker.inFlight();
            if (!a.paused && (mine >= perPartition || total >= all)) {
                a.paused = true;
                pause.add(e.getKey());
            } else if (a.paused && mine <= perPartition / 2 && total <= all / 2) {
                a.paused = false;
                resume.add(e.getKey());
            }
        }
        if (!pause.isEmpty()) {
            c.pause(pause);
            stats.paused(pause.size());
            LOG.debug("source '{}': paused {} ({} records in flight)", name, pause, total);
        }
        if (!resume.isEmpty()) {
            c.resume(resume);
        }
    }

    private void sample() {
        long inFlight = 0;
        long behind = 0;
        long maxBehind = 0;
        for (Assigned a : assigned.values()) {
            inFlight += a.tracker.inFlight();
            behind += a.tracker.behindGap();
            maxBehind = Math.max(maxBehind, a.tracker.maxBehindGap());
        }
        stats.sample(inFlight, behind, maxBehind);
    }

    /** The positions that moved since they were last asked to be committed. */
    private Map<TopicPartition, OffsetAndMetadata> moved(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> m = new HashMap<>();
        for (TopicPartition tp : partitions) {
            Assigned a = assigned.get(tp);
            if (a == null) {
                continue;
            }
            long pos = a.tracker.position();
            if (pos > a.requested) {
                m.put(tp, new OffsetAndMetadata(pos));
            }
        }
        return m;
    }

    private void commit(KafkaConsumer<K, V> c, boolean now) {
        long at = clock.now(TimeUnit.MILLISECONDS);
        if (!now && at - lastCommitAt < options.commitInterval().toMillis()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> m = moved(assigned.keySet());
        if (m.isEmpty()) {
            return;
        }
        lastCommitAt = at;
        m.forEach((tp, om) -> assigned.get(tp).requested = om.offset());
        c.commitAsync(m, (offsets, error) -> {
            if (error != null) {
                stats.commitFailed();
                LOG.warn("source '{}': committing {} to {} failed (the next commit retries): {}", name, offsets, where(),
                        error.toString());
                offsets.forEach((tp, om) -> {
                    Assigned a = assigned.get(tp);
                    if (a != null && a.requested == om.offset()) {
                        a.requested = a.committed;
                    }
                });
            } else {
                lastHeard = clock.now(TimeUnit.MILLISECONDS);
                offsets.forEach((tp, om) -> confirmed(tp, om.offset()));
            }
        });
    }

    private void confirmed(TopicPartition tp, long offset) {
        Assigned a = assigned.get(tp);
        if (a != null && offset > a.committed) {
            stats.committed(offset - Math.max(a.committed, 0));
            a.committed = offset;
        }
    }

    /** Commits {@code partitions}' moved positions and waits for the broker (revocation, end of run). */
    private void commitSync(KafkaConsumer<K, V> c, Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> m = moved(partitions);
        if (m.isEmpty()) {
            return;
        }
        for (int attempt = 0; ; attempt++) {
            try {
                c.commitSync(m, options.closeTimeout());
                m.forEach((tp, om) -> {
                    assigned.get(tp).requested = om.offset();
                    confirmed(tp, om.offset());
                });
                return;
            } catch (WakeupException e) {
                if (attempt > 0) {
                    throw e;
                }
            } catch (RuntimeException e) {
                stats.commitFailed();
                LOG.warn("source '{}': committing {} to {} failed; the next owner repeats those records: {}", name, m,
                        where(), e.toString());
                return;
            }
        }
    }

    private void commitAtEnd(KafkaConsumer<K, V> c) {
        commitSync(c, new ArrayList<>(assigned.keySet()));
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        KafkaConsumer<K, V> c = consumer;
        Map<TopicPartition, OffsetAndMetadata> committed = Map.of();
        try {
            committed = c.committed(new HashSet<>(partitions), options.connectTimeout());
        } catch (WakeupException e) {
            stopped = true;
        } catch (RuntimeException e) {
            LOG.warn("source '{}': reading committed offsets of {} from {} failed (records are marked redelivered): {}",
                    name, partitions, where(), e.toString());
            committed = null;
        }
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata om = committed == null ? new OffsetAndMetadata(0) : committed.get(tp);
            assigned.put(tp, new Assigned(om == null ? -1 : om.offset()));
        }
        LOG.debug("source '{}': assigned {}", name, partitions);
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        List<TopicPartition> mine = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            if (assigned.containsKey(tp)) {
                mine.add(tp);
            }
        }
        if (mine.isEmpty()) {
            return;
        }
        if (!stopped) {
            long left = options.revocationGrace().toNanos();
            try {
                for (TopicPartition tp : mine) {
                    left = assigned.get(tp).tracker.awaitDrained(left);
                    if (left <= 0) {
                        break;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        commitSync(consumer, mine);
        giveUp(mine, "revoked");
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        giveUp(partitions, "lost");
    }

    private void giveUp(Collection<TopicPartition> partitions, String why) {
        int abandoned = 0;
        for (TopicPartition tp : partitions) {
            Assigned a = assigned.remove(tp);
            if (a != null) {
                abandoned += a.tracker.close();
            }
        }
        if (abandoned > 0) {
            stats.abandoned(abandoned);
            LOG.info("source '{}': {} {} with {} records not done; their next owner receives them again", name, why,
                    partitions, abandoned);
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
        giveUp(new ArrayList<>(assigned.keySet()), "closed");
        sample();
    }
}
