package dev.pipeline.connectors.file;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pipeline.connectors.file.internal.Json;
import dev.pipeline.connectors.internal.Require;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Options for the file sinks. Immutable: each option method returns a changed copy.
 *
 * <p>By default a sink is <b>atomic</b>: it writes a temporary file in the target's directory
 * and moves it over the target with {@code ATOMIC_MOVE} when the run succeeds; after a failure
 * or a cancel the temporary file is deleted and the target is untouched (no partial file).
 * {@link #append()} instead appends to the target as items come, flushing every
 * {@link #flushEvery(int)} items and at the end.
 *
 * <pre>{@code
 * WriteOptions log = WriteOptions.defaults().append().flushEvery(100);
 * Sink<String, FileWriteResult> audit = FileSinks.lines(Path.of("audit.log"), log);
 * }</pre>
 */
public final class WriteOptions {

    /** Default number of items taken ahead from upstream and written per hand-off. */
    public static final int DEFAULT_PREFETCH = 256;

    private static final WriteOptions DEFAULTS = new WriteOptions(false, 0, false, StandardCharsets.UTF_8,
            DEFAULT_PREFETCH, null, null);

    private final boolean append;
    private final int flushEvery;
    private final boolean fsync;
    private final Charset charset;
    private final int prefetch;
    private final Scheduler scheduler;
    private final ObjectMapper mapper;

    private WriteOptions(boolean append, int flushEvery, boolean fsync, Charset charset, int prefetch,
            Scheduler scheduler, ObjectMapper mapper) {
        this.append = append;
        this.flushEvery = flushEvery;
        this.fsync = fsync;
        this.charset = charset;
        this.prefetch = prefetch;
        this.scheduler = scheduler;
        this.mapper = mapper;
    }

    /**
     * The defaults: atomic, UTF-8, no intermediate flush, no fsync, prefetch 256, boundedElastic.
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
     * a file elsewhere. Defaults to atomic replacement, which replaces a link at the target
     * instead of writing through it.
     *
     * @return a copy in append mode
     */
    public WriteOptions append() {
        return new WriteOptions(true, flushEvery, fsync, charset, prefetch, scheduler, mapper);
    }

    /**
     * The flush policy: flush to the operating system after every {@code items} items, so
     * readers of an appended file see progress. 0 flushes only when the buffer is full and at
     * the end. Defaults to 0.
     *
     * @param items items between flushes, {@code >= 0}
     * @return a copy with that policy
     */
    public WriteOptions flushEvery(int items) {
        return new WriteOptions(append, Require.nonNegative(items, "flushEvery"), fsync, charset, prefetch, scheduler, mapper);
    }

    /**
     * Also force the data to the storage device ({@code FileChannel.force}) at each flush and
     * before the atomic move, for durability across power loss. Defaults to false.
     *
     * @param fsync whether to force
     * @return a copy with that choice
     */
    public WriteOptions fsync(boolean fsync) {
        return new WriteOptions(append, flushEvery, fsync, charset, prefetch, scheduler, mapper);
    }

    /**
     * The charset to encode text. Defaults to UTF-8.
     *
     * @param charset the charset
     * @return a copy with that charset
     */
    public WriteOptions charset(Charset charset) {
        return new WriteOptions(append, flushEvery, fsync, Require.nonNull(charset, "charset"), prefetch, scheduler, mapper);
    }

    /**
     * How many items the sink requests ahead from upstream. Defaults to {@value #DEFAULT_PREFETCH}.
     *
     * @param items the prefetch, {@code > 0}
     * @return a copy with that prefetch
     */
    public WriteOptions prefetch(int items) {
        return new WriteOptions(append, flushEvery, fsync, charset, Require.positive(items, "prefetch"), scheduler, mapper);
    }

    /**
     * The scheduler that runs the blocking writes. Defaults to {@link Schedulers#boundedElastic()}.
     *
     * @param scheduler a scheduler that may block
     * @return a copy with that scheduler
     */
    public WriteOptions scheduler(Scheduler scheduler) {
        return new WriteOptions(append, flushEvery, fsync, charset, prefetch, Require.nonNull(scheduler, "scheduler"), mapper);
    }

    /**
     * The Jackson mapper for NDJSON (and for turning objects into CSV rows). Defaults to a
     * mapper with the Java time module, ISO dates, and a {@code DeadLetter} serializer.
     *
     * @param mapper the mapper
     * @return a copy with that mapper
     */
    public WriteOptions mapper(ObjectMapper mapper) {
        return new WriteOptions(append, flushEvery, fsync, charset, prefetch, scheduler, Require.nonNull(mapper, "mapper"));
    }

    /**
     * Whether the sink appends instead of replacing atomically.
     *
     * @return true in append mode
     */
    public boolean isAppend() {
        return append;
    }

    /**
     * Items between flushes, 0 for none.
     *
     * @return the flush interval
     */
    public int flushEvery() {
        return flushEvery;
    }

    /**
     * Whether data is forced to the device.
     *
     * @return the fsync flag
     */
    public boolean fsync() {
        return fsync;
    }

    /**
     * The charset.
     *
     * @return the charset
     */
    public Charset charset() {
        return charset;
    }

    /**
     * The prefetch.
     *
     * @return items requested ahead
     */
    public int prefetch() {
        return prefetch;
    }

    /**
     * The scheduler for blocking writes.
     *
     * @return the scheduler
     */
    public Scheduler scheduler() {
        return scheduler == null ? Schedulers.boundedElastic() : scheduler;
    }

    /**
     * The Jackson mapper.
     *
     * @return the mapper
     */
    public ObjectMapper mapper() {
        return mapper == null ? Json.mapper() : mapper;
    }

    @Override
    public String toString() {
        return "WriteOptions[" + (append ? "append" : "atomic") + ", flushEvery=" + flushEvery + ", charset=" + charset + "]";
    }
}
