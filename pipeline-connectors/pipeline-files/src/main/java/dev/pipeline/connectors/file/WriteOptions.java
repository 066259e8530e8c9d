package dev.pipeline.connectors.file;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pipeline.connectors.file.internal.Json;
import dev.pipeline.connectors.internal.Fields;
import dev.pipeline.connectors.internal.Require;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Options for the file sinks. Immutable: each option method returns a changed copy; each
 * option's value is read back by the method of the same name without arguments.
 *
 * <p>By default a sink is <b>atomic</b>: it writes a temporary file in the target's directory
 * and moves it over the target with {@code ATOMIC_MOVE} when the run succeeds; after a failure
 * or a cancel the temporary file is deleted and the target is untouched (no partial file).
 * {@link #append(boolean) append(true)} instead appends to the target as items come, flushing
 * every {@link #flushEvery(int)} items and at the end.
 *
 * <pre>{@code
 * WriteOptions log = WriteOptions.defaults().append(true).flushEvery(100);
 * Sink<String, FileWriteResult> audit = FileSinks.lines(Path.of("audit.log"), log);
 * }</pre>
 */
public final class WriteOptions {

    /** Default number of items taken ahead from upstream and written per hand-off. */
    public static final int DEFAULT_PREFETCH = 256;

    private static final WriteOptions DEFAULTS = new WriteOptions(new Values());

    /** The options' values; the field initializers are the defaults. */
    private static final class Values extends Fields<Values> {
        boolean append;
        int flushEvery;
        boolean fsync;
        Charset charset = StandardCharsets.UTF_8;
        int prefetch = DEFAULT_PREFETCH;
        /** Null: {@link Schedulers#boundedElastic()}, looked up at use. */
        Scheduler scheduler;
        /** Null: the connectors' mapper. */
        ObjectMapper mapper;
    }

    private final Values v;

    private WriteOptions(Values v) {
        this.v = v;
    }

    private WriteOptions with(Consumer<Values> change) {
        return new WriteOptions(v.with(change));
    }

    /**
     * The defaults, as listed on each option: atomic, UTF-8, no intermediate flush, no fsync,
     * prefetch 256, boundedElastic.
     *
     * @return the default options
     */
    public static WriteOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Append to the target (created when missing) instead of replacing it atomically. Items
     * written before a failure stay in the file. The target must be a regular file with one
     * name: a symbolic link (even one pointing inside), a file with other hard links, a FIFO or
     * a device is refused with a {@link RefusedPathException}, so that appending never reaches
     * a file elsewhere. Defaults to false: atomic replacement, which replaces a link at the
     * target instead of writing through it.
     *
     * <p>Appending, an item counts as done (the sink's completed count, and the settlement
     * an {@link dev.pipeline.core.Source#acknowledged acknowledged source} is told) once its
     * bytes are flushed: at each {@link #flushEvery(int) flushEvery} flush (forced to the device
     * first with {@link #fsync(boolean) fsync}) and at the end, so a source that checkpoints
     * resumes after what is in the file. After a crash ({@code kill -9}, or power loss without
     * fsync) the file holds every item done and possibly some written after them, the last of
     * which may be torn (the buffer is written out whole when it fills, mid-line); the next
     * appending run ends a torn last line with a newline before it writes, so it stays one
     * malformed line that a reader rejects (an NDJSON or CSV source hands it to its error
     * policy) and no item is joined to it. Items after the last done one may be repeated by
     * a run that resumes: make readers tolerate duplicates (key them).
     *
     * @param append true to append, false to replace atomically
     * @return a copy in that mode
     */
    public WriteOptions append(boolean append) {
        return with(o -> o.append = append);
    }

    /**
     * The flush policy: flush to the operating system after every {@code items} items, so
     * readers of an appended file see progress and, appending, those items count as done. 0
     * flushes only when the buffer is full and at the end (appending, items are then done only
     * at the end). Behind a source that bounds the items it has unsettled, keep it below that
     * bound, or the source waits for items the sink holds until its next flush. Defaults to 0.
     *
     * @param items items between flushes, {@code >= 0}
     * @return a copy with that policy
     */
    public WriteOptions flushEvery(int items) {
        Require.nonNegative(items, "flushEvery");
        return with(o -> o.flushEvery = items);
    }

    /**
     * Also force the data to the storage device ({@code FileChannel.force}) at each flush and
     * before the atomic move, for durability across power loss. Defaults to false.
     *
     * @param fsync whether to force
     * @return a copy with that choice
     */
    public WriteOptions fsync(boolean fsync) {
        return with(o -> o.fsync = fsync);
    }

    /**
     * The charset to encode text. Defaults to UTF-8.
     *
     * @param charset the charset
     * @return a copy with that charset
     */
    public WriteOptions charset(Charset charset) {
        Require.nonNull(charset, "charset");
        return with(o -> o.charset = charset);
    }

    /**
     * How many items the sink requests ahead from upstream. Defaults to {@value #DEFAULT_PREFETCH}.
     *
     * @param items the prefetch, {@code > 0}
     * @return a copy with that prefetch
     */
    public WriteOptions prefetch(int items) {
        Require.positive(items, "prefetch");
        return with(o -> o.prefetch = items);
    }

    /**
     * The scheduler that runs the blocking writes. Defaults to {@link Schedulers#boundedElastic()}.
     *
     * @param scheduler a scheduler that may block
     * @return a copy with that scheduler
     */
    public WriteOptions scheduler(Scheduler scheduler) {
        Require.nonNull(scheduler, "scheduler");
        return with(o -> o.scheduler = scheduler);
    }

    /**
     * The Jackson mapper for NDJSON (and for turning objects into CSV rows). Defaults to a
     * mapper with the Java time module, ISO dates, and a {@code DeadLetter} serializer.
     *
     * @param mapper the mapper
     * @return a copy with that mapper
     */
    public WriteOptions mapper(ObjectMapper mapper) {
        Require.nonNull(mapper, "mapper");
        return with(o -> o.mapper = mapper);
    }

    /**
     * Whether the sink appends instead of replacing atomically.
     *
     * @return true in append mode
     */
    public boolean append() {
        return v.append;
    }

    /**
     * Items between flushes, 0 for none.
     *
     * @return the flush interval
     */
    public int flushEvery() {
        return v.flushEvery;
    }

    /**
     * Whether data is forced to the device.
     *
     * @return the fsync flag
     */
    public boolean fsync() {
        return v.fsync;
    }

    /**
     * The charset.
     *
     * @return the charset
     */
    public Charset charset() {
        return v.charset;
    }

    /**
     * The prefetch.
     *
     * @return items requested ahead
     */
    public int prefetch() {
        return v.prefetch;
    }

    /**
     * The scheduler for blocking writes.
     *
     * @return the scheduler
     */
    public Scheduler scheduler() {
        return v.scheduler == null ? Schedulers.boundedElastic() : v.scheduler;
    }

    /**
     * The Jackson mapper.
     *
     * @return the mapper
     */
    public ObjectMapper mapper() {
        return v.mapper == null ? Json.mapper() : v.mapper;
    }

    @Override
    public String toString() {
        return "WriteOptions[" + (v.append ? "append" : "atomic") + ", flushEvery=" + v.flushEvery + ", fsync=" + v.fsync
                + ", charset=" + v.charset + ", prefetch=" + v.prefetch + "]";
    }
}
