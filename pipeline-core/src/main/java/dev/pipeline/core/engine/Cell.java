package dev.pipeline.core.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The counters of one copy of a node in one run (a worker, or the only copy), handed out by its
 * {@link NodeAccount}; the methods are the terms of the invariant. Counting costs
 * next to nothing on the item path:
 *
 * <ul>
 *   <li>{@code received}, {@code emitted}, {@code outputs} and {@code filtered} have a single
 *       writer: the serialized signal path of one subscription (Reactive Streams §1.3). They are
 *       bumped with an opaque store of the plain value plus one (the single writer reads its own
 *       last write, so the read needs no ordering): an opaque store compiles to a plain store, and
 *       a plain read instead of an opaque one halves the compiler barriers on the item path
 *       (each opaque access is fenced on both sides, which makes the JIT reload every field
 *       around it). The store stays opaque so that the JIT cannot sink it out of a source's
 *       emit loop: live reports see every item as it passes.</li>
 *   <li>The error counters, {@code retried}, the concurrent variants and busy time may be
 *       written by many threads (inner Monos of a flatMap completing in parallel): atomic adds,
 *       on paths that are rare or already allocate per item.</li>
 * </ul>
 *
 * Readers (reports) read every outcome counter before {@code received}: counters only grow, so
 * a snapshot never shows more outcomes than items received.
 */
public final class Cell {

    private static final VarHandle RECEIVED;
    private static final VarHandle EMITTED;
    private static final VarHandle OUTPUTS;
    private static final VarHandle FILTERED;
    private static final VarHandle EMITTED_C;
    private static final VarHandle OUTPUTS_C;
    private static final VarHandle FILTERED_C;
    private static final VarHandle SKIPPED;
    private static final VarHandle DEAD;
    private static final VarHandle FAILED;
    private static final VarHandle RETRIED;
    private static final VarHandle BUSY;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            RECEIVED = l.findVarHandle(Cell.class, "received", long.class);
            EMITTED = l.findVarHandle(Cell.class, "emitted", long.class);
            OUTPUTS = l.findVarHandle(Cell.class, "outputs", long.class);
            FILTERED = l.findVarHandle(Cell.class, "filtered", long.class);
            EMITTED_C = l.findVarHandle(Cell.class, "emittedConcurrent", long.class);
            OUTPUTS_C = l.findVarHandle(Cell.class, "outputsConcurrent", long.class);
            FILTERED_C = l.findVarHandle(Cell.class, "filteredConcurrent", long.class);
            SKIPPED = l.findVarHandle(Cell.class, "skipped", long.class);
            DEAD = l.findVarHandle(Cell.class, "deadLettered", long.class);
            FAILED = l.findVarHandle(Cell.class, "failed", long.class);
            RETRIED = l.findVarHandle(Cell.class, "retried", long.class);
            BUSY = l.findVarHandle(Cell.class, "busyNanos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private long received;
    private long emitted;
    private long outputs;
    private long filtered;
    private long emittedConcurrent;
    private long outputsConcurrent;
    private long filteredConcurrent;
    private long skipped;
    private long deadLettered;
    private long failed;
    private long retried;
    private long busyNanos;
    /** Single-writer tick for sampling busy time on synchronous stages. */
    private int tick;

    // ---- single writer (the stage's serialized signal path)

    public void received() {
        RECEIVED.setOpaque(this, received + 1L);
    }

    public void received(long n) {
        RECEIVED.setOpaque(this, received + n);
    }

    public void emitted() {
        EMITTED.setOpaque(this, emitted + 1L);
    }

    public void emitted(long n) {
        EMITTED.setOpaque(this, emitted + n);
    }

    public void output() {
        OUTPUTS.setOpaque(this, outputs + 1L);
    }

    public void filtered() {
        FILTERED.setOpaque(this, filtered + 1L);
    }

    /** How many items one timed item stands for (a power of two). */
    public static final int SAMPLE = 1024;

    /**
     * Every {@value #SAMPLE}th call returns true: time this item and count its time
     * {@value #SAMPLE} times (single writer). Rare, because {@code System.nanoTime()} is not
     * cheap everywhere (47 ns per call on a KVM guest measured here).
     */
    public boolean sampleBusy() {
        return (++tick & (SAMPLE - 1)) == 0;
    }

    // ---- any thread

    public void emittedConcurrent(long n) {
        EMITTED_C.getAndAdd(this, n);
    }

    public void outputsConcurrent(long n) {
        OUTPUTS_C.getAndAdd(this, n);
    }

    public void filteredConcurrent() {
        FILTERED_C.getAndAdd(this, 1L);
    }

    public void skipped() {
        SKIPPED.getAndAdd(this, 1L);
    }

    public void deadLettered() {
        DEAD.getAndAdd(this, 1L);
    }

    public void failed() {
        FAILED.getAndAdd(this, 1L);
    }

    public void retried(long n) {
        if (n > 0) {
            RETRIED.getAndAdd(this, n);
        }
    }

    public void busy(long nanos) {
        BUSY.getAndAdd(this, nanos);
    }

    // ---- readers: outcomes first, received last

    public long readEmitted() {
        return (long) EMITTED.getAcquire(this) + (long) EMITTED_C.getAcquire(this);
    }

    public long readOutputs() {
        return (long) OUTPUTS.getAcquire(this) + (long) OUTPUTS_C.getAcquire(this);
    }

    public long readFiltered() {
        return (long) FILTERED.getAcquire(this) + (long) FILTERED_C.getAcquire(this);
    }

    public long readSkipped() {
        return (long) SKIPPED.getAcquire(this);
    }

    public long readDeadLettered() {
        return (long) DEAD.getAcquire(this);
    }

    public long readFailed() {
        return (long) FAILED.getAcquire(this);
    }

    public long readRetried() {
        return (long) RETRIED.getAcquire(this);
    }

    public long readBusyNanos() {
        return (long) BUSY.getAcquire(this);
    }

    public long readReceived() {
        return (long) RECEIVED.getAcquire(this);
    }
}
