package dev.pipeline.connectors.file;

import java.io.IOException;
import java.nio.file.Path;

import dev.pipeline.connectors.file.internal.IoErrors;
import dev.pipeline.connectors.file.internal.OpenDirectory;
import dev.pipeline.connectors.internal.Require;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * A file that arrived in an {@link FileSources#inbox inbox}: its path, and the moves that
 * mark it processed. Call exactly one of {@link #done()} or {@link #failed()} once the file
 * has been handled; a file that is never moved stays in the inbox and is emitted again by the
 * next run.
 *
 * <pre>{@code
 * Pipeline.from(FileSources.inbox(Path.of("inbox"), "*.csv"))
 *         .then(Stage.mapAsync("load", (InboxFile f) -> load(f.path())
 *                 .then(f.done())
 *                 .onErrorResume(e -> f.failed())))
 *         .to(Sink.forEach("log", p -> System.out.println("processed " + p)));
 * }</pre>
 */
public final class InboxFile {

    private final Path path;
    private final Scheduler scheduler;

    /**
     * Creates an inbox file (done by the inbox source).
     *
     * @param path the file in the inbox
     * @param scheduler where the moves run
     */
    public InboxFile(Path path, Scheduler scheduler) {
        this.path = Require.nonNull(path, "path");
        this.scheduler = Require.nonNull(scheduler, "scheduler");
    }

    /**
     * The file's path in the inbox.
     *
     * @return the path
     */
    public Path path() {
        return path;
    }

    /**
     * Moves the file to {@code done/} beside it (created when missing), replacing a file or
     * link of the same name there (never what the link points to). A {@code done} that is a
     * symbolic link is refused with a {@link RefusedPathException}: the file stays in the inbox.
     * Cold: nothing moves until subscribed.
     *
     * @return the new path
     */
    public Mono<Path> done() {
        return moveTo("done");
    }

    /**
     * Moves the file to {@code failed/} beside it (created when missing), replacing a file or
     * link of the same name there (never what the link points to). A {@code failed} that is a
     * symbolic link is refused with a {@link RefusedPathException}: the file stays in the inbox.
     * Cold: nothing moves until subscribed.
     *
     * @return the new path
     */
    public Mono<Path> failed() {
        return moveTo("failed");
    }

    /**
     * Processes the file and then moves it: runs {@code work} on the path; when it succeeds
     * (with a value or empty) the file goes to {@code done/}, when it fails to {@code failed/}
     * and the error is passed on, so the stage's error policy sees it. Cold.
     *
     * <pre>{@code
     * Stage<InboxFile, Long> load = Stage.mapAsync("load", (InboxFile f) ->
     *         f.process(path -> FileSources.csv(path).flux().count()));
     * }</pre>
     *
     * @param work what to do with the file
     * @param <T> the result type
     * @return the work's result, after the move
     */
    public <T> Mono<T> process(java.util.function.Function<? super Path, ? extends Mono<T>> work) {
        Require.nonNull(work, "work");
        return Mono.<T>defer(() -> work.apply(path))
                .materialize()
                .flatMap(signal -> signal.isOnError()
                        ? failed().then(Mono.<T>error(signal.getThrowable()))
                        : done().then(signal.isOnNext() ? Mono.just(signal.get()) : Mono.<T>empty()));
    }

    private Mono<Path> moveTo(String folder) {
        return Mono.fromCallable(() -> {
            Path moved = path.resolveSibling(folder).resolve(path.getFileName());
            String name = path.getFileName().toString();
            try (OpenDirectory inbox = OpenDirectory.open(path.toAbsolutePath().getParent());
                    OpenDirectory to = inbox.subdirectory(folder)) {
                inbox.move(name, to, name);
                return moved;
            } catch (OpenDirectory.Refused e) {
                throw new RefusedPathException(folder, e.path(), "cannot move " + path + " to " + folder + "/: "
                        + e.getMessage(), e);
            } catch (IOException e) {
                throw IoErrors.write(moved, e);
            }
        }).subscribeOn(scheduler);
    }

    @Override
    public String toString() {
        return "InboxFile[" + path + "]";
    }
}
