package dev.pipeline.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;

import dev.pipeline.core.internal.Cell;

/**
 * The accounting of one node (source, stage, buffer, sink) in one run: one {@link Cell} per
 * copy (workers run several), summed into a {@link StageReport}.
 *
 * <p>A node does not count what it receives: what it received is what its upstream node
 * passed on (its {@code outputs}). Handing an item from one node to the next is one event and
 * one counter, so the nodes' accounts agree with each other at every instant: an item is never
 * counted as sent by one node and not received by the next (items waiting in an operator's
 * queue between the two belong to the receiver's in-flight count).
 */
final class NodeMetrics {

    final String name;
    final String kind;
    final boolean itemized;
    /** Where this node's items come from; null for the source and for dead-letter sinks. */
    final NodeMetrics upstream;
    private final List<Cell> cells = new CopyOnWriteArrayList<>();
    private volatile IntSupplier queueHighWater;
    private volatile boolean outputsAreEmitted;
    private volatile boolean ownReceipt;
    private volatile int workers;

    NodeMetrics(String name, String kind, boolean itemized, NodeMetrics upstream) {
        this.name = name;
        this.kind = kind;
        this.itemized = itemized;
        this.upstream = upstream;
    }

    Cell newCell() {
        Cell c = new Cell();
        cells.add(c);
        return c;
    }

    void queue(IntSupplier highWater, int workerCount) {
        this.queueHighWater = highWater;
        this.workers = workerCount;
    }

    /** An item-to-item node: what it produced is what it emitted. */
    void outputsAreEmitted(boolean yes) {
        this.outputsAreEmitted = yes;
    }

    /** A node without an upstream node that counts its own receipts (a dead-letter sink). */
    void ownReceipt() {
        this.ownReceipt = true;
    }

    long receivedTotal() {
        long r = 0;
        for (Cell c : cells) {
            r += c.readReceived();
        }
        return r;
    }

    long emittedTotal() {
        long e = 0;
        for (Cell c : cells) {
            e += c.readEmitted();
        }
        return e;
    }

    long outputsTotal() {
        if (outputsAreEmitted) {
            return emittedTotal();
        }
        long o = 0;
        for (Cell c : cells) {
            o += c.readOutputs();
        }
        return o;
    }

    /** Raw counters read in one pass: outcomes first, then (for own receipt) received. */
    final class Raw {
        long emitted;
        long outputs;
        long filtered;
        long skipped;
        long dead;
        long failed;
        long retried;
        long busy;
        long ownReceived;

        StageReport report(long received) {
            long resolved = emitted + filtered + skipped + dead + failed;
            long inFlight = itemized ? Math.max(0, received - resolved) : 0;
            IntSupplier q = queueHighWater;
            int copies = workers > 0 ? workers : Math.max(1, cells.size());
            return new StageReport(name, kind, itemized, received, emitted, outputs, filtered, skipped, dead, failed,
                    retried, inFlight, q == null ? -1 : q.getAsInt(), copies, Duration.ofNanos(busy));
        }
    }

    Raw read() {
        Raw r = new Raw();
        for (Cell c : cells) {
            r.emitted += c.readEmitted();
            r.outputs += c.readOutputs();
            r.filtered += c.readFiltered();
            r.skipped += c.readSkipped();
            r.dead += c.readDeadLettered();
            r.failed += c.readFailed();
            r.retried += c.readRetried();
            r.busy += c.readBusyNanos();
        }
        if (ownReceipt) {
            for (Cell c : cells) {
                r.ownReceived += c.readReceived();
            }
        }
        if (outputsAreEmitted) {
            r.outputs = r.emitted;
        }
        return r;
    }

    /** What this node received, given the raw counters of every node (upstream's outputs). */
    long received(Raw own, Raw upstreamRaw) {
        if (upstreamRaw != null) {
            return upstreamRaw.outputs;
        }
        if (ownReceipt) {
            return own.ownReceived;
        }
        // the source: everything it produced, passed on or rejected
        return own.emitted + own.filtered + own.skipped + own.dead + own.failed;
    }
}
