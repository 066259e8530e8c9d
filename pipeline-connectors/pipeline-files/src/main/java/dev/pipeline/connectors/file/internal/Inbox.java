package dev.pipeline.connectors.file.internal;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.pipeline.connectors.file.InboxFile;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/** The directory inbox: a listing, then WatchService events, deduplicated by file name. */
public final class Inbox implements AutoCloseable {

    private static final long POLL_MILLIS = 200;

    private final Path dir;
    private final PathMatcher matcher;
    private final WatchService watcher;
    private final Scheduler scheduler;
    /** Files the listing emitted: their creation event (if it raced the listing) is dropped once. */
    private final Set<Path> listed = ConcurrentHashMap.newKeySet();

    private Inbox(Path dir, String glob, WatchService watcher, Scheduler scheduler) {
        this.dir = dir;
        this.matcher = dir.getFileSystem().getPathMatcher("glob:" + glob);
        this.watcher = watcher;
        this.scheduler = scheduler;
    }

    /** Files there now, then files as they arrive; never completes. */
    public static Flux<InboxFile> watch(Path dir, String glob, Scheduler scheduler) {
        return Flux.using(() -> open(dir, glob, scheduler, true),
                inbox -> inbox.list().concatWith(Mono.fromCallable(inbox::poll).repeat().concatMapIterable(l -> l)),
                Inbox::close)
                .subscribeOn(scheduler);
    }

    /** Files there now. */
    public static Flux<InboxFile> once(Path dir, String glob, Scheduler scheduler) {
        return Flux.using(() -> open(dir, glob, scheduler, false), Inbox::list, Inbox::close).subscribeOn(scheduler);
    }

    private static Inbox open(Path dir, String glob, Scheduler scheduler, boolean watch) {
        if (!Files.isDirectory(dir)) {
            throw IoErrors.read(dir, Files.exists(dir) ? new java.nio.file.NotDirectoryException(dir.toString())
                    : new java.nio.file.NoSuchFileException(dir.toString()));
        }
        WatchService ws = null;
        if (watch) {
            try {
                ws = dir.getFileSystem().newWatchService();
                dir.register(ws, StandardWatchEventKinds.ENTRY_CREATE);
            } catch (IOException e) {
                closeAfter(ws, e);
                throw IoErrors.read(dir, e);
            }
        }
        return new Inbox(dir, glob, ws, scheduler);
    }

    private Flux<InboxFile> list() {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                if (accept(p) && listed.add(p)) {
                    files.add(p);
                }
            }
        } catch (IOException e) {
            throw IoErrors.read(dir, e);
        }
        files.sort(null);
        return Flux.fromIterable(files).map(p -> new InboxFile(p, scheduler));
    }

    private List<InboxFile> poll() {
        List<InboxFile> arrived = new ArrayList<>();
        WatchKey key;
        try {
            key = watcher.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ClosedWatchServiceException e) {
            return arrived; // cancelled while waiting: the Flux is gone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return arrived;
        }
        if (key == null) {
            return arrived;
        }
        for (WatchEvent<?> event : key.pollEvents()) {
            if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                // events were lost: look at the whole directory again
                list().toIterable().forEach(arrived::add);
                continue;
            }
            Path p = dir.resolve((Path) event.context());
            if (accept(p) && !listed.remove(p)) {
                arrived.add(new InboxFile(p, scheduler));
            }
        }
        key.reset();
        return arrived;
    }

    private boolean accept(Path p) {
        return Files.isRegularFile(p) && matcher.matches(p.getFileName());
    }

    @Override
    public void close() {
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException e) {
                throw IoErrors.read(dir, e);
            }
        }
    }

    private static void closeAfter(WatchService ws, IOException primary) {
        if (ws != null) {
            try {
                ws.close();
            } catch (IOException e) {
                primary.addSuppressed(e);
            }
        }
    }
}
