package dev.pipeline.connectors.file;

import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.pipeline.connectors.file.internal.CsvRows;
import dev.pipeline.connectors.file.internal.Inbox;
import dev.pipeline.connectors.file.internal.LineReader;
import dev.pipeline.connectors.file.internal.Resumable;
import dev.pipeline.connectors.file.internal.Rejected;
import dev.pipeline.core.Source;
import dev.pipeline.core.StageContext;
import dev.pipeline.connectors.internal.Require;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Sources that read files: lines, NDJSON, CSV, and a directory inbox.
 *
 * <p>Every source is cold and lazy: the file is opened when a run subscribes, read as the
 * pipeline requests items (never whole into memory), and closed on complete, error and cancel.
 * Reads run on {@link ReadOptions#scheduler()} (boundedElastic by default), never on Reactor's
 * non-blocking threads; items are emitted on that thread.
 *
 * <p>A missing file, a directory or an unreadable file fails the run with a
 * {@link FileAccessException} naming the path. A bad NDJSON or CSV record is a
 * {@link MalformedRecordException} (file, line, raw text) handed to the source's error policy,
 * so with {@code .onError(ErrorPolicy.deadLetter(...))} it is kept while the rest flows on:
 *
 * <pre>{@code
 * Source<Order> orders = FileSources.ndjson(Path.of("orders.ndjson"), Order.class)
 *         .onError(ErrorPolicy.deadLetter(FileSinks.ndjson(Path.of("bad-orders.ndjson"))));
 * PipelineReport<FileWriteResult> report = Pipeline.from(orders)
 *         .then(Stage.map("total", Order::total))
 *         .to(FileSinks.lines(Path.of("totals.txt")))
 *         .run().block();
 * }</pre>
 *
 * Options come as an immutable {@link ReadOptions} in an overload of each factory.
 */
public final class FileSources {

    private FileSources() {
    }

    /**
     * The lines of a UTF-8 text file, without their terminators: {@code \n}, {@code \r\n} or a
     * lone {@code \r}, as {@link java.io.BufferedReader#readLine()} and Python's universal
     * newlines split them. A last line without a terminator is a line. Invalid UTF-8 fails the run naming the file
     * and the line.
     *
     * @param path the file
     * @return a source named {@code lines(<file name>)}
     */
    public static Source<String> lines(Path path) {
        return lines(path, ReadOptions.defaults());
    }

    /**
     * The lines of a text file, with options (charset, what to do with invalid input, buffer,
     * scheduler). With {@link Malformed#REPORT} (the default) invalid input fails the run with
     * a {@link MalformedRecordException} naming file and line; with {@link Malformed#REPLACE}
     * it is replaced by U+FFFD.
     *
     * @param path the file
     * @param options the options
     * @return the source
     * @throws IllegalArgumentException for a charset in which a newline is not the byte 0x0A
     */
    public static Source<String> lines(Path path, ReadOptions options) {
        Require.nonNull(path, "path");
        Require.nonNull(options, "options");
        LineReader.requireAsciiCompatible(options.charset());
        String name = "lines(" + path.getFileName() + ")";
        if (options.checkpoint() != null) {
            return Resumable.source(name, path, options, state -> {
                LineReader lines = LineReader.open(path, options, state.position(), state.lines());
                return reader(lines, () -> {
                    String line = lines.next();
                    return line == null ? null : new Resumable.Read(line, lines.position(), lines.lineNumber());
                });
            });
        }
        return Source.create(name, ctx -> lineFlux(path, options));
    }

    /**
     * Objects read from a newline-delimited JSON file, one per line, with Jackson; blank lines
     * are skipped. A line that is not valid JSON for {@code type} is rejected as a
     * {@link MalformedRecordException} (file, line, raw text) through the source's error policy.
     *
     * @param path the file
     * @param type the class of each line's object
     * @param <T> the item type
     * @return a source named {@code ndjson(<file name>)}
     */
    public static <T> Source<T> ndjson(Path path, Class<T> type) {
        return ndjson(path, type, ReadOptions.defaults());
    }

    /**
     * {@link #ndjson(Path, Class)} with options.
     *
     * @param path the file
     * @param type the class of each line's object
     * @param options the options (charset, mapper, scheduler)
     * @param <T> the item type
     * @return the source
     */
    public static <T> Source<T> ndjson(Path path, Class<T> type, ReadOptions options) {
        Require.nonNull(path, "path");
        Require.nonNull(type, "type");
        Require.nonNull(options, "options");
        LineReader.requireAsciiCompatible(options.charset());
        ObjectReader reader = options.mapper().readerFor(type);
        String name = "ndjson(" + path.getFileName() + ")";
        if (options.checkpoint() != null) {
            return Resumable.source(name, path, options, state -> {
                LineReader lines = LineReader.open(path, options, state.position(), state.lines());
                return reader(lines, () -> {
                    Object next = nextJson(lines, reader, path, type);
                    return next == null ? null : new Resumable.Read(next, lines.position(), lines.lineNumber());
                });
            });
        }
        return Source.create(name, ctx -> Flux.<Object, LineReader>generate(
                () -> LineReader.open(path, options),
                (lines, sink) -> {
                    Object next = nextJson(lines, reader, path, type);
                    if (next == null) {
                        sink.complete();
                    } else {
                        sink.next(next);
                    }
                    return lines;
                },
                LineReader::close)
                .subscribeOn(options.scheduler())
                .concatMap(o -> emitOrReject(o, ctx, type), 32));
    }

    /** The next NDJSON object (blank lines skipped), a {@link Rejected} line, or null at the end. */
    private static Object nextJson(LineReader lines, ObjectReader reader, Path path, Class<?> type) {
        String line;
        do {
            line = lines.next();
        } while (line != null && line.isBlank());
        if (line == null) {
            return null;
        }
        try {
            Object value = reader.readValue(line);
            if (value == null) {
                return new Rejected(line, new MalformedRecordException(path, lines.lineNumber(), line,
                        "null is not a " + type.getSimpleName(), null));
            }
            return value;
        } catch (JsonProcessingException e) {
            return new Rejected(line, new MalformedRecordException(path, lines.lineNumber(), line,
                    e.getOriginalMessage(), e));
        }
    }

    /** A resumable reader over an open reader. */
    private static Resumable.Reader reader(AutoCloseable open, java.util.function.Supplier<Resumable.Read> next) {
        return new Resumable.Reader() {
            @Override
            public Resumable.Read next() {
                return next.get();
            }

            @Override
            public void close() {
                try {
                    open.close();
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    /**
     * The rows of a CSV file as maps from column name to value, in column order: the first row
     * is the header. Quoting, embedded separators and newlines are handled by FastCSV. A row
     * with a different number of fields than the header is rejected as a
     * {@link MalformedRecordException} (file, starting line, raw text) through the source's
     * error policy; a duplicate column name, bytes that are not UTF-8 (a
     * {@link MalformedRecordException} naming the line they are on) or an unreadable file fail
     * the run.
     *
     * @param path the file
     * @return a source named {@code csv(<file name>)}
     */
    public static Source<Map<String, String>> csv(Path path) {
        return csv(path, ReadOptions.defaults());
    }

    /**
     * {@link #csv(Path)} with options (charset, what to do with invalid bytes, scheduler).
     *
     * @param path the file
     * @param options the options
     * @return the source
     */
    public static Source<Map<String, String>> csv(Path path, ReadOptions options) {
        Require.nonNull(path, "path");
        Require.nonNull(options, "options");
        String name = "csv(" + path.getFileName() + ")";
        if (options.checkpoint() != null) {
            return Resumable.source(name, path, options, state -> csvReader(path, options, state.records(),
                    o -> o instanceof CsvRows.Row r ? r.values() : o));
        }
        return Source.create(name, ctx -> csvFlux(path, options)
                .concatMap(o -> o instanceof CsvRows.Row r ? Mono.just(r.values()) : reject((Rejected) o, ctx), 32));
    }

    /**
     * The rows of a CSV file mapped to {@code type} (a record or bean whose property names are
     * the header's column names) with Jackson, which converts text to numbers, booleans, dates.
     * A row that does not convert is rejected like a row with the wrong field count.
     *
     * @param path the file
     * @param type the row type
     * @param <T> the row type
     * @return a source named {@code csv(<file name>)}
     */
    public static <T> Source<T> csv(Path path, Class<T> type) {
        return csv(path, type, ReadOptions.defaults());
    }

    /**
     * {@link #csv(Path, Class)} with options.
     *
     * @param path the file
     * @param type the row type
     * @param options the options
     * @param <T> the row type
     * @return the source
     */
    public static <T> Source<T> csv(Path path, Class<T> type, ReadOptions options) {
        Require.nonNull(path, "path");
        Require.nonNull(type, "type");
        Require.nonNull(options, "options");
        java.util.function.Function<Object, Object> convert = o -> {
            if (o instanceof CsvRows.Row r) {
                try {
                    return options.mapper().convertValue(r.values(), type);
                } catch (IllegalArgumentException e) {
                    String raw = CsvRows.text(java.util.List.copyOf(r.values().values()));
                    return new Rejected(raw, new MalformedRecordException(path, r.line(), raw,
                            "cannot convert to " + type.getSimpleName() + ": " + firstLine(e.getMessage()), e));
                }
            }
            return o;
        };
        String name = "csv(" + path.getFileName() + ")";
        if (options.checkpoint() != null) {
            return Resumable.source(name, path, options, state -> csvReader(path, options, state.records(), convert));
        }
        return Source.create(name, ctx -> csvFlux(path, options)
                .map(convert)
                .concatMap(o -> emitOrReject(o, ctx, type), 32));
    }

    /**
     * A directory inbox: emits the files in {@code dir} whose names match {@code glob} (e.g.
     * {@code "*.csv"}), first those already there, then new ones as they arrive (through a
     * {@link java.nio.file.WatchService}); never completes by itself (cancel the run to stop).
     * Each {@link InboxFile} is moved to {@code dir/done/} or {@code dir/failed/} when the
     * pipeline calls {@link InboxFile#done()} or {@link InboxFile#failed()}. Producers should
     * write a file elsewhere and move it in, so that it is complete when it appears.
     *
     * @param dir the directory to watch
     * @param glob a glob for file names ({@code *}, {@code ?}, {@code {a,b}})
     * @return a source named {@code inbox(<dir>)}
     */
    public static Source<InboxFile> inbox(Path dir, String glob) {
        return inbox(dir, glob, ReadOptions.defaults());
    }

    /**
     * {@link #inbox(Path, String)} with options (only the scheduler applies).
     *
     * @param dir the directory to watch
     * @param glob a glob for file names
     * @param options the options
     * @return the source
     */
    public static Source<InboxFile> inbox(Path dir, String glob, ReadOptions options) {
        Require.nonNull(dir, "dir");
        Require.nonBlank(glob, "glob");
        Require.nonNull(options, "options");
        return Source.create("inbox(" + dir.getFileName() + ")", ctx -> Inbox.watch(dir, glob, options.scheduler()));
    }

    /**
     * The files in {@code dir} matching {@code glob} right now, then completes: an inbox for
     * batch jobs. Files are moved like {@link #inbox}'s.
     *
     * @param dir the directory
     * @param glob a glob for file names
     * @return a source named {@code inbox(<dir>)}
     */
    public static Source<InboxFile> inboxOnce(Path dir, String glob) {
        Require.nonNull(dir, "dir");
        Require.nonBlank(glob, "glob");
        ReadOptions options = ReadOptions.defaults();
        return Source.create("inbox(" + dir.getFileName() + ")", ctx -> Inbox.once(dir, glob, options.scheduler()));
    }

    /** The lines as a plain Flux (used by benchmarks and by the sources above). */
    static Flux<String> lineFlux(Path path, ReadOptions options) {
        return Flux.<String, LineReader>generate(
                () -> LineReader.open(path, options),
                (lines, sink) -> {
                    String line = lines.next();
                    if (line == null) {
                        sink.complete();
                    } else {
                        sink.next(line);
                    }
                    return lines;
                },
                LineReader::close)
                .subscribeOn(options.scheduler());
    }

    private static Flux<Object> csvFlux(Path path, ReadOptions options) {
        return Flux.<Object, CsvRows>generate(
                () -> CsvRows.open(path, options),
                (rows, sink) -> {
                    Object next = rows.next();
                    if (next == null) {
                        sink.complete();
                    } else {
                        sink.next(next);
                    }
                    return rows;
                },
                CsvRows::close)
                .subscribeOn(options.scheduler());
    }

    /** CSV rows after the first {@code skip} (those a checkpoint says are done), the position being the row count. */
    private static Resumable.Reader csvReader(Path path, ReadOptions options, long skip,
            java.util.function.Function<Object, Object> convert) {
        CsvRows rows = CsvRows.open(path, options);
        long[] count = {0};
        try {
            while (count[0] < skip && rows.next() != null) {
                count[0]++;
            }
        } catch (RuntimeException e) {
            rows.close();
            throw e;
        }
        return reader(rows, () -> {
            Object next = rows.next();
            if (next == null) {
                return null;
            }
            count[0]++;
            return new Resumable.Read(convert.apply(next), count[0], 0);
        });
    }

    private static <T> Mono<T> emitOrReject(Object o, StageContext ctx, Class<T> type) {
        if (o instanceof Rejected r) {
            return reject(r, ctx);
        }
        return Mono.just(type.cast(o));
    }

    private static <T> Mono<T> reject(Rejected r, StageContext ctx) {
        return ctx.reject(r.raw(), r.error(), 1).then(Mono.empty());
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
