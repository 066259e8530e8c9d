package dev.pipeline.connectors.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

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

class CsvSourceTest implements FileSourceContract<Map<String, String>> {

    record Person(int id, String name, int age) {
    }

    @TempDir
    Path dir;

    @Override
    public Flux<Map<String, String>> subject() {
        return FileSources.csv(write("people.csv", "id,name,age\n1,Ann,30\n2,Bob,40\n3,Cy,50\n")).flux();
    }

    @Override
    public Flux<Map<String, String>> failingSubject() {
        return FileSources.csv(dir.resolve("missing.csv")).flux();
    }

    @Override
    public Path dir() {
        return dir;
    }

    @Test
    void handlesQuotingEmbeddedSeparatorsAndNewlines() {
        Path file = write("q.csv", "id,text\n1,\"a, b\"\n2,\"line one\nline two\"\n3,\"say \"\"hi\"\"\"\n");
        StepVerifier.create(FileSources.csv(file).flux())
                .expectNext(Map.of("id", "1", "text", "a, b"))
                .expectNext(Map.of("id", "2", "text", "line one\nline two"))
                .expectNext(Map.of("id", "3", "text", "say \"hi\""))
                .verifyComplete();
    }

    @Test
    void mapsRowsToRecords() {
        Path file = write("p.csv", "name,id,age\nAnn,1,30\n");
        StepVerifier.create(FileSources.csv(file, Person.class).flux())
                .expectNext(new Person(1, "Ann", 30))
                .verifyComplete();
    }

    @Test
    void badRowsAreDeadLetteredWithTheirStartingLineWhileTheRestFlows() {
        Path file = write("p.csv", "id,name,age\n1,Ann,30\n2,\"Bob\nBobson\",41,extra\n3,Cy\n4,Di,x\n5,Ed,55\n");
        List<DeadLetter<?>> dead = new CopyOnWriteArrayList<>();
        PipelineReport<List<Person>> report = Pipeline.from(FileSources.csv(file, Person.class)
                        .onError(ErrorPolicy.deadLetter(Sink.<DeadLetter<?>>forEach("dead", dead::add))))
                .to(Sink.collect("people"))
                .run().block(Duration.ofSeconds(10));
        assertThat(report.result().get()).extracting(Person::id).containsExactly(1, 5);
        assertThat(dead).extracting(d -> ((MalformedRecordException) d.error()).line()).containsExactly(3L, 5L, 6L);
        assertThat(dead.get(0).item()).isEqualTo("2,\"Bob\nBobson\",41,extra");
        assertThat(dead.get(0).error()).hasMessageContaining("p.csv:3: expected 3 fields");
        assertThat(dead.get(2).error()).hasMessageContaining("p.csv:6: cannot convert to Person");
    }

    @Test
    void aDuplicateHeaderFailsTheRead() {
        StepVerifier.create(FileSources.csv(write("d.csv", "a,b,a\n1,2,3\n")).flux())
                .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("d.csv:1: the header names column 'a' twice"))
                .verify();
    }

    @Test
    void aByteOrderMarkIsNotPartOfTheFirstColumnName() throws IOException {
        Path file = Files.write(dir.resolve("bom.csv"), ("\uFEFFid,name\n1,Ann\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        StepVerifier.create(FileSources.csv(file).flux())
                .expectNext(Map.of("id", "1", "name", "Ann"))
                .verifyComplete();
    }

    @Test
    void aByteOrderMarkIsSkippedWhenInvalidBytesAreReplacedToo() throws IOException {
        Path file = Files.write(dir.resolve("bom.csv"), ("\uFEFFid,name\n1,Ann\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        StepVerifier.create(FileSources.csv(file, ReadOptions.defaults().onMalformed(Malformed.REPLACE)).flux())
                .expectNext(Map.of("id", "1", "name", "Ann"))
                .verifyComplete();
    }

    @Test
    void invalidUtf8FailsTheReadNamingTheLineItIsOnCountingNewlinesInsideQuotes() throws IOException {
        // line 1 header; lines 2-3 one quoted record; line 4 the invalid byte; the file is bigger than a decoder's read-ahead
        StringBuilder tail = new StringBuilder();
        for (int i = 5; i < 3000; i++) {
            tail.append(i).append(",row ").append(i).append('\n');
        }
        byte[] head = "id,name\n1,\"two\nlines\"\n2,caf?\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        head[head.length - 2] = (byte) 0xFF;
        byte[] rest = tail.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] all = java.util.Arrays.copyOf(head, head.length + rest.length);
        System.arraycopy(rest, 0, all, head.length, rest.length);
        Path file = Files.write(dir.resolve("latin.csv"), all);
        StepVerifier.create(FileSources.csv(file).flux())
                .thenConsumeWhile(row -> true)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(MalformedRecordException.class)
                        .hasMessageStartingWith("latin.csv:4: invalid UTF-8 input")
                        .hasMessageContaining("Malformed.REPLACE")
                        .satisfies(m -> assertThat(((MalformedRecordException) m).line()).isEqualTo(4)))
                .verify();
        // replaced on request: every row, the bad byte as U+FFFD
        List<Map<String, String>> rows = FileSources.csv(file, ReadOptions.defaults().onMalformed(Malformed.REPLACE))
                .flux().collectList().block(Duration.ofSeconds(30));
        assertThat(rows).hasSize(2997);
        assertThat(rows.get(0)).containsEntry("name", "two\nlines");
        assertThat(rows.get(1)).containsEntry("name", "caf\uFFFD");
    }

    @Test
    void invalidBytesAtTheVeryStartNameLineOne() throws IOException {
        Path file = Files.write(dir.resolve("start.csv"), new byte[] {(byte) 0xFF, 'i', 'd', '\n', '1', '\n'});
        StepVerifier.create(FileSources.csv(file).flux())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(MalformedRecordException.class)
                        .hasMessageStartingWith("start.csv:1: invalid UTF-8 input"))
                .verify();
    }

    @Test
    void anEmptyFileHasNoRows() {
        StepVerifier.create(FileSources.csv(write("e.csv", "")).flux()).verifyComplete();
    }
}
