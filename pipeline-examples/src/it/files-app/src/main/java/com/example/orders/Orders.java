// tag::pipeline[]
package com.example.orders;

import java.nio.file.Path;

import dev.pipeline.connectors.file.FileSinks;
import dev.pipeline.connectors.file.FileSources;
import dev.pipeline.connectors.file.FileWriteResult;
import dev.pipeline.core.ErrorPolicy;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.Stage;

/** Reads orders ("id,amount" lines), skips the malformed ones, keeps the paid ones as NDJSON. */
public final class Orders {

    public record Order(String id, double amount) {
        static Order parse(String line) {
            String[] f = line.split(",");
            return new Order(f[0].trim(), Double.parseDouble(f[1]));
        }
    }

    public static Pipeline<FileWriteResult> pipeline(Path in, Path out) {
        return Pipeline.from(FileSources.lines(in))
                .then(Stage.map("parse", Order::parse).onError(ErrorPolicy.skip()))
                .then(Stage.filter("paid", (Order o) -> o.amount() > 0))
                .to(FileSinks.ndjson(out));
    }
}
// end::pipeline[]
