package dev.pipeline.connectors.file;

import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pipeline.connectors.file.internal.Json;
import dev.pipeline.connectors.internal.Fields;
import dev.pipeline.connectors.internal.Require;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Options for the file sources. Immutable: each option method returns a changed copy, so one
 * configured instance can serve many sources; each option's value is read back by the method
 * of the same name without arguments.
 *
 * <pre>{@code
 * ReadOptions latin1 = ReadOptions.defaults()
 *         .charset(StandardCharsets.ISO_8859_1)
 *         .onMalformed(Malformed.REPLACE);
 * Source<String> lines = FileSources.lines(Path.of("legacy.txt"), latin1);
 * }</pre>
 */
public final class ReadOptions {

    /** Default read buffer, in bytes. */
    public static final int DEFAULT_BUFFER_SIZE = 64 * 1024;
    /** Default longest line accepted, in bytes. */
    public static final int DEFAULT_MAX_LINE_SIZE = 16 * 1024 * 1024;

    /** Default most records a checkpointed source has read and not yet passed by its checkpoint. */
    public static final int DEFAULT_MAX_UNSETTLED = 10_000;

    private static final ReadOptions DEFAULTS = new ReadOptions(new Values());

    /** The options' values; the field initializers are the defaults. */
    private static final class Values extends Fields<Values> {
        Charset charset = StandardCharsets.UTF_8;
        Malformed malformed = Malformed.REPORT;
        int bufferSize = DEFAULT_BUFFER_SIZE;
        int maxLineSize = DEFAULT_MAX_LINE_SIZE;
        /** Null: {@link Schedulers#boundedElastic()}, looked up at use. */
        Scheduler scheduler;
        /** Null: the connectors' mapper. */
        ObjectMapper mapper;
        /** Null: no checkpoint. */
        Path checkpoint;
        Duration checkpointEvery = Duration.ofSeconds(1);
        int maxUnsettled = DEFAULT_MAX_UNSETTLED;
    }

    private final Values v;

    private ReadOptions(Values v) {
        this.v = v;
    }

    private ReadOptions with(Consumer<Values> change) {
        return new ReadOptions(v.with(change));
    }

    /**
     * The defaults, as listed on each option: UTF-8, {@link Malformed#REPORT}, 64 KiB buffer,
     * lines up to 16 MiB, boundedElastic, the connectors' Jackson mapper.
     *
     * @return the default options
     */
    public static ReadOptions defaults() {
        return DEFAULTS;
    }

    /**
     * The charset to decode. Defaults to UTF-8. {@code lines}/{@code ndjson} need a charset in
     * which {@code '\n'} is the single byte 0x0A (UTF-8, ISO-8859-x, windows-125x, US-ASCII).
     *
     * @param charset the charset
     * @return a copy with that charset
     */
    public ReadOptions charset(Charset charset) {
        Require.nonNull(charset, "charset");
        return with(o -> o.charset = charset);
    }

    /**
     * What to do with bytes invalid in the charset. Defaults to {@link Malformed#REPORT}.
     *
     * @param malformed report (fail naming file and line) or replace
     * @return a copy with that choice
     */
    public ReadOptions onMalformed(Malformed malformed) {
        Require.nonNull(malformed, "malformed");
        return with(o -> o.malformed = malformed);
    }

    /**
     * The read buffer size in bytes. Defaults to {@value #DEFAULT_BUFFER_SIZE}. The buffer
     * grows, up to {@link #maxLineSize(int) maxLineSize}, for a line longer than it, and is
     * never bigger than {@code maxLineSize}, so the limit holds whatever the two values.
     *
     * @param bytes the size, {@code > 0}
     * @return a copy with that size
     */
    public ReadOptions bufferSize(int bytes) {
        Require.positive(bytes, "bufferSize");
        return with(o -> o.bufferSize = bytes);
    }

    /**
     * The longest line accepted, in bytes; a longer one fails the read naming file and line,
     * so a file without newlines cannot exhaust memory. Defaults to 16 MiB.
     *
     * @param bytes the limit, {@code > 0}
     * @return a copy with that limit
     */
    public ReadOptions maxLineSize(int bytes) {
        Require.positive(bytes, "maxLineSize");
        return with(o -> o.maxLineSize = bytes);
    }

    /**
     * The scheduler that runs the blocking reads. Defaults to {@link Schedulers#boundedElastic()}.
     *
     * @param scheduler a scheduler that may block
     * @return a copy with that scheduler
     */
    public ReadOptions scheduler(Scheduler scheduler) {
        Require.nonNull(scheduler, "scheduler");
        return with(o -> o.scheduler = scheduler);
    }

    /**
     * The Jackson mapper for NDJSON and CSV records. Defaults to a mapper with the Java time
     * module that ignores unknown properties.
     *
     * @param mapper the mapper
     * @return a copy with that mapper
     */
    public ReadOptions mapper(ObjectMapper mapper) {
        Require.nonNull(mapper, "mapper");
        return with(o -> o.mapper = mapper);
    }

    /**
     * Keeps a checkpoint in {@code file}, so that a run that dies (even {@code kill -9}) resumes
     * where every record before was done: the {@code lines} and {@code ndjson} sources then
     * track the byte position after each record, {@code csv} the record count, as an
     * {@link dev.pipeline.core.Source#acknowledged acknowledged source}; the checkpoint moves
     * when the pipeline has finished every record before a position (stored, filtered,
     * skipped or dead-lettered) and is written atomically at most every
     * {@link #checkpointEvery}. A restart with the same checkpoint reads from there: nothing
     * is lost, and what is read again (records the last run had read but not finished) is
     * marked {@link dev.pipeline.core.Delivery#redelivered() redelivered} and counted in the
     * report's {@link dev.pipeline.core.AckReport}. A lock file beside it ({@code <file>.lock},
     * an OS lock released when the process dies) refuses a second run at once. Delete the
     * checkpoint to read the file from the start again. Defaults to none.
     *
     * @param file the checkpoint file (its directory must exist)
     * @return a copy with that checkpoint
     */
    public ReadOptions checkpoint(Path file) {
        Require.nonNull(file, "file");
        return with(o -> o.checkpoint = file);
    }

    /**
     * How often the checkpoint is written at most, while the run goes; it is always written
     * when the run ends. A kill repeats at most the records finished since the last write plus
     * those in flight. Defaults to 1 second.
     *
     * @param every the least time between two writes, {@code >= 0}
     * @return a copy with that interval
     */
    public ReadOptions checkpointEvery(Duration every) {
        Require.nonNegative(every, "every");
        return with(o -> o.checkpointEvery = every);
    }

    /**
     * The most records a checkpointed source keeps read and not yet passed by the checkpoint:
     * those in flight plus those finished but waiting behind an earlier unfinished one (the
     * gap). At the bound the source stops reading and resumes once the checkpoint moves, so one
     * slow or retrying record cannot make memory grow without limit; a kill repeats at most
     * this many plus what was finished since the last write. Ignored without a
     * {@link #checkpoint}. Defaults to {@value #DEFAULT_MAX_UNSETTLED}.
     *
     * @param records the bound, {@code >= 1}
     * @return a copy with that bound
     */
    public ReadOptions maxUnsettled(int records) {
        Require.positive(records, "records");
        return with(o -> o.maxUnsettled = records);
    }

    /**
     * The most records read and not yet passed by the checkpoint.
     *
     * @return the bound
     */
    public int maxUnsettled() {
        return v.maxUnsettled;
    }

    /**
     * The checkpoint file, or null.
     *
     * @return the checkpoint file, or null when there is none
     */
    public Path checkpoint() {
        return v.checkpoint;
    }

    /**
     * The least time between two checkpoint writes.
     *
     * @return the interval
     */
    public Duration checkpointEvery() {
        return v.checkpointEvery;
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
     * What happens to invalid bytes.
     *
     * @return report or replace
     */
    public Malformed onMalformed() {
        return v.malformed;
    }

    /**
     * The buffer size in bytes.
     *
     * @return the size
     */
    public int bufferSize() {
        return v.bufferSize;
    }

    /**
     * The longest line accepted, in bytes.
     *
     * @return the limit
     */
    public int maxLineSize() {
        return v.maxLineSize;
    }

    /**
     * The scheduler for blocking reads.
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
        return "ReadOptions[charset=" + v.charset + ", onMalformed=" + v.malformed + ", bufferSize=" + v.bufferSize
                + ", maxLineSize=" + v.maxLineSize + (v.checkpoint == null ? "" : ", checkpoint=" + v.checkpoint
                + " every " + v.checkpointEvery + ", maxUnsettled=" + v.maxUnsettled) + "]";
    }
}
