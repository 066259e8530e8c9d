package dev.pipeline.connectors.file.internal;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.pipeline.connectors.file.FileAccessException;
import dev.pipeline.connectors.internal.CheckpointFile;
import dev.pipeline.connectors.internal.RoomGate;
import dev.pipeline.core.Watermark;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * The checkpoint of one file source in one run: where a restart resumes. It holds the lock
 * file ({@code <checkpoint>.lock}, an OS lock, so a killed run leaves no stale lock) for the
 * run, tracks every record the source emits in a {@link Watermark} of record numbers with the
 * byte position after each, and writes the state as JSON whenever the mark moved and the last
 * write is at least {@code every} old, through {@link CheckpointFile} (a temporary file, forced
 * to disk, then moved over the checkpoint with {@code ATOMIC_MOVE}, so a reader sees the old
 * state or the new, never half).
 * Writes run on the source's (blocking) scheduler, one at a time. The state says: {@code
 * records} below the mark, the {@code position} after the last of them (bytes for lines and
 * NDJSON, records for CSV), the {@code lines} before it (so errors name the right line after a
 * restart), and {@code read}, how many records the run had read then (a restart marks those it
 * reads again as redelivered).
 *
 * <p>Bounded: the records read and not yet passed by the mark (in flight, or settled behind
 * the gap of an earlier one) are at most {@code maxUnsettled}; {@link #room()} makes the
 * source wait at the bound until a settlement moves the mark, and the positions kept for them
 * are trimmed as the mark moves, so one record that never settles holds at most the bound.
 */
public final class Checkpoint {

    private static final Logger LOG = LoggerFactory.getLogger(Checkpoint.class);

    /** What a checkpoint file holds. */
    public record State(long records, long position, long read, long lines) {
        static final State START = new State(0, 0, 0, 0);
    }

    private final Path file;
    private final Path source;
    private final Scheduler scheduler;
    private final long everyMillis;
    private final long maxUnsettled;
    /** Where the source waits for room (it reads one record at a time). */
    private final RoomGate room;
    private final CheckpointFile held;
    private final State start;
    private final Watermark marks;
    /** (record number, position after it) for records not yet passed by the mark, oldest first. */
    private final ArrayDeque<long[]> ends = new ArrayDeque<>();
    private long read;
    private long lastWriteMillis;
    private boolean writing;
    private boolean closed;
    private long written = -1;
    private volatile boolean ending;
    private final Sinks.Empty<Void> released = Sinks.empty();
    /** The checkpoints this JVM holds, so that a run waits for an ended one's last write rather than fail on its lock. */
    private static final ConcurrentHashMap<Path, Checkpoint> HELD = new ConcurrentHashMap<>();
    /** Serializes writes of the temporary file and the move. */
    private final Object io = new Object();

    private Checkpoint(Path file, Path source, Scheduler scheduler, Duration every, int maxUnsettled,
            CheckpointFile held, State start) {
        this.file = file;
        this.source = source;
        this.scheduler = scheduler;
        this.everyMillis = every.toMillis();
        this.maxUnsettled = maxUnsettled;
        this.held = held;
        this.start = start;
        this.marks = Watermark.startingAt(start.records());
        this.read = start.records();
        this.lastWriteMillis = scheduler.now(TimeUnit.MILLISECONDS);
        this.room = new RoomGate(this, () -> read - marks.mark() < this.maxUnsettled, scheduler);
    }

    /** Takes the lock and reads the state (blocking: call it on the source's scheduler). */
    public static Checkpoint open(Path file, Path source, Scheduler scheduler, Duration every, int maxUnsettled) {
        Path lockFile = CheckpointFile.lockFile(file);
        CheckpointFile held;
        try {
            held = CheckpointFile.tryLock(file);
        } catch (IOException e) {
            throw IoErrors.write("cannot open the checkpoint's lock file", lockFile, e);
        }
        if (held == null) {
            throw new FileAccessException(lockFile, lockFile + " is locked: another run is reading " + source
                    + " with this checkpoint; two runs would both resume at the same place (stop the other run first)",
                    new IOException("lock held"));
        }
        Checkpoint cp;
        try {
            cp = new Checkpoint(file, source, scheduler, every, maxUnsettled, held, read(held));
        } catch (RuntimeException e) {
            release(held);
            throw e;
        }
        HELD.put(key(file), cp);
        return cp;
    }

    /**
     * Opens the checkpoint once a run of this JVM that held it and has ended has released it
     * (its last write runs after its end), on {@code scheduler}.
     */
    public static Mono<Checkpoint> openWhenFree(Path file, Path source, Scheduler scheduler, Duration every,
            int maxUnsettled) {
        return Mono.defer(() -> {
            Checkpoint prior = HELD.get(key(file));
            Mono<Void> free = prior != null && prior.ending ? prior.released.asMono() : Mono.empty();
            return free.then(Mono.fromCallable(() -> open(file, source, scheduler, every, maxUnsettled)).subscribeOn(scheduler));
        });
    }

    /** Completes once no run of this JVM holds the checkpoint (its last write is done). */
    public static Mono<Void> whenFree(Path file) {
        return Mono.defer(() -> {
            Checkpoint held = HELD.get(key(file));
            return held == null ? Mono.empty() : held.released.asMono();
        });
    }

    private static Path key(Path file) {
        return file.toAbsolutePath().normalize();
    }

    /** The run has ended (its last write and the unlock follow, on the scheduler). */
    public void ending() {
        ending = true;
    }

    private static State read(CheckpointFile held) {
        Path file = held.file();
        try {
            byte[] bytes = held.read();
            if (bytes == null) {
                return State.START;
            }
            Map<?, ?> json = Json.mapper().readValue(bytes, Map.class);
            Object lines = json.get("lines");
            return new State(((Number) json.get("records")).longValue(), ((Number) json.get("position")).longValue(),
                    ((Number) json.get("read")).longValue(), lines == null ? 0 : ((Number) lines).longValue());
        } catch (IOException | RuntimeException e) {
            throw new FileAccessException(file, "checkpoint " + file + " cannot be read (" + e.getMessage()
                    + "); delete it to read the file from the start", e instanceof IOException io ? io : null);
        }
    }

    /** Where this run starts: the state the last run left. */
    public State start() {
        return start;
    }

    /** Tracks the next record the source emits, with the position and the line count after it; returns its number. */
    public synchronized long track(long positionAfter, long linesAfter) {
        long record = read++;
        marks.track(record);
        ends.addLast(new long[] {record, positionAfter, linesAfter});
        return record;
    }

    /** Whether the source may read another record now: fewer than the bound are read and not passed by the mark. */
    public synchronized boolean hasRoom() {
        return read - marks.mark() < maxUnsettled;
    }

    /**
     * Completes (on the scheduler when it had to wait) once the source may read another
     * record: at once below the bound, else when a settlement moves the mark below it.
     */
    public Mono<Void> room() {
        return room.await();
    }

    /** Records read and not yet passed by the mark: in flight plus settled behind the gap. */
    public synchronized long unsettled() {
        return read - marks.mark();
    }

    /** Positions kept (for tests: bounded by the records not passed by the mark). */
    synchronized int kept() {
        return ends.size();
    }

    /** Drops the positions of records the mark passed, keeping the one just below it (where a restart starts). */
    private void trim(long mark) {
        while (ends.size() > 1 && ends.peekFirst()[0] < mark - 1) {
            ends.pollFirst();
        }
    }

    /** Whether record {@code n} was read by an earlier run (so may have been processed). */
    public boolean seenBefore(long record) {
        return record < start.read();
    }

    /** The record is done; writes the checkpoint if one is due. */
    public void settle(long record) {
        boolean due;
        synchronized (this) {
            marks.settle(record);
            trim(marks.mark());
            due = !writing && !closed && marks.mark() != written
                    && scheduler.now(TimeUnit.MILLISECONDS) - lastWriteMillis >= everyMillis;
            if (due) {
                writing = true;
            }
        }
        if (due) {
            scheduler.schedule(this::writeNow);
        }
        // the source goes on reading on its own scheduler, not inside the settling stage's callback
        room.recheck();
    }

    private void writeNow() {
        try {
            synchronized (io) {
                synchronized (this) {
                    if (closed) {
                        return; // the last write is close()'s
                    }
                }
                write();
            }
        } catch (RuntimeException e) {
            // the next write tries again; the run is not failed for a checkpoint it can redo
            LOG.warn("checkpoint {} of {} could not be written: {}", file, source, e.toString());
        } finally {
            synchronized (this) {
                writing = false;
                lastWriteMillis = scheduler.now(TimeUnit.MILLISECONDS);
            }
        }
    }

    /** The state now (the mark and the position after it). */
    public synchronized State state() {
        long mark = marks.mark();
        trim(mark);
        long position = start.position();
        long lines = start.lines();
        long[] head = ends.peekFirst();
        if (head != null && head[0] == mark - 1) {
            position = head[1];
            lines = head[2];
        }
        return new State(mark, position, read, lines);
    }

    private void write() {
        State s = state();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("file", source.toString());
        json.put("records", s.records());
        json.put("position", s.position());
        json.put("read", s.read());
        json.put("lines", s.lines());
        try {
            held.replace(Json.mapper().writeValueAsBytes(json));
        } catch (AtomicMoveNotSupportedException e) {
            throw IoErrors.write("the checkpoint's file system cannot replace it atomically", file, e);
        } catch (IOException e) {
            throw IoErrors.write("cannot write the checkpoint", file, e);
        }
        synchronized (this) {
            written = s.records();
        }
    }

    /** The run has ended: writes the last state and releases the lock (blocking). */
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            synchronized (io) {
                write();
            }
        } finally {
            release(held);
            HELD.remove(key(file), this);
            released.tryEmitEmpty();
        }
    }

    private static void release(CheckpointFile held) {
        try {
            held.release();
        } catch (IOException e) {
            LOG.warn("lock of checkpoint {} could not be released: {}", held.file(), e.toString());
        }
    }
}
