package dev.pipeline.connectors.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.pipeline.core.ErrorPolicy;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import dev.pipeline.core.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The examples of docs/connectors/files.md, run and checked. */
class FilesGuideTest {

    @TempDir
    Path dir;

    // tag::order[]
    record Order(int id, String customer, double amount) {
    }
    // end::order[]

    @Test
    void csvToNdjsonWithDeadLetters() throws IOException {
        Files.writeString(dir.resolve("orders.csv"), "id,customer,amount\n1,ann,9.5\n2,bob,oops\n3,\"cy, jr\",20\n");
        Path in = dir.resolve("orders.csv");
        Path out = dir.resolve("big-orders.ndjson");
        Path rejected = dir.resolve("rejected.ndjson");
        // tag::csv-to-ndjson[]
        Source<Order> orders = FileSources.csv(in, Order.class)                    // header row -> record
                .onError(ErrorPolicy.deadLetter(FileSinks.ndjson(rejected)));      // bad rows kept, with line numbers
        PipelineReport<FileWriteResult> report = Pipeline.from(orders)
                .then(Stage.filter("big", (Order o) -> o.amount() >= 10))
                .to(FileSinks.ndjson(out))                                          // atomic: all or nothing
                .run().block(Duration.ofSeconds(30));
        // report.result(): FileWriteResult[path=.../big-orders.ndjson, items=1, bytes=...]
        // rejected.ndjson: {"stage":"csv(orders.csv)","item":"2,bob,oops","reason":"MalformedRecordException:
        //                   orders.csv:3: cannot convert to Order: ...","error":"...","attempts":1,"at":"...","line":3,...}
        // end::csv-to-ndjson[]
        assertThat(report.result().get().items()).isEqualTo(1);
        assertThat(Files.readString(out)).isEqualTo("{\"id\":3,\"customer\":\"cy, jr\",\"amount\":20.0}\n");
        assertThat(Files.readString(rejected)).contains("\"item\":\"2,bob,oops\"").contains("\"line\":3");
    }

    @Test
    void linesWithOptions() throws IOException {
        Path log = Files.write(dir.resolve("app.log"), List.of("INFO start", "ERROR disk full", "INFO done"));
        Path errors = dir.resolve("errors.log");
        // tag::lines[]
        Source<String> lines = FileSources.lines(log, ReadOptions.defaults()
                .onMalformed(Malformed.REPLACE));                 // U+FFFD instead of failing on bad bytes
        Pipeline<FileWriteResult> grep = Pipeline.from(lines)
                .then(Stage.filter("errors", (String line) -> line.startsWith("ERROR")))
                .to(FileSinks.lines(errors, WriteOptions.defaults()
                        .append(true)                             // keep what is there
                        .flushEvery(100)));                       // readers see progress
        grep.run().block(Duration.ofSeconds(30));
        // end::lines[]
        assertThat(Files.readAllLines(errors)).containsExactly("ERROR disk full");
    }

    @Test
    void partitionedByCustomer() throws IOException {
        Path base = Files.createDirectories(dir.resolve("by-customer"));
        Source<Order> orders = Source.fromIterable("orders", List.of(new Order(1, "ann", 1), new Order(2, "bob", 2),
                new Order(3, "ann", 3)));
        // tag::partitioned[]
        Sink<Order, PartitionedWriteResult> byCustomer = FileSinks.partitioned(base,
                (Order o) -> o.customer() + "/orders.ndjson",     // "../x" or "/etc/x" would be refused
                FileFormat.ndjson());
        PipelineReport<PartitionedWriteResult> report = Pipeline.from(orders).to(byCustomer)
                .run().block(Duration.ofSeconds(30));
        // report.result().files(): {.../ann/orders.ndjson=2, .../bob/orders.ndjson=1}
        // end::partitioned[]
        assertThat(report.result().get().files()).hasSize(2);
        assertThat(Files.readAllLines(base.resolve("ann/orders.ndjson"))).hasSize(2);
    }

    @Test
    void partitionNamesFromTheDataThatAreRefusedAreDeadLettered() throws IOException {
        Path base = Files.createDirectories(dir.resolve("by-customer"));
        Path refused = dir.resolve("refused.ndjson");
        Source<Order> orders = Source.fromIterable("orders", List.of(new Order(1, "ann", 1), new Order(2, "../../etc", 2),
                new Order(3, "nul\0", 3)));
        // tag::refused-names[]
        Sink<Order, PartitionedWriteResult> byCustomer = FileSinks.<Order>partitioned(base,
                        o -> o.customer() + "/orders.ndjson",               // customer names come from the data
                        FileFormat.ndjson())
                .onError(ErrorPolicy.deadLetter(FileSinks.ndjson(refused))); // refused names kept, with the reason
        PipelineReport<PartitionedWriteResult> report = Pipeline.from(orders).to(byCustomer)
                .run().block(Duration.ofSeconds(30));
        // the run succeeds: ann's file is written, report.stage("partitioned(by-customer)").deadLettered() == 2
        // refused.ndjson: {"stage":"partitioned(by-customer)","item":{"id":2,"customer":"../../etc",...},
        //   "reason":"RefusedPathException: partition '../../etc/orders.ndjson' refused: it resolves outside ...",...}
        // end::refused-names[]
        assertThat(report.stage("partitioned(by-customer)").deadLettered()).isEqualTo(2);
        assertThat(report.result().get().files()).containsOnlyKeys(base.toAbsolutePath().resolve("ann/orders.ndjson"));
        List<String> lines = Files.readAllLines(refused);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).contains("\"reason\":\"RefusedPathException: partition '../../etc/orders.ndjson' refused: it resolves outside");
        assertThat(lines.get(1)).contains("partition 'nul\\\\u0000/orders.ndjson' refused");
    }

    @Test
    void inboxBatch() throws IOException {
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        Files.writeString(inbox.resolve("a.csv"), "id,customer,amount\n1,ann,1\n");
        Files.writeString(inbox.resolve("b.csv"), "id,customer,amount\n2,bob,2\n3,cy,3\n");
        // tag::inbox[]
        Pipeline<List<String>> load = Pipeline.from(FileSources.inboxOnce(inbox, "*.csv"))  // inbox(...) keeps watching
                .then(Stage.mapAsync("load", (InboxFile f) -> FileSources.csv(f.path(), Order.class).flux()
                        .count()
                        .flatMap(n -> f.done().thenReturn(f.path().getFileName() + ": " + n + " orders"))
                        .onErrorResume(e -> f.failed().thenReturn(f.path().getFileName() + " failed: " + e.getMessage()))))
                .to(Sink.collect("loaded"));
        // end::inbox[]
        PipelineReport<List<String>> report = load.run().block(Duration.ofSeconds(30));
        assertThat(report.result().get()).containsExactly("a.csv: 1 orders", "b.csv: 2 orders");
        assertThat(inbox.resolve("done/a.csv")).exists();
    }
}
