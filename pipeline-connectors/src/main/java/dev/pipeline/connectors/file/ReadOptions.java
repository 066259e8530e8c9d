package dev.pipeline.connectors.file;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pipeline.connectors.file.internal.Json;
import dev.pipeline.connectors.internal.Require;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Options for the file sources. Immutable: each option method returns a changed copy, so one
 * configured instance can serve many sources.
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
    public static final int DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

    private static final ReadOptions DEFAULTS = new ReadOptions(StandardCharsets.UTF_8, Malformed.REPORT,
            DEFAULT_BUFFER_SIZE, DEFAULT_MAX_LINE_BYTES, null, null);

    private final Charset charset;
    private final Malformed malformed;
    private final int bufferSize;
    private final int maxLineBytes;
    private final Scheduler scheduler;
    private final ObjectMapper mapper;

    private ReadOptions(Charset charset, Malformed malformed, int bufferSize, int maxLineBytes, Scheduler scheduler,
            ObjectMapper mapper) {
        this.charset = charset;
        this.malformed = malformed;
        this.bufferSize = bufferSize;
        this.maxLineBytes = maxLineBytes;
        this.scheduler = scheduler;
        this.mapper = mapper;
    }

    /**
     * The defaults: UTF-8, {@link Malformed#REPORT}, 64 KiB buffer, lines up to 16 MiB,
     * boundedElastic, the connectors' Jackson mapper.
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
        return new ReadOptions(Require.nonNull(charset, "charset"), malformed, bufferSize, maxLineBytes, scheduler, mapper);
    }

    /**
     * What to do with bytes invalid in the charset. Defaults to {@link Malformed#REPORT}.
     *
     * @param malformed report (fail naming file and line) or replace
     * @return a copy with that choice
     */
    public ReadOptions onMalformed(Malformed malformed) {
        return new ReadOptions(charset, Require.nonNull(malformed, "malformed"), bufferSize, maxLineBytes, scheduler, mapper);
    }

    /**
     * The read buffer size in bytes. Defaults to {@value #DEFAULT_BUFFER_SIZE}.
     *
     * @param bytes the size, {@code > 0}
     * @return a copy with that size
     */
    public ReadOptions bufferSize(int bytes) {
        return new ReadOptions(charset, malformed, Require.positive(bytes, "bufferSize"), maxLineBytes, scheduler, mapper);
    }

    /**
     * The longest line accepted, in bytes; a longer one fails the read naming file and line,
     * so a file without newlines cannot exhaust memory. Defaults to 16 MiB.
     *
     * @param bytes the limit, {@code > 0}
     * @return a copy with that limit
     */
    public ReadOptions maxLineBytes(int bytes) {
        return new ReadOptions(charset, malformed, bufferSize, Require.positive(bytes, "maxLineBytes"), scheduler, mapper);
    }

    /**
     * The scheduler that runs the blocking reads. Defaults to {@link Schedulers#boundedElastic()}.
     *
     * @param scheduler a scheduler that may block
     * @return a copy with that scheduler
     */
    public ReadOptions scheduler(Scheduler scheduler) {
        return new ReadOptions(charset, malformed, bufferSize, maxLineBytes, Require.nonNull(scheduler, "scheduler"), mapper);
    }

    /**
     * The Jackson mapper for NDJSON and CSV records. Defaults to a mapper with the Java time
     * module that ignores unknown properties.
     *
     * @param mapper the mapper
     * @return a copy with that mapper
     */
    public ReadOptions mapper(ObjectMapper mapper) {
        return new ReadOptions(charset, malformed, bufferSize, maxLineBytes, scheduler, Require.nonNull(mapper, "mapper"));
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
     * What happens to invalid bytes.
     *
     * @return report or replace
     */
    public Malformed onMalformed() {
        return malformed;
    }

    /**
     * The buffer size in bytes.
     *
     * @return the size
     */
    public int bufferSize() {
        return bufferSize;
    }

    /**
     * The longest line accepted, in bytes.
     *
     * @return the limit
     */
    public int maxLineBytes() {
        return maxLineBytes;
    }

    /**
     * The scheduler for blocking reads.
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
        return "ReadOptions[charset=" + charset + ", onMalformed=" + malformed + ", bufferSize=" + bufferSize + "]";
    }
}
