// tag::test[]
package com.example.orders;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import dev.pipeline.connectors.file.FileWriteResult;
import dev.pipeline.core.PipelineReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.pipeline.test.PipelineAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

class OrdersTest {

    @Test
    void keepsThePaidOrdersAndSkipsTheMalformedLines(@TempDir Path dir) throws Exception {
        Path in = Files.writeString(dir.resolve("orders.csv"), "a1,9.50\nnot an order\na2,0\na3,12\n");
        Path out = dir.resolve("paid.ndjson");

        PipelineReport<FileWriteResult> report = Orders.pipeline(in, out).run().block(Duration.ofSeconds(30));

        assertThat(report).completed().reconciles()
                .stage("parse").received(4).emitted(3).skipped(1)
                .stage("paid").emitted(2).filtered(1);
        assertThat(Files.readAllLines(out)).containsExactly(
                "{\"id\":\"a1\",\"amount\":9.5}", "{\"id\":\"a3\",\"amount\":12.0}");
    }
}
// end::test[]
