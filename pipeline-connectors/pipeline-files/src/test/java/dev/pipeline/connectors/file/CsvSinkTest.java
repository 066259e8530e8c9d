package dev.pipeline.connectors.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import dev.pipeline.core.Pipeline;
import dev.pipeline.core.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

class CsvSinkTest implements FileSinkContract<CsvSinkTest.Person> {

    record Person(int id, String name) {
    }

    @TempDir
    Path dir;

    private final AtomicInteger files = new AtomicInteger();

    @Override
    public Function<Flux<Person>, Mono<?>> sink() {
        return FileSinkFixture.run(FileSinks.csv(dir.resolve("out" + files.incrementAndGet() + ".csv"), List.of("id", "name")));
    }

    @Override
    public Person item(int i) {
        return new Person(i, "p" + i);
    }

    @Override
    public Path dir() {
        return dir;
    }

    @Test
    void writesAHeaderAndQuotesWhereNeededSoTheFileReadsBack() throws IOException {
        Path target = dir.resolve("people.csv");
        List<Person> people = List.of(new Person(1, "Ann, the first"), new Person(2, "say \"hi\"\nbye"));
        Pipeline.from(Source.fromIterable("p", people)).to(FileSinks.csv(target, List.of("id", "name")))
                .run().block(Duration.ofSeconds(10));
        assertThat(Files.readString(target)).startsWith("id,name\n1,\"Ann, the first\"\n");
        assertThat(FileSources.csv(target, Person.class).flux().collectList().block(Duration.ofSeconds(10))).isEqualTo(people);
    }

    @Test
    void writesMapsAndExplicitValuesAndAppendsWithoutASecondHeader() throws IOException {
        Path target = dir.resolve("rows.csv");
        WriteOptions append = WriteOptions.defaults().append(true);
        Pipeline.from(Source.fromIterable("m", List.of(Map.of("a", "1", "b", "x"))))
                .to(FileSinks.<Map<String, String>>csv(target, List.of("a", "b"), null, append)).run().block(Duration.ofSeconds(10));
        Pipeline.from(Source.fromIterable("v", List.of(2)))
                .to(FileSinks.<Integer>csv(target, List.of("a", "b"), i -> List.of(i, "y"), append)).run().block(Duration.ofSeconds(10));
        assertThat(Files.readAllLines(target)).containsExactly("a,b", "1,x", "2,y");
    }
}
