package dev.pipeline.connectors.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.Source;
import dev.pipeline.core.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class LinesSinkTest implements FileSinkContract<String> {

    @TempDir
    Path dir;

    private final AtomicInteger files = new AtomicInteger();

    @Override
    public Function<Flux<String>, Mono<?>> sink() {
        return FileSinkFixture.run(FileSinks.lines(dir.resolve("out" + files.incrementAndGet() + ".txt")));
    }

    @Override
    public String item(int i) {
        return "line " + i;
    }

    @Override
    public Path dir() {
        return dir;
    }

    @Test
    void writesEveryItemAsALineAndReportsPathCountAndBytes() throws IOException {
        Path target = dir.resolve("n.txt");
        PipelineReport<FileWriteResult> report = Pipeline.from(Source.fromIterable("n", List.of(1, 2, 3)))
                .to(FileSinks.<Integer>lines(target)).run().block(Duration.ofSeconds(10));
        assertThat(Files.readString(target)).isEqualTo("1\n2\n3\n");
        assertThat(report.result()).contains(new FileWriteResult(target.toAbsolutePath(), 3, 6));
    }

    @Test
    void aFailedRunLeavesNoPartialTargetAndAnExistingTargetUntouched() throws IOException {
        Path target = Files.writeString(dir.resolve("keep.txt"), "old\n");
        Source<Integer> numbers = Source.fromIterable("n", List.of(1, 2, 3, 4));
        StepVerifier.create(Pipeline.from(numbers)
                        .then(Stage.map("boom", (Integer i) -> {
                            if (i == 3) {
                                throw new IllegalStateException("boom");
                            }
                            return i;
                        }))
                        .to(FileSinks.lines(target)).run())
                .expectError()
                .verify(Duration.ofSeconds(10));
        assertThat(Files.readString(target)).isEqualTo("old\n");
        Path fresh = dir.resolve("fresh.txt");
        StepVerifier.create(Pipeline.from(Source.of("e", Flux.<String>error(new IllegalStateException("x"))))
                        .to(FileSinks.lines(fresh)).run())
                .expectError().verify(Duration.ofSeconds(10));
        assertThat(fresh).doesNotExist();
        assertThat(FileSinkFixture.temporaries(dir)).isZero();
    }

    @Test
    void aCancelledRunLeavesNoTargetFile() {
        Path target = dir.resolve("cancelled.txt");
        StepVerifier.create(Pipeline.from(Source.of("slow", Flux.just("a", "b").concatWith(Flux.never())))
                        .to(FileSinks.lines(target)).run())
                .expectSubscription()
                .thenCancel()
                .verify(Duration.ofSeconds(10));
        assertThat(released().block(Duration.ofSeconds(10))).isTrue();
        assertThat(target).doesNotExist();
    }

    @Test
    void appendModeAddsToTheFileAndKeepsWhatWasWrittenBeforeAFailure() throws IOException {
        Path target = Files.writeString(dir.resolve("log.txt"), "first\n");
        WriteOptions append = WriteOptions.defaults().append(true).flushEvery(1);
        Pipeline.from(Source.fromIterable("a", List.of("second", "third"))).to(FileSinks.lines(target, append))
                .run().block(Duration.ofSeconds(10));
        assertThat(Files.readAllLines(target)).containsExactly("first", "second", "third");
        StepVerifier.create(Pipeline.from(Source.of("b", Flux.just("fourth").concatWith(Flux.error(new IllegalStateException("x")))))
                        .to(FileSinks.lines(target, append)).run())
                .expectError().verify(Duration.ofSeconds(10));
        assertThat(Files.readAllLines(target)).containsExactly("first", "second", "third", "fourth");
    }

    @Test
    void appendModeFlushesEveryNItemsSoReadersSeeProgress() throws IOException {
        Path target = dir.resolve("progress.txt");
        reactor.core.publisher.Sinks.Many<String> feed = reactor.core.publisher.Sinks.many().unicast().onBackpressureBuffer();
        var run = Pipeline.from(Source.of("feed", feed.asFlux()))
                .to(FileSinks.lines(target, WriteOptions.defaults().append(true).flushEvery(2))).run().toFuture();
        feed.tryEmitNext("a").orThrow();
        feed.tryEmitNext("b").orThrow();
        assertThat(dev.pipeline.connectors.testing.OpenFiles.eventually(() -> size(target) == 4).block(Duration.ofSeconds(10)))
                .as("two lines flushed").isTrue();
        feed.tryEmitComplete().orThrow();
        assertThat(run.join().result()).get().extracting(FileWriteResult::items).isEqualTo(2L);
    }

    private static long size(Path p) {
        try {
            return Files.exists(p) ? Files.size(p) : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    void aMissingDirectoryFailsNamingIt() {
        Path target = dir.resolve("no/such/dir/out.txt");
        StepVerifier.create(Pipeline.from(Source.fromIterable("a", List.of("x"))).to(FileSinks.lines(target)).run())
                .expectErrorSatisfies(e -> assertThat(e).hasStackTraceContaining("cannot write " + target))
                .verify(Duration.ofSeconds(10));
    }
}
