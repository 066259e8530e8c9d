package dev.pipeline.examples.etl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.pipeline.connectors.internal.CheckpointFile;
import dev.pipeline.connectors.internal.RoomGate;
import dev.pipeline.core.Delivery;
import dev.pipeline.core.Source;
import dev.pipeline.core.Watermark;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The ETL's {@code --checkpoint}: where a run of the paged source resumes. It holds the
 * checkpoint's lock for the run ({@link CheckpointFile}: an OS lock on {@code <file>.lock}, so
 * a killed run leaves none behind and a second run is refused), and its {@link #source} is an
 * {@link Source#acknowledged acknowledged source} of page numbers: a page settles when every
 * record of it has left the pipeline for good (upserted and committed, and its audit copy
 * flushed; or dead-lettered once the dead-letter file flushed it). A {@link Watermark} over
 * the page numbers gives {@code done}, the last page below which every page settled, however
 * out of order they settle; failure or cancellation settles nothing.
 *
 * <p>The state, {@code {"done": D, "read": R, "pages": P}}, is written whenever it changed and
 * no write is under way (one at a time, on {@code io}), atomically: a run killed with
 * {@code kill -9} restarts at page {@code D + 1}, and the pages up to {@code R} it takes
 * again are counted as repeated (as of the last write, which may trail the run by a few pages).
 * The source takes page {@code p} only when {@code p <= D + window} for the {@code D} last
 * <em>written</em>: it waits at the bound until a write moves it, so whatever moment the run is
 * killed, a restart repeats at most {@code window} pages.
 *
 * <p>A write that fails is tried again after 50, 100, 200 and 400 ms; the fifth failure in a
 * row fails the source with an error naming the file (the run fails, nothing is settled past
 * the last good write, and a restart resumes there) instead of stalling at the window.
 */
final class PageCheckpoint implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PageCheckpoint.class);
    /** Consecutive failed writes that fail the source. */
    static final int WRITE_ATTEMPTS = 5;
    private static final long FIRST_RETRY_MS = 50;
    private static final Pattern STATE = Pattern.compile(
            "\\{\"done\":(\\d+),\"read\":(\\d+),\"pages\":(\\d+)}\\s*");

    /** What the checkpoint file says: pages 1..done are done; pages up to read were taken. */
    record State(int done, int read, int pages) {
    }

    private final CheckpointFile file;
    private final Scheduler io;
    private final int pages;
    private final int window;
    private final State start;
    private final boolean existed;
    private final Watermark marks;
    private int read;
    private long repeated;
    /** Where the source waits for room (it takes one page at a time). */
    private final RoomGate room;
    private boolean writing;
    private boolean closed;
    private State written;
    private int failedWrites;
    /** Whether the writes failed {@link #WRITE_ATTEMPTS} times in a row (the source failed). */
    private boolean failure;

    private PageCheckpoint(CheckpointFile file, Scheduler io, int pages, int window, State start, boolean existed) {
        this.file = file;
        this.io = io;
        this.pages = pages;
        this.window = window;
        this.start = start;
        this.existed = existed;
        this.marks = Watermark.startingAt(start.done() + 1L);
        this.read = start.done();
        this.written = start;
        this.room = new RoomGate(this, this::hasRoom, io);
    }

    /**
     * Takes the lock and reads the state (blocking).
     *
     * @param path the checkpoint file (need not exist)
     * @param pages the pages of this job
     * @param window the most pages taken and not done
     * @param io where the writes run (may block)
     * @throws IllegalStateException naming the lock file when another run holds it
     * @throws IllegalArgumentException when the file cannot be read or is for another number of pages
     */
    static PageCheckpoint open(Path path, int pages, int window, Scheduler io) {
        CheckpointFile held;
        try {
            held = CheckpointFile.tryLock(path);
        } catch (IOException e) {
            throw new UncheckedIOException("--checkpoint: cannot open the lock file " + CheckpointFile.lockFile(path), e);
        }
        if (held == null) {
            throw new IllegalStateException("--checkpoint " + path + ": " + CheckpointFile.lockFile(path)
                    + " is locked by another etl run using this checkpoint; two runs would both resume at the same page "
                    + "(stop the other run, or give another --checkpoint)");
        }
        try {
            byte[] bytes = held.read();
            State state = bytes == null ? new State(0, 0, pages) : parse(path, bytes);
            if (state.pages() != pages) {
                throw new IllegalArgumentException("--checkpoint " + path + " is for a job of " + state.pages()
                        + " pages, this one has " + pages + " (--records and --page-size must be those of the run that "
                        + "wrote it; delete the file to start again)");
            }
            PageCheckpoint cp = new PageCheckpoint(held, io, pages, window, state, bytes != null);
            if (bytes == null) {
                cp.write(state); // from here on a restart resumes, keeping the files and rows of this run
            }
            return cp;
        } catch (IOException | RuntimeException e) {
            try {
                held.release();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof IOException failed) {
                throw new UncheckedIOException("--checkpoint " + path + " cannot be read or written", failed);
            }
            throw (RuntimeException) e;
        }
    }

    private static State parse(Path path, byte[] bytes) {
        Matcher m = STATE.matcher(new String(bytes, StandardCharsets.UTF_8));
        if (!m.matches()) {
            throw new IllegalArgumentException("--checkpoint " + path + " is not an etl checkpoint ({\"done\":D,\"read\":R,"
                    + "\"pages\":P}); delete it to start again");
        }
        return new State(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    }

    /** Whether an earlier run left this checkpoint (this run resumes its work: keep its rows and files). */
    boolean resuming() {
        return existed;
    }

    /** The state the last run left. */
    State start() {
        return start;
    }

    /** The first page this run takes. */
    int firstPage() {
        return start.done() + 1;
    }

    /** Pages taken again that an earlier run had taken (as of its last checkpoint write). */
    synchronized long repeated() {
        return repeated;
    }

    /** The last page below which every page is done, now. */
    synchronized int done() {
        return (int) marks.mark() - 1;
    }

    /** Pages taken and not passed by the mark (in flight, or done behind an earlier one). */
    synchronized int unsettled() {
        return read - done();
    }

    /** Whether the next page may be taken: it is within {@code window} of the last page written as done. */
    private synchronized boolean hasRoom() {
        return read - written.done() < window;
    }

    /**
     * The pages {@code firstPage()..pages} as deliveries that settle into the checkpoint,
     * taking the next only while fewer than {@code window} are unsettled. Cold; once per run.
     */
    Source<Integer> source(String name) {
        return Source.acknowledged(name, ctx -> Flux.range(firstPage(), Math.max(0, pages - firstPage() + 1))
                .concatMap(page -> room.await().then(Mono.fromSupplier(() -> deliver(page))), 1));
    }

    /** Tracks the next page and returns its delivery (visible for tests). */
    synchronized Delivery<Integer> deliver(int page) {
        marks.track(page);
        read = page;
        boolean again = page <= start.read();
        if (again) {
            repeated++;
        }
        scheduleWrite();
        return Delivery.of(page, again, s -> settle(page));
    }

    /** A page is done (every record of it left the pipeline for good); the write that follows makes room. */
    synchronized void settle(int page) {
        marks.settle(page);
        scheduleWrite();
    }

    /** The state now. */
    synchronized State state() {
        return new State(done(), Math.max(read, start.read()), pages);
    }

    private synchronized void scheduleWrite() {
        if (!writing && !closed && !state().equals(written)) {
            writing = true;
            io.schedule(this::writeDue);
        }
    }

    private void writeDue() {
        State s;
        synchronized (this) {
            if (closed || failure) {
                writing = false;
                return; // the last write is close()'s
            }
            s = state();
        }
        try {
            write(s);
        } catch (IOException | RuntimeException e) {
            writeFailed(e);
            return;
        }
        synchronized (this) {
            failedWrites = 0;
            writing = false;
            scheduleWrite(); // what changed while this one was written
        }
    }

    /** Tries again after a growing pause, or, after {@link #WRITE_ATTEMPTS} failures in a row, fails the source. */
    private void writeFailed(Exception e) {
        RuntimeException failed = null;
        long pause;
        synchronized (this) {
            failedWrites++;
            pause = FIRST_RETRY_MS << (failedWrites - 1);
            if (failedWrites >= WRITE_ATTEMPTS) {
                failed = new IllegalStateException("--checkpoint " + file.file() + " could not be written " + failedWrites
                        + " times in a row (the last: " + e + "); the run stops, and a restart resumes at page "
                        + (written.done() + 1) + ", where the last good write left it", e);
                failure = true;
                writing = false;
            }
        }
        if (failed != null) {
            room.fail(failed);
            return;
        }
        LOG.warn("checkpoint {} could not be written (failure {} of {} allowed in a row), trying again in {} ms: {}", file.file(),
                failedWrites, WRITE_ATTEMPTS - 1, pause, e.toString());
        io.schedule(this::writeDue, pause, TimeUnit.MILLISECONDS);
    }

    /** Writes {@code s}; serialized by the {@code writing} flag, and by {@link #close()} after it. */
    private void write(State s) throws IOException {
        synchronized (file) {
            file.replace(("{\"done\":" + s.done() + ",\"read\":" + s.read() + ",\"pages\":" + s.pages() + "}\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        synchronized (this) {
            written = s;
        }
        room.recheck(); // a waiting source goes on, on io, not inside a sink's callback
    }

    /** Writes the last state and releases the lock (blocking); after the run has ended. */
    @Override
    public void close() {
        State last;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            last = state();
        }
        try {
            write(last);
        } catch (IOException e) {
            throw new UncheckedIOException("--checkpoint " + file.file() + ": the last write failed", e);
        } finally {
            try {
                file.release();
            } catch (IOException e) {
                LOG.warn("the lock of checkpoint {} could not be released: {}", file.file(), e.toString());
            }
        }
    }
}
