package dev.pipeline.connectors.file;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

import dev.pipeline.connectors.file.internal.IoErrors;
import dev.pipeline.connectors.file.internal.OpenDirectory;
import dev.pipeline.core.Sink;
import dev.pipeline.core.StageContext;
import dev.pipeline.connectors.internal.Require;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Sinks that write files: lines, NDJSON, CSV, and partitioned into many files.
 *
 * <p><b>Atomic by default:</b> a sink writes a temporary file in the target's directory and
 * moves it over the target ({@code ATOMIC_MOVE}) when the run succeeds. After a failure or a
 * cancel the temporary file is deleted: no partial target file exists, and an existing target
 * is left as it was. {@link WriteOptions#append(boolean) WriteOptions.append(true)} appends instead, with a flush policy.
 * Writes run on {@link WriteOptions#scheduler()} (boundedElastic by default).
 *
 * <p>The run's result is a {@link FileWriteResult}: the path, the items and the bytes written.
 * An item the format cannot encode (Jackson fails on it) goes to the sink's error policy
 * ({@code sink.onError(...)}); an I/O error fails the run, naming the file.
 *
 * <p><b>Never outside the base directory:</b> a sink creates, writes, renames and deletes only
 * entries of its base directory (a single-file sink's: the target's directory, as named;
 * a partitioned sink's: {@code baseDir}) and, for a partitioned sink, of directories it reaches
 * from there without following a symbolic link. The directory is held open for the run and
 * every operation is relative to it, so a directory swapped for a link during the run changes
 * nothing (Linux and other systems with a {@link java.nio.file.SecureDirectoryStream}). A link at
 * the target is replaced by an atomic sink, its destination untouched; an appending sink
 * refuses it, and a file with other hard links, a FIFO or a directory, with a
 * {@link RefusedPathException}. docs/connectors/files.md ("Safety") says exactly what is
 * guaranteed and the one case that is not.
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
     * atomically (or appended). Subdirectories are created, one component at a time, each
     * checked before anything is created in it. At most {@value #MAX_PARTITIONS} files per run.
     *
     * <p>An item whose file cannot be had goes to the sink's error policy, and the other
     * partitions are written as usual: with a {@link RefusedPathException} (an
     * {@link IllegalArgumentException}) when its name is refused (blank, resolving outside
     * {@code baseDir} such as {@code ../x} or an absolute path, not a path at all such as one
     * with a NUL byte, a symbolic link on the way or, appending, at the name, a directory where
     * the file should be, a file of this run where a directory should be); with a
     * {@link FileAccessException} when the file system refuses to create its directory or file
     * (a name over 255 bytes, no permission); with the function's exception when
     * {@code relativeName} throws. Each error names the partition, the path and why. A write
     * error in a file already open fails the run.
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
                            } catch (Partitions.Rejected e) {
                                return ctx.reject(item, e.getCause(), 1).publishOn(options.scheduler());
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
                            long done = open.file.takeDone(); // appending: the items the flush policy just flushed
                            if (done > 0) {
                                ctx.completed(done);
                            }
                            return Mono.<Void>empty();
                        }, 32)
                        .then(Mono.fromCallable(w::commit).subscribeOn(options.scheduler()))
                        .doOnNext(r -> ctx.completed(w.takeDone())),
                w -> Mono.empty(),
                (w, e) -> Mono.fromRunnable(w::abort).subscribeOn(options.scheduler()),
                w -> Mono.fromRunnable(w::abort).subscribeOn(options.scheduler())));
    }

    /** Opens the file (and its directory) on first use; after an abort it never opens. */
    static final class LazyWriting<T> {
        private final Path target;
        private final FileFormat<T> format;
        private final WriteOptions options;
        private OpenDirectory dir;
        private Writing<T> open;
        private boolean aborted;

        LazyWriting(Path path, FileFormat<T> format, WriteOptions options) {
            this.target = path.toAbsolutePath();
            this.format = format;
            this.options = options;
        }

        synchronized Writing<T> get() {
            if (aborted) {
                throw new IllegalStateException("the write to " + target + " was cancelled or failed");
            }
            if (open == null) {
                open = open();
            }
            return open;
        }

        private Writing<T> open() {
            Path parent = target.getParent();
            if (parent == null || target.getFileName() == null) {
                throw IoErrors.write(target, new FileSystemException(target.toString(), null, "is a directory"));
            }
            String name = target.getFileName().toString();
            try {
                dir = OpenDirectory.open(parent);
            } catch (NotDirectoryException e) {
                throw IoErrors.write(target, new NoSuchFileException(parent.toString(), null, "directory does not exist"));
            } catch (IOException e) {
                throw IoErrors.write(target, e);
            }
            try {
                return Writing.open(dir, name, format, options);
            } catch (OpenDirectory.Refused e) {
                throw closingDirectory(new RefusedPathException(name, e.path(), "cannot write " + target + ": "
                        + e.getMessage(), e));
            } catch (IOException e) {
                throw closingDirectory(IoErrors.write(target, e));
            } catch (RuntimeException e) {
                throw closingDirectory(e);
            }
        }

        synchronized FileWriteResult commit() {
            FileWriteResult result;
            try {
                result = get().file.commit();
            } catch (RuntimeException e) {
                throw closingDirectory(e);
            }
            RuntimeException closing = closingDirectory(null);
            if (closing != null) {
                throw closing;
            }
            return result;
        }

        /** Items done for good and not yet reported (see {@link dev.pipeline.connectors.file.internal.TargetFile#takeDone()}). */
        synchronized long takeDone() {
            return open == null ? 0 : open.file.takeDone();
        }

        synchronized void abort() {
            aborted = true;
            RuntimeException error = null;
            if (open != null) {
                try {
                    open.file.abort();
                } catch (RuntimeException e) {
                    error = e;
                }
            }
            error = closingDirectory(error);
            if (error != null) {
                throw error;
            }
        }

        /** Closes the directory (once); returns {@code error}, or the close error, with the other suppressed. */
        private RuntimeException closingDirectory(RuntimeException error) {
            if (dir == null) {
                return error;
            }
            try {
                dir.close();
            } catch (IOException e) {
                RuntimeException closing = IoErrors.write(dir.path(), e);
                if (error == null) {
                    return closing;
                }
                error.addSuppressed(closing);
            } finally {
                dir = null;
            }
            return error;
        }
    }
}
