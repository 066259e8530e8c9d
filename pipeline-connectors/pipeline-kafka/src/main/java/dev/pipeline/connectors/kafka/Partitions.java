package dev.pipeline.connectors.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.pipeline.connectors.kafka.internal.OffsetTracker;
import dev.pipeline.core.Delivery;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The partitions one consumer holds, with what it knows of each: its {@link OffsetTracker},
 * the positions asked to be committed and confirmed, whether it is paused. Used by the
 * consumer's own thread only; the trackers alone are also settled from other threads.
 *
 * <p>Redelivered, decided here: a record is a possible repeat when its offset is at or below
 * the highest this run emitted on its partition (seen again after a rebalance), or when it
 * comes after an assignment and before this consumer's first commit on a partition that the
 * group had committed on (the previous owner may have processed it after its last commit).
 */
final class Partitions {

    /** One assigned partition. */
    private static final class Held {
        final OffsetTracker tracker = new OffsetTracker();
        /** The group's committed position when the partition was assigned, -1 for none. */
        final long committedAtStart;
        /** The last position asked to be committed, and the last one the broker confirmed. */
        long requested;
        long committed;
        boolean paused;

        Held(long committedAtStart) {
            this.committedAtStart = committedAtStart;
            this.requested = committedAtStart;
            this.committed = committedAtStart;
        }

        boolean beforeFirstCommit() {
            return committedAtStart >= 0 && committed == committedAtStart;
        }
    }

    private final KafkaSourceOptions options;
    private final KafkaSourceStats stats;
    private final Map<TopicPartition, Held> held = new HashMap<>();
    private final Map<TopicPartition, Long> highestEmitted = new HashMap<>();

    Partitions(KafkaSourceOptions options, KafkaSourceStats stats) {
        this.options = options;
        this.stats = stats;
    }

    /** Takes partitions over, each with the group's committed position (-1 for none). */
    void assign(Map<TopicPartition, Long> committed) {
        committed.forEach((tp, position) -> held.put(tp, new Held(position)));
    }

    /** The partitions held. */
    List<TopicPartition> all() {
        return new ArrayList<>(held.keySet());
    }

    /** Of {@code partitions}, the ones held. */
    List<TopicPartition> held(Collection<TopicPartition> partitions) {
        List<TopicPartition> out = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            if (held.containsKey(tp)) {
                out.add(tp);
            }
        }
        return out;
    }

    /**
     * The delivery of {@code r}, tracked until settled.
     *
     * @return the delivery, or null when its partition is not held (revoked during the poll)
     */
    <K, V> Delivery<ConsumerRecord<K, V>> deliver(ConsumerRecord<K, V> r) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        Held h = held.get(tp);
        if (h == null) {
            return null;
        }
        long offset = r.offset();
        Long highest = highestEmitted.get(tp);
        boolean redelivered = (highest != null && offset <= highest) || h.beforeFirstCommit();
        highestEmitted.put(tp, highest == null ? offset : Math.max(highest, offset));
        OffsetTracker tracker = h.tracker;
        tracker.emitted(offset);
        stats.received(redelivered);
        // every settlement means the record left the pipeline for good: its offset may be committed
        return Delivery.of(r, redelivered, how -> tracker.settle(offset));
    }

    /** The record at {@code offset} was rejected by the error policy (skipped or dead-lettered): it is done. */
    void skipped(TopicPartition tp, long offset) {
        Held h = held.get(tp);
        if (h != null) {
            h.tracker.emitted(offset);
            h.tracker.settle(offset);
        }
    }

    /**
     * Decides which partitions to pause (their records not done, or all of them, at the bound)
     * and which to resume (down to half of both bounds).
     */
    void pauseOrResume(Set<TopicPartition> pause, Set<TopicPartition> resume) {
        int total = 0;
        for (Held h : held.values()) {
            total += h.tracker.inFlight();
        }
        int perPartition = options.maxInFlightPerPartition();
        int all = options.maxInFlight();
        for (Map.Entry<TopicPartition, Held> e : held.entrySet()) {
            Held h = e.getValue();
            int mine = h.tracker.inFlight();
            if (!h.paused && (mine >= perPartition || total >= all)) {
                h.paused = true;
                pause.add(e.getKey());
            } else if (h.paused && mine <= perPartition / 2 && total <= all / 2) {
                h.paused = false;
                resume.add(e.getKey());
            }
        }
        if (!pause.isEmpty()) {
            stats.paused(pause.size());
        }
    }

    /** Records emitted and not settled (not counting those done behind a gap). */
    int notDone() {
        int n = 0;
        for (Held h : held.values()) {
            n += h.tracker.inFlight() - h.tracker.behindGap();
        }
        return n;
    }

    /** Updates the stats' in-flight and gap figures. */
    void sample() {
        long inFlight = 0;
        long behind = 0;
        long maxBehind = 0;
        for (Held h : held.values()) {
            inFlight += h.tracker.inFlight();
            behind += h.tracker.behindGap();
            maxBehind = Math.max(maxBehind, h.tracker.maxBehindGap());
        }
        stats.sample(inFlight, behind, maxBehind);
    }

    /** Of {@code partitions}, the positions that moved since they were last asked to be committed. */
    Map<TopicPartition, OffsetAndMetadata> moved(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> m = new HashMap<>();
        for (TopicPartition tp : partitions) {
            Held h = held.get(tp);
            if (h != null) {
                long position = h.tracker.position();
                if (position > h.requested) {
                    m.put(tp, new OffsetAndMetadata(position));
                }
            }
        }
        return m;
    }

    /** These positions were asked to be committed. */
    void requested(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((tp, om) -> {
            Held h = held.get(tp);
            if (h != null) {
                h.requested = Math.max(h.requested, om.offset());
            }
        });
    }

    /** The broker confirmed these positions. */
    void confirmed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((tp, om) -> {
            Held h = held.get(tp);
            if (h != null && om.offset() > h.committed) {
                stats.committed(om.offset() - Math.max(h.committed, 0));
                h.committed = om.offset();
            }
        });
    }

    /** Committing these positions failed: the next commit asks again. */
    void failed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        stats.commitFailed();
        offsets.forEach((tp, om) -> {
            Held h = held.get(tp);
            if (h != null && h.requested == om.offset()) {
                h.requested = h.committed;
            }
        });
    }

    /**
     * Waits, blocking the consumer's thread, until {@code partitions} have no record in flight
     * or {@code nanos} have passed.
     */
    void awaitDrained(Collection<TopicPartition> partitions, long nanos) {
        long left = nanos;
        for (TopicPartition tp : partitions) {
            Held h = held.get(tp);
            if (h != null) {
                left = h.tracker.awaitDrained(left);
                if (left <= 0) {
                    return;
                }
            }
        }
    }

    /**
     * Gives partitions up: their trackers count no settlement any more.
     *
     * @return the records not done that were abandoned
     */
    int giveUp(Collection<TopicPartition> partitions) {
        int abandoned = 0;
        for (TopicPartition tp : partitions) {
            Held h = held.remove(tp);
            if (h != null) {
                abandoned += h.tracker.close();
            }
        }
        stats.abandoned(abandoned);
        return abandoned;
    }
}
