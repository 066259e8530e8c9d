package dev.pipeline.core.engine;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import dev.pipeline.core.AckReport;
import dev.pipeline.core.Delivery;
import dev.pipeline.core.Settlement;
import dev.pipeline.core.internal.Access;
import dev.pipeline.core.internal.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The acknowledgements of one acknowledged source in one run: turns each {@link Delivery} into
 * a {@link Tracked} item with a fresh {@link Ticket}, calls the delivery's callback when the
 * ticket settles, and counts for the {@link AckReport}. Once {@link #close closed} (the run
 * failed, was cancelled or ended), nothing settles any more: what was in flight stays unacked,
 * so a broker redelivers it.
 */
final class AckAccount {

    private static final Logger LOG = LoggerFactory.getLogger("dev.pipeline.core.Pipeline");

    private final String source;
    private final Ticker ticker;
    private volatile boolean open = true;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong redelivered = new AtomicLong();
    private final AtomicLongArray settled = new AtomicLongArray(Settlement.values().length);
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong maxInFlight = new AtomicLong();
    private final AtomicLong longestWait = new AtomicLong();

    AckAccount(String source, Ticker ticker) {
        this.source = source;
        this.ticker = ticker;
    }

    String source() {
        return source;
    }

    /** A delivery as it enters the run. */
    Tracked admit(Delivery<?> delivery) {
        delivered.incrementAndGet();
        if (delivery.redelivered()) {
            redelivered.incrementAndGet();
        }
        long now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        return new Tracked(delivery.value(), new SourceTicket(delivery, ticker.nanos()));
    }

    /** Stops settling: from here on, nothing is told to the source. */
    void close() {
        open = false;
    }

    AckReport report() {
        Settlement[] s = Settlement.values();
        long[] by = new long[s.length];
        for (int i = 0; i < s.length; i++) {
            by[i] = settled.get(i);
        }
        return new AckReport(source, delivered.get(), redelivered.get(), by[Settlement.STORED.ordinal()],
                by[Settlement.FILTERED.ordinal()], by[Settlement.SKIPPED.ordinal()],
                by[Settlement.DEAD_LETTERED.ordinal()], inFlight.get(), maxInFlight.get(),
                Duration.ofNanos(longestWait.get()));
    }

    /** The first share of a delivery. */
    private final class SourceTicket extends Ticket {
        private final Delivery<?> delivery;
        private final long emittedAt;

        SourceTicket(Delivery<?> delivery, long emittedAt) {
            this.delivery = delivery;
            this.emittedAt = emittedAt;
        }

        @Override
        void settled(Settlement how) {
            if (!open) {
                return;
            }
            longestWait.accumulateAndGet(Math.max(0L, ticker.nanos() - emittedAt), Math::max);
            settled.incrementAndGet(how.ordinal());
            inFlight.decrementAndGet();
            try {
                Access.settle(delivery, how);
            } catch (RuntimeException e) {
                // the callback is the source's: a failure there must not fail the stage that finished the item
                LOG.warn("source '{}': the settlement callback failed for {} ({}): {}", source, delivery, how, e.toString(), e);
            }
        }

        @Override
        public String toString() {
            return "Ticket[" + source + ": " + delivery + "]";
        }
    }
}
