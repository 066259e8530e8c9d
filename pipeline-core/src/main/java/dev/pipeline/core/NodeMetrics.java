package dev.pipeline.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;

import dev.pipeline.core.internal.Cell;

/**
 * The accounting of one node (source, stage, buffer, sink) in one run: one {@link Cell} per
 * copy (workers run several), summed into a {@link StageReport}.
 */
final class NodeMetrics {

    enum Receipt {
        /** received is counted as items come in. */
        COUNTED,
        /** a synchronous stage resolves every item in the call that receives it: received = sum of outcomes. */
        DERIVED,
        /** a source: received = what it produced, passed on or rejected. */
        SOURCE
    }

    final String name;
    final String kind;
    final boolean itemized;
    final Receipt receipt;
    private final List<Cell> cells = new CopyOnWriteArrayList<>();
    private volatile IntSupplier queueHighWater;
    private volatile boolean outputsAreEmitted;
    private volatile int workers;

    NodeMetrics(String name, String kind, boolean itemized, Receipt receipt) {
        this.name = name;
        this.kind = kind;
        this.itemized = itemized;
        this.receipt = receipt;
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

    /** An item-to-item stage: what it produced is what it emitted. */
    void outputsAreEmitted(boolean yes) {
        this.outputsAreEmitted = yes;
    }

    StageReport snapshot() {
        long emitted = 0;
        long outputs = 0;
        long filtered = 0;
        long skipped = 0;
        long dead = 0;
        long failed = 0;
        long retried = 0;
        long busy = 0;
        long received = 0;
        for (Cell c : cells) {
            emitted += c.readEmitted();
            outputs += c.readOutputs();
            filtered += c.readFiltered();
            skipped += c.readSkipped();
            dead += c.readDeadLettered();
            failed += c.readFailed();
            retried += c.readRetried();
            busy += c.readBusyNanos();
        }
        for (Cell c : cells) {
            received += c.readReceived();
        }
        long resolved = emitted + filtered + skipped + dead + failed;
        if (receipt != Receipt.COUNTED) {
            received = resolved;
        }
        long inFlight = itemized ? Math.max(0, received - resolved) : 0;
        if (outputsAreEmitted) {
            outputs = emitted;
        }
        IntSupplier q = queueHighWater;
        int copies = workers > 0 ? workers : Math.max(1, cells.size());
        return new StageReport(name, kind, itemized, received, emitted, outputs, filtered, skipped, dead, failed,
                retried, inFlight, q == null ? -1 : q.getAsInt(), copies, Duration.ofNanos(busy));
    }
}
