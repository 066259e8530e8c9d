package dev.pipeline.connectors.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

import dev.pipeline.connectors.testing.OpenFiles;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Runs a file sink in a one-stage pipeline, and checks that it left nothing open or temporary. */
final class FileSinkFixture {

    private FileSinkFixture() {
    }

    static <T> Function<Flux<T>, Mono<?>> run(Sink<T, ?> sink) {
        return items -> Pipeline.from(Source.of("items", items)).to(sink).run();
    }

    /** No descriptor open under dir and no temporary file left in it (recursively). */
    static Mono<Boolean> clean(Path dir) {
        return OpenFiles.eventually(() -> OpenFiles.under(dir) == 0 && temporaries(dir) == 0);
    }

    static long temporaries(Path dir) {
        try (var files = Files.walk(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tmp")).count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
