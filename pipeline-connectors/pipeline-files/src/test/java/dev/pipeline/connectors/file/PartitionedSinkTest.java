package dev.pipeline.connectors.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import dev.pipeline.core.DeadLetter;
import dev.pipeline.core.ErrorPolicy;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class PartitionedSinkTest implements FileSinkContract<String> {

    @TempDir
    Path dir;

    private final AtomicInteger runs = new AtomicInteger();

    @Override
    public Function<Flux<String>, Mono<?>> sink() {
        Path base = dir.resolve("run" + runs.incrementAndGet());
        try {
            Files.createDirectories(base);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return FileSinkFixture.run(FileSinks.partitioned(base, s -> "p" + (s.hashCode() & 3) + "/part.txt", FileFormat.lines()));
    }

    @Override
    public String item(int i) {
        return "item" + i;
    }

    @Override
    public Path dir() {
        return dir;
    }

    @Test
    void writesEachItemToItsPartitionAndReportsEveryFile() throws IOException {
        PipelineReport<PartitionedWriteResult> report = Pipeline.from(Source.fromIterable("n", List.of(1, 2, 3, 4, 5)))
                .to(FileSinks.<Integer>partitioned(dir, i -> (i % 2 == 0 ? "even" : "odd") + "/n.ndjson", FileFormat.ndjson()))
                .run().block(Duration.ofSeconds(10));
        assertThat(Files.readAllLines(dir.resolve("odd/n.ndjson"))).containsExactly("1", "3", "5");
        assertThat(Files.readAllLines(dir.resolve("even/n.ndjson"))).containsExactly("2", "4");
        PartitionedWriteResult result = report.result().get();
        assertThat(result.items()).isEqualTo(5);
        assertThat(result.files()).containsEntry(dir.toAbsolutePath().resolve("odd/n.ndjson"), 3L).hasSize(2);
    }

    @Test
    void refusesNamesThatResolveOutsideTheBaseDirectory() throws IOException {
        Path base = Files.createDirectories(dir.resolve("base"));
        List<DeadLetter<?>> dead = new CopyOnWriteArrayList<>();
        List<String> names = List.of("ok.txt", "../escape.txt", "/etc/evil.txt", "a/../../escape2.txt", "sub/fine.txt");
        PipelineReport<PartitionedWriteResult> report = Pipeline.from(Source.fromIterable("names", names))
                .to(FileSinks.<String>partitioned(base, s -> s, FileFormat.lines())
                        .onError(ErrorPolicy.deadLetter(Sink.<DeadLetter<?>>forEach("dead", dead::add))))
                .run().block(Duration.ofSeconds(10));
        assertThat(report.result().get().items()).isEqualTo(2);
        assertThat(dead).<Object>extracting(DeadLetter::item).containsExactly("../escape.txt", "/etc/evil.txt", "a/../../escape2.txt");
        assertThat(dead.get(0).error()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("resolves outside " + base.toAbsolutePath()).hasMessageContaining("path traversal");
        assertThat(dir.resolve("escape.txt")).doesNotExist();
        assertThat(Path.of("/etc/evil.txt")).doesNotExist();
    }

    @Test
    void refusesASymbolicLinkOutOfTheBaseDirectory() throws IOException {
        Path base = Files.createDirectories(dir.resolve("base"));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.createSymbolicLink(base.resolve("link"), outside);
        StepVerifier.create(Pipeline.from(Source.fromIterable("n", List.of("x")))
                        .to(FileSinks.<String>partitioned(base, s -> "link/x.txt", FileFormat.lines())).run())
                .expectErrorSatisfies(e -> assertThat(e).hasStackTraceContaining("symbolic link"))
                .verify(Duration.ofSeconds(10));
        try (var files = Files.list(outside)) {
            assertThat(files.count()).isZero();
        }
    }
}
