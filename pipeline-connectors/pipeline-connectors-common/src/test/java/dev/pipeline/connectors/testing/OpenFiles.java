package dev.pipeline.connectors.testing;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Open file descriptors of this JVM, read from /proc/self/fd (Linux). */
public final class OpenFiles {

    private OpenFiles() {
    }

    /** How many descriptors point at files under {@code dir} (or an inotify instance, when dir is null). */
    public static int under(Path dir) {
        String prefix = dir == null ? "anon_inode:inotify" : dir.toAbsolutePath().toString();
        int n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    if (Files.readSymbolicLink(fd).toString().startsWith(prefix)) {
                        n++;
                    }
                } catch (IOException e) {
                    // the descriptor was closed while listing: it is not open
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc/self/fd", e);
        }
        return n;
    }

    /** All open descriptors. */
    public static int total() {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc/self/fd", e);
        }
    }

    /** Completes with true as soon as {@code condition} holds (checked every 5 ms), false after 5 s. */
    public static Mono<Boolean> eventually(BooleanSupplier condition) {
        return Mono.defer(() -> condition.getAsBoolean() ? Mono.just(true)
                : Flux.interval(Duration.ofMillis(5), Schedulers.boundedElastic()).filter(t -> condition.getAsBoolean()).next().map(t -> true)
                        .timeout(Duration.ofSeconds(5), Mono.just(false)));
    }

    /** True once no descriptor points under {@code dir}. */
    public static Mono<Boolean> noneUnder(Path dir) {
        return eventually(() -> under(dir) == 0);
    }
}
