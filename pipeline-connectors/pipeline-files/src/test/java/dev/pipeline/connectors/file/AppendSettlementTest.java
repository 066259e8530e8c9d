package dev.pipeline.connectors.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import dev.pipeline.core.Delivery;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.Settlement;
import dev.pipeline.core.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/** An appending sink reports each item done once its bytes are flushed, not at the end of the run. */
class AppendSettlementTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    /** What the file held when each item settled. */
    private final Map<Integer, List<String>> fileWhenSettled = new ConcurrentHashMap<>();

    private Delivery<Integer> delivery(int i, Path target, CompletableFuture<Void> third) {
        return Delivery.of(i, false, (Settlement s) -> {
            try {
                fileWhenSettled.put(i, Files.readAllLines(target)); // on the sink's (blocking) scheduler
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            if (i == 3) {
                third.complete(null);
            }
        });
    }

    @Test
    void itemsSettleAtEachFlushWhileTheRunGoesOnAndOnlyOnceTheirLinesAreInTheFile() {
        Path target = dir.resolve("audit.txt");
        CompletableFuture<Void> third = new CompletableFuture<>();
        // the source emits 1..6 and then waits for 3 to settle before it emits 7..8: an item reported only at the
        // end of the run (the atomic sink's way) would never let it go on
        Source<Integer> numbers = Source.acknowledged("n", ctx -> Flux.concat(
                Flux.range(1, 6).map(i -> delivery(i, target, third)),
                Mono.fromFuture(third).timeout(WAIT).thenMany(Flux.range(7, 2).map(i -> delivery(i, target, third)))));
        PipelineReport<FileWriteResult> report = Pipeline.from(numbers)
                .to(FileSinks.<Integer>lines(target, WriteOptions.defaults().append(true).flushEvery(3)))
                .run().block(WAIT);

        assertThat(report.result()).contains(new FileWriteResult(target.toAbsolutePath(), 8, 16));
        assertThat(fileWhenSettled).hasSize(8);
        fileWhenSettled.forEach((item, lines) -> assertThat(lines).as("the file when %d settled", item).contains(item.toString()));
        // 1..3 settled at the first flush, before 4..6 were flushed
        assertThat(fileWhenSettled.get(1)).containsExactly("1", "2", "3");
        assertThat(report.stage("lines(audit.txt)").emitted()).isEqualTo(8);
    }

    @Test
    void anAtomicSinkStillSettlesItsItemsOnlyAfterTheMove() {
        Path target = dir.resolve("atomic.txt");
        CompletableFuture<Void> never = new CompletableFuture<>();
        Source<Integer> numbers = Source.acknowledged("n", ctx -> Flux.range(1, 5).map(i -> delivery(i, target, never)));
        Pipeline.from(numbers).to(FileSinks.<Integer>lines(target, WriteOptions.defaults().flushEvery(1))).run().block(WAIT);

        assertThat(fileWhenSettled).hasSize(5);
        fileWhenSettled.values().forEach(lines -> assertThat(lines).containsExactly("1", "2", "3", "4", "5"));
    }

    @Test
    void appendingEndsATornLastLineSoTheNextItemStartsALineOfItsOwn() throws IOException {
        Path target = Files.writeString(dir.resolve("torn.ndjson"), "{\"id\":1}\n{\"id\":2,\"na");
        Pipeline.from(Source.fromIterable("n", List.of(Map.of("id", 3))))
                .to(FileSinks.<Map<String, Integer>>ndjson(target, WriteOptions.defaults().append(true)))
                .run().block(WAIT);

        assertThat(Files.readAllLines(target)).containsExactly("{\"id\":1}", "{\"id\":2,\"na", "{\"id\":3}");
    }

    @Test
    void appendingToAFileThatEndsALineAddsNoBlankLine() throws IOException {
        Path target = Files.writeString(dir.resolve("whole.txt"), "a\n");
        Pipeline.from(Source.fromIterable("n", List.of("b"))).to(FileSinks.<String>lines(target, WriteOptions.defaults().append(true)))
                .run().block(WAIT);

        assertThat(Files.readString(target)).isEqualTo("a\nb\n");
    }
}
