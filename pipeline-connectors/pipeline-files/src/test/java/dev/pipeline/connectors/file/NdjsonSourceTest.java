package dev.pipeline.connectors.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pipeline.core.DeadLetter;
import dev.pipeline.core.ErrorPolicy;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.Sink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class NdjsonSourceTest implements FileSourceContract<NdjsonSourceTest.Order> {

    record Order(int id, String sku, double amount) {
    }

    @TempDir
    Path dir;

    @Override
    public Flux<Order> subject() {
        return FileSources.ndjson(write("orders.ndjson", """
                {"id":1,"sku":"a","amount":1.5}
                {"id":2,"sku":"b","amount":2.5}
                {"id":3,"sku":"c","amount":3.5}
                {"id":4,"sku":"d","amount":4.5}
                """), Order.class).flux();
    }

    @Override
    public Flux<Order> failingSubject() {
        return FileSources.ndjson(dir.resolve("missing.ndjson"), Order.class).flux();
    }

    @Override
    public Path dir() {
        return dir;
    }

    @Test
    void malformedLinesAreDeadLetteredWithLineNumbersWhileTheRestFlows() {
        Path file = write("orders.ndjson", """
                {"id":1,"sku":"a","amount":1.5}
                {"id":2,"sku":"b",
                
                not json at all
                {"id":5,"sku":"e","amount":5.5}
                {"id":"six","sku":"f","amount":6}
                {"id":7,"sku":"g","amount":7}""");
        List<DeadLetter<?>> dead = new CopyOnWriteArrayList<>();
        PipelineReport<List<Order>> report = Pipeline.from(FileSources.ndjson(file, Order.class)
                        .onError(ErrorPolicy.deadLetter(Sink.<DeadLetter<?>>forEach("dead", dead::add))))
                .to(Sink.collect("orders"))
                .run().block(Duration.ofSeconds(10));
        assertThat(report.result()).get().extracting(l -> l.stream().map(Order::id).toList()).isEqualTo(List.of(1, 5, 7));
        assertThat(dead).extracting(d -> ((MalformedRecordException) d.error()).line()).containsExactly(2L, 4L, 6L);
        assertThat(dead).<Object>extracting(DeadLetter::item)
                .containsExactly("{\"id\":2,\"sku\":\"b\",", "not json at all", "{\"id\":\"six\",\"sku\":\"f\",\"amount\":6}");
        assertThat(dead.get(1).error()).hasMessageStartingWith("orders.ndjson:4: ");
        assertThat(report.balances()).isTrue();
    }

    @Test
    void underFailFastAMalformedLineFailsNamingFileAndLine() {
        Path file = write("bad.ndjson", "{\"id\":1,\"sku\":\"a\",\"amount\":1}\n[1,2\n");
        StepVerifier.create(FileSources.ndjson(file, Order.class).flux())
                .expectNextCount(1)
                .expectErrorSatisfies(e -> assertThat(e).hasStackTraceContaining("bad.ndjson:2:"))
                .verify();
    }

    @Test
    void deadLettersWrittenAsNdjsonCarryStageItemReasonErrorAttemptsAndLine() throws IOException {
        Path file = write("orders.ndjson", "{\"id\":1,\"sku\":\"a\",\"amount\":1}\noops\n");
        Path deadFile = dir.resolve("dead.ndjson");
        Pipeline.from(FileSources.ndjson(file, Order.class).onError(ErrorPolicy.deadLetter(FileSinks.ndjson(deadFile))))
                .to(Sink.collect("orders"))
                .run().block(Duration.ofSeconds(10));
        List<String> lines = Files.readAllLines(deadFile);
        assertThat(lines).hasSize(1);
        Map<String, Object> letter = new ObjectMapper().readValue(lines.get(0), new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { });
        assertThat(letter).containsEntry("stage", "ndjson(orders.ndjson)")
                .containsEntry("item", "oops")
                .containsEntry("error", MalformedRecordException.class.getName())
                .containsEntry("attempts", 1)
                .containsEntry("line", 2)
                .containsKeys("reason", "at", "file");
        assertThat((String) letter.get("reason")).startsWith("MalformedRecordException: orders.ndjson:2:");
    }
}
