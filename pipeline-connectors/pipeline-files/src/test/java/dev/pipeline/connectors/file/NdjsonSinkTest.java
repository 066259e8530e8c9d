package dev.pipeline.connectors.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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

import static dev.pipeline.test.PipelineAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

class NdjsonSinkTest implements FileSinkContract<NdjsonSinkTest.Event> {

    record Event(int id, String name, Instant at) {
    }

    /** Jackson cannot serialize this: its getter throws. */
    static final class Unwritable {
        public String getValue() {
            throw new IllegalStateException("no value");
        }

        @Override
        public String toString() {
            return "Unwritable";
        }
    }

    @TempDir
    Path dir;

    private final AtomicInteger files = new AtomicInteger();

    @Override
    public Function<Flux<Event>, Mono<?>> sink() {
        return FileSinkFixture.run(FileSinks.ndjson(dir.resolve("out" + files.incrementAndGet() + ".ndjson")));
    }

    @Override
    public Event item(int i) {
        return new Event(i, "e" + i, Instant.ofEpochSecond(i));
    }

    @Override
    public Path dir() {
        return dir;
    }

    @Test
    void writesOneJsonObjectPerLineThatReadsBack() {
        Path target = dir.resolve("events.ndjson");
        List<Event> events = List.of(item(1), item(2));
        Pipeline.from(Source.fromIterable("e", events)).to(FileSinks.ndjson(target)).run().block(Duration.ofSeconds(10));
        assertThat(FileSources.ndjson(target, Event.class).flux().collectList().block(Duration.ofSeconds(10)))
                .isEqualTo(events);
    }

    @Test
    void anItemJacksonCannotWriteGoesToTheSinksErrorPolicy() throws IOException {
        Path target = dir.resolve("mixed.ndjson");
        List<DeadLetter<?>> dead = new CopyOnWriteArrayList<>();
        PipelineReport<FileWriteResult> report = Pipeline.from(Source.fromIterable("m", List.<Object>of(Map.of("a", 1), new Unwritable(), Map.of("a", 3))))
                .to(FileSinks.ndjson(target).onError(ErrorPolicy.deadLetter(Sink.<DeadLetter<?>>forEach("dead", dead::add))))
                .run().block(Duration.ofSeconds(10));
        assertThat(Files.readAllLines(target)).containsExactly("{\"a\":1}", "{\"a\":3}");
        assertThat(report.result().get().items()).isEqualTo(2);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).item()).hasToString("Unwritable");
    }

    @Test
    void aDeadLetterWithAnUnwritableItemIsStillWrittenWithTheItemsText() throws IOException {
        Path target = dir.resolve("dead.ndjson");
        DeadLetter<?> letter = new DeadLetter<>("parse", new Unwritable(), new IllegalArgumentException("bad"), 3,
                Instant.parse("2026-01-02T03:04:05Z"));
        Pipeline.from(Source.fromIterable("d", List.<DeadLetter<?>>of(letter))).to(FileSinks.ndjson(target))
                .run().block(Duration.ofSeconds(10));
        assertThat(Files.readString(target)).isEqualTo("{\"stage\":\"parse\",\"item\":\"Unwritable\",\"reason\":"
                + "\"IllegalArgumentException: bad\",\"error\":\"java.lang.IllegalArgumentException\",\"attempts\":3,"
                + "\"at\":\"2026-01-02T03:04:05Z\"}\n");
    }

    @Test
    void fileNodesAreNamedAfterTheirKindAndFileUntilRenamed() throws IOException {
        Path in = Files.write(dir.resolve("in.ndjson"), List.of("{\"id\":1,\"name\":\"a\",\"at\":\"1970-01-01T00:00:01Z\"}"));
        Path out = dir.resolve("out.ndjson");
        Source<Event> events = FileSources.ndjson(in, Event.class);
        Sink<Event, FileWriteResult> audit = FileSinks.ndjson(out);
        assertThat(events.name()).isEqualTo("ndjson(in.ndjson)");
        assertThat(audit.name()).isEqualTo("ndjson(out.ndjson)");
        assertThat(FileSources.lines(in).name()).isEqualTo("lines(in.ndjson)");
        assertThat(FileSinks.csv(out, List.of("id")).name()).isEqualTo("csv(out.ndjson)");
        assertThat(FileSinks.partitioned(dir, (Event e) -> e.name(), FileFormat.ndjson()).name())
                .isEqualTo("partitioned(" + dir.getFileName() + ")");

        PipelineReport<FileWriteResult> report = Pipeline.from(events.named("events"))
                .to(audit.named("audit"))
                .run().block(Duration.ofSeconds(30));
        assertThat(report.stages()).extracting(s -> s.name()).containsExactly("events", "audit");
        assertThat(report).reconciles().stage("audit").emitted(1);
        assertThat(Files.readAllLines(out)).hasSize(1);
    }
}
