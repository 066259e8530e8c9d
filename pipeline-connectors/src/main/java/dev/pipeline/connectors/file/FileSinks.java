package dev.pipeline.connectors.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.pipeline.connectors.file.internal.IoErrors;
import dev.pipeline.connectors.file.internal.TargetFile;
import dev.pipeline.core.Sink;
import dev.pipeline.core.StageContext;
import dev.pipeline.core.internal.Require;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Sinks that write files: lines, NDJSON, CSV, and partitioned into many files.
 *
 * <p><b>Atomic by default:</b> a sink writes a temporary file in the target's directory and
 * moves it over the target ({@code ATOMIC_MOVE}) when the run succeeds. After a failure or a
 * cancel the temporary file is deleted: no partial target file exists, and an existing target
 * is left as it was. {@link WriteOptions#append()} appends instead, with a flush policy.
 * Writes run on {@link WriteOptions#scheduler()} (boundedElastic by default).
 *
 * <p>The run's result is a {@link FileWriteResult}: the path, the items and the bytes written.
 * An item the format cannot encode (Jackson fails on it) goes to the sink's error policy
 * ({@code sink.onError(...)}); an I/O error fails the run, naming the file.
 *
 * <pre>{@code
 * PipelineReport<FileWriteResult> report = Pipeline.from(FileSources.csv(Path.of("people.csv")))
 *         .then(Stage.filter("adults", row -> Integer.parseInt(row.get("age")) >= 18))
 *         .to(FileSinks.ndjson(Path.of("adults.ndjson")))
 *         .run().block();
 * }</pre>
 *
 * {@code FileSinks.ndjson(path)} also serves as a dead-letter sink:
 * {@code ErrorPolicy.deadLetter(FileSinks.ndjson(Path.of("dead.ndjson")))}.
 */
public final class FileSinks {

    /** Most files a partitioned sink keeps open in one run. */
    public static final int MAX_PARTITIONS = 1024;

    private FileSinks() {
    }

    /**
     * Writes each item's {@code String.valueOf} as a line (UTF-8, {@code \n}), atomically.
     *
     * @param path the target file
     * @param <T> the item type
     * @return a sink named {@code lines(<file name>)}
     */
    public static <T> Sink<T, FileWriteResult> lines(Path path) {
        return lines(path, WriteOptions.defaults());
    }

    /**
     * {@link #lines(Path)} with options (append, flush policy, charset, scheduler).
     *
     * @param path the target file
     * @param options the options
     * @param <T> the item type
     * @return the sink
     */
    public static <T> Sink<T, FileWriteResult> lines(Path path, WriteOptions options) {
        return write("lines", path, FileFormat.lines(), options);
    }

    /**
     * Writes each item as one line of JSON (Jackson), atomically. Dead letters are written with
     * their stage, item, reason, error class, attempts and time, so this is the usual
     * dead-letter sink.
     *
     * @param path the target file
     * @param <T> the item type
     * @return a sink named {@code ndjson(<file name>)}
     */
    public static <T> Sink<T, FileWriteResult> ndjson(Path path) {
        return ndjson(path, WriteOptions.defaults());
    }

    /**
     * {@link #ndjson(Path)} with options.
     *
     * @param path the target file
     * @param options the options
     * @param <T> the item type
     * @return the sink
     */
    public static <T> Sink<T, FileWriteResult> ndjson(Path path, WriteOptions options) {
        return write("ndjson", path, FileFormat.ndjson(), options);
    }

    /**
     * Writes CSV with a header of {@code columns}; each item is a {@code Map} or an object
     * Jackson maps to one (a record or bean), atomically. In append mode the header is written
     * only into an empty file.
     *
     * @param path the target file
     * @param columns the header, in order
     * @param <T> the item type
     * @return a sink named {@code csv(<file name>)}
     */
    public static <T> Sink<T, FileWriteResult> csv(Path path, List<String> columns) {
        return write("csv", path, FileFormat.csv(columns), WriteOptions.defaults());
    }

    /**
     * Writes CSV with a header of {@code columns}, taking each item's fields from {@code values}.
     *
     * @param path the target file
     * @param columns the header, in order
     * @param values an item's fields in column order
     * @param <T> the item type
     * @return the sink
     */
    public static <T> Sink<T, FileWriteResult> csv(Path path, List<String> columns,
            Function<? super T, ? extends List<?>> values) {
        return write("csv", path, FileFormat.csv(columns, values), WriteOptions.defaults());
    }

    /**
     * Writes CSV with a header of {@code columns} and options.
     *
     * @param path the target file
     * @param columns the header, in order
     * @param values an item's fields in column order, or null to map items with Jackson
     * @param options the options
     * @param <T> the item type
     * @return the sink
     */
    public static <T> Sink<T, FileWriteResult> csv(Path path, List<String> columns,
            Function<? super T, ? extends List<?>> values, WriteOptions options) {
        return write("csv", path, FileFormat.csv(columns, values), options);
    }

    /**
     * Writes items to files under {@code baseDir} chosen per item by {@code relativeName}
     * (e.g. {@code order -> order.day() + "/orders.ndjson"}), in {@code format}, each file
     * atomically (or appended). Subdirectories are created. A name that resolves outside
     * {@code baseDir} ({@code ../x}, an absolute path, a symbolic link out) is refused: the item
     * goes to the sink's error policy with an {@link IllegalArgumentException} saying so. At
     * most {@value #MAX_PARTITIONS} files per run.
     *
     * @param baseDir the directory every file must be in (must exist)
     * @param relativeName the file for an item, relative to {@code baseDir}
     * @param format how items become text
     * @param <T> the item type
     * @return a sink named {@code partitioned(<dir name>)}
     */
    public static <T> Sink<T, PartitionedWriteResult> partitioned(Path baseDir, Function<? super T, String> relativeName,
            FileFormat<T> format) {
        return partitioned(baseDir, relativeName, format, WriteOptions.defaults());
    }

    /**
     * {@link #partitioned(Path, Function, FileFormat)} with options.
     *
     * @param baseDir the directory every file must be in (must exist)
     * @param relativeName the file for an item, relative to {@code baseDir}
     * @param format how items become text
     * @param options the options
     * @param <T> the item type
     * @return the sink
     */
    public static <T> Sink<T, PartitionedWriteResult> partitioned(Path baseDir, Function<? super T, String> relativeName,
            FileFormat<T> format, WriteOptions options) {
        Require.nonNull(baseDir, "baseDir");
        Require.nonNull(relativeName, "relativeName");
        Require.nonNull(format, "format");
        Require.nonNull(options, "options");
        return Sink.create("partitioned(" + baseDir.getFileName() + ")", (Flux<T> items, StageContext ctx) -> Mono.usingWhen(
                Mono.fromSupplier(() -> new Partitions<>(baseDir, format, options)),
                parts -> items.publishOn(options.scheduler(), options.prefetch())
                        .concatMap(item -> {
                            try {
                                parts.write(item, relativeName);
                                return Mono.<Void>empty();
                            } catch (Partitions.Refused | Partitions.Unencodable e) {
                                return ctx.reject(item, e.getCause() != null && e instanceof Partitions.Unencodable
                                        ? e.getCause() : e, 1).publishOn(options.scheduler());
                            }
                        }, 32)
                        .then(Mono.fromCallable(parts::commit).subscribeOn(options.scheduler()))
                        .doOnNext(r -> ctx.completed(r.items())),
                parts -> Mono.empty(),
                (parts, e) -> Mono.fromRunnable(parts::abort).subscribeOn(options.scheduler()),
                parts -> Mono.fromRunnable(parts::abort).subscribeOn(options.scheduler())));
    }

    private static <T> Sink<T, FileWriteResult> write(String kind, Path path, FileFormat<T> format, WriteOptions options) {
        Require.nonNull(path, "path");
        Require.nonNull(options, "options");
        return Sink.create(kind + "(" + path.getFileName() + ")", (Flux<T> items, StageContext ctx) -> Mono.usingWhen(
                // no I/O here: a cancel that races the open would leak the file; it opens on the first write
                Mono.fromSupplier(() -> new LazyWriting<>(path, format, options)),
                w -> items.publishOn(options.scheduler(), options.prefetch())
                        .concatMap(item -> {
                            Writing<T> open = w.get();
                            String text;
                            try {
                                text = open.encoder.encode(item);
                            } catch (Exception e) {
                                return ctx.reject(item, e, 1).publishOn(options.scheduler());
                            }
                            open.file.write(text);
                            return Mono.<Void>empty();
                        }, 32)
                        .then(Mono.fromCallable(w::commit).subscribeOn(options.scheduler()))
                        .doOnNext(r -> ctx.completed(r.items())),
                w -> Mono.empty(),
                (w, e) -> Mono.fromRunnable(w::abort).subscribeOn(options.scheduler()),
                w -> Mono.fromRunnable(w::abort).subscribeOn(options.scheduler())));
    }

    /** Opens the file on first use; after an abort it never opens. */
    static final class LazyWriting<T> {
        private final Path path;
        private final FileFormat<T> format;
        private final WriteOptions options;
        private Writing<T> open;
        private boolean aborted;

        LazyWriting(Path path, FileFormat<T> format, WriteOptions options) {
            this.path = path;
            this.format = format;
            this.options = options;
        }

        synchronized Writing<T> get() {
            if (aborted) {
                throw new IllegalStateException("the write to " + path + " was cancelled or failed");
            }
            if (open == null) {
                open = FileSinks.open(path, format, options);
            }
            return open;
        }

        synchronized FileWriteResult commit() {
            return get().file.commit();
        }

        synchronized void abort() {
            aborted = true;
            if (open != null) {
                open.file.abort();
            }
        }
    }

    static <T> Writing<T> open(Path path, FileFormat<T> format, WriteOptions options) {
        TargetFile file = TargetFile.open(path, options);
        try {
            String header = format.headerLine();
            if (header != null) {
                file.writeHeader(header);
            }
            return new Writing<>(file, format.encoder(options));
        } catch (RuntimeException e) {
            file.abort();
            throw e;
        }
    }

    /** One open file and its encoder. */
    static final class Writing<T> {
        final TargetFile file;
        final FileFormat.Encoder<T> encoder;

        Writing(TargetFile file, FileFormat.Encoder<T> encoder) {
            this.file = file;
            this.encoder = encoder;
        }
    }

    /** The open files of a partitioned sink. */
    static final class Partitions<T> {

        /** A name outside the base directory. */
        static final class Refused extends IllegalArgumentException {
            private static final long serialVersionUID = 1L;

            Refused(String message) {
                super(message);
            }
        }

        /** An item the format could not encode (the cause). */
        static final class Unencodable extends RuntimeException {
            private static final long serialVersionUID = 1L;

            Unencodable(Exception cause) {
                super(cause);
            }
        }

        private final Path base;
        private Path realBase;
        private final FileFormat<T> format;
        private final WriteOptions options;
        private final Map<Path, Writing<T>> open = new java.util.LinkedHashMap<>();
        private boolean aborted;

        Partitions(Path baseDir, FileFormat<T> format, WriteOptions options) {
            this.base = baseDir.toAbsolutePath().normalize();
            this.format = format;
            this.options = options;
        }

        synchronized void write(T item, Function<? super T, String> relativeName) {
            if (aborted) {
                throw new IllegalStateException("the write under " + base + " was cancelled or failed");
            }
            if (realBase == null) {
                try {
                    realBase = base.toRealPath();
                } catch (IOException e) {
                    throw IoErrors.write(base, e);
                }
                if (!Files.isDirectory(realBase)) {
                    throw IoErrors.write(base, new java.nio.file.NotDirectoryException(base.toString()));
                }
            }
            String name = relativeName.apply(item);
            Path target = resolve(name);
            Writing<T> w = open.get(target);
            if (w == null) {
                if (open.size() >= MAX_PARTITIONS) {
                    throw new IllegalStateException("partitioned sink under " + base + " would open more than "
                            + MAX_PARTITIONS + " files; partition more coarsely");
                }
                try {
                    Files.createDirectories(target.getParent());
                    if (!target.getParent().toRealPath().startsWith(realBase)) {
                        throw new Refused("partition name '" + name + "' leads outside " + base
                                + " through a symbolic link; refused");
                    }
                } catch (IOException e) {
                    throw IoErrors.write(target, e);
                }
                w = open(target, format, options);
                open.put(target, w);
            }
            String text;
            try {
                text = w.encoder.encode(item);
            } catch (Exception e) {
                throw new Unencodable(e);
            }
            w.file.write(text);
        }

        private Path resolve(String name) {
            if (name == null || name.isBlank()) {
                throw new Refused("partition name must not be blank (under " + base + ")");
            }
            Path target = base.resolve(name).normalize();
            if (!target.startsWith(base) || target.equals(base)) {
                throw new Refused("partition name '" + name + "' resolves outside " + base
                        + " (path traversal); names must be relative paths inside the base directory");
            }
            return target;
        }

        synchronized PartitionedWriteResult commit() {
            Map<Path, Long> files = new java.util.LinkedHashMap<>();
            long total = 0;
            for (Writing<T> w : open.values()) {
                try {
                    FileWriteResult r = w.file.commit();
                    files.put(r.path(), r.items());
                    total += r.items();
                } catch (RuntimeException e) {
                    abort();
                    throw e;
                }
            }
            return new PartitionedWriteResult(base, files, total);
        }

        synchronized void abort() {
            aborted = true;
            RuntimeException first = null;
            for (Writing<T> w : open.values()) {
                try {
                    w.file.abort();
                } catch (RuntimeException e) {
                    if (first == null) {
                        first = e;
                    } else {
                        first.addSuppressed(e);
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        }
    }
}
