package dev.pipeline.connectors.r2dbc;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.pipeline.connectors.file.FileSinks;
import dev.pipeline.connectors.file.FileSources;
import dev.pipeline.core.ErrorPolicy;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import dev.pipeline.core.Stage;
import io.r2dbc.pool.ConnectionPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The examples of docs/connectors/databases.md, run and checked. */
class DatabasesGuideTest {

    @TempDir
    Path dir;

    // tag::records[]
    record Order(int id, int customerId, BigDecimal amount) {
    }

    record Receipt(int orderId, String customer, BigDecimal amount) {
    }
    // end::records[]

    @Test
    void csvIntoADatabaseThenEnrichedOut() throws IOException {
        Path csv = Files.writeString(dir.resolve("orders.csv"),
                "id,customerId,amount\n1,1,9.50\n2,2,20\n2,1,5\n3,1,12345678901.00\n4,2,1\n");
        Path rejected = dir.resolve("rejected.ndjson");
        // tag::pool[]
        ConnectionPool pool = R2dbc.pool("r2dbc:h2:mem:///shop?options=DB_CLOSE_DELAY=-1", 4);
        R2dbc.executeScript(pool, "guide/shop.sql").block(Duration.ofSeconds(30));   // classpath resource
        // end::pool[]
        try {
            // tag::insert[]
            Sink<Order, InsertResult> store = R2dbcSinks.insert(pool,
                            "INSERT INTO orders (id, customer_id, amount) VALUES ($1, $2, $3)",
                            (Order o) -> List.of(o.id(), o.customerId(), o.amount()),
                            InsertOptions.defaults().batchSize(500).concurrency(4))
                    .onError(ErrorPolicy.deadLetter(FileSinks.ndjson(rejected)));   // each refused row, with its SQL state
            PipelineReport<InsertResult> loaded = Pipeline.from(FileSources.csv(csv, Order.class))
                    .to(store)
                    .run().block(Duration.ofSeconds(30));
            // loaded.result(): InsertResult[rows=3, rejected=2, batches=...]
            // rejected.ndjson: the duplicate id 2 (SQL state 23505) and the amount too large (22003)
            // end::insert[]
            assertThat(loaded.result().get().rows()).isEqualTo(3);
            assertThat(loaded.result().get().rejected()).isEqualTo(2);
            assertThat(Files.readAllLines(rejected)).hasSize(2).anySatisfy(l -> assertThat(l).contains("\"sqlState\":\"23505\""));

            // tag::query-lookup[]
            Source<Order> orders = R2dbcSources.query(pool,
                    "SELECT id, customer_id, amount FROM orders WHERE amount >= $1 ORDER BY id", List.of(new BigDecimal("1")),
                    row -> new Order(row.get("id", Integer.class), row.get("customer_id", Integer.class),
                            row.get("amount", BigDecimal.class)));
            Stage<Order, Receipt> withCustomer = R2dbcStages.lookup("customer", pool,
                            "SELECT name FROM customers WHERE id = $1",
                            (Order o) -> List.of(o.customerId()),
                            row -> row.get("name", String.class),
                            (Order o, List<String> names) -> new Receipt(o.id(), names.isEmpty() ? "?" : names.get(0), o.amount()))
                    .concurrency(8);
            PipelineReport<List<Receipt>> receipts = Pipeline.from(orders)
                    .then(withCustomer)
                    .to(Sink.collect("receipts"))
                    .run().block(Duration.ofSeconds(30));
            // end::query-lookup[]
            assertThat(receipts.result().get()).extracting(Receipt::customer).containsExactly("ann", "bob", "bob");

            // tag::upsert[]
            Sink<Order, InsertResult> sync = R2dbcSinks.upsert(pool, "orders",
                    List.of("id"),                                   // the key
                    List.of("id", "customer_id", "amount"),          // every column written
                    (Order o) -> List.of(o.id(), o.customerId(), o.amount()));
            Pipeline.from(Source.fromIterable("changes", List.of(new Order(4, 2, new BigDecimal("2.50")))))
                    .to(sync)
                    .run().block(Duration.ofSeconds(30));
            // end::upsert[]
            // single(), not blockFirst(): read to the end, so the connection is back in the pool before
            // dispose() (a cancel releases it asynchronously, and reactor-pool can then miscount permits)
            assertThat(R2dbcSources.query(pool, "SELECT amount FROM orders WHERE id = 4", List.of(),
                    row -> row.get("amount", BigDecimal.class)).flux().single().block(Duration.ofSeconds(10))).isEqualByComparingTo("2.50");
        } finally {
            pool.dispose();
        }
    }
}
