package dev.pipeline.connectors.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import dev.pipeline.connectors.http.demo.DemoApiOptions;
import dev.pipeline.connectors.http.demo.DemoApiServer;
import dev.pipeline.core.DeadLetter;
import dev.pipeline.core.ErrorPolicy;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.RunningPipeline;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import dev.pipeline.core.Stage;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** The code of docs/connectors/http.md: every snippet runs here and is checked. */
class HttpGuideTest {

    static final Duration WAIT = Duration.ofSeconds(60);

    // tag::types[]
    /** One page of GET /records on the demo server. */
    public record Page(int page, int size, int totalPages, long totalRecords, List<Customer> records) {
    }

    /** One record; the demo server makes a few of them invalid on purpose. */
    public record Customer(long id, String name, String email, String country, BigDecimal amount, Instant createdAt) {
    }
    // end::types[]

    static boolean valid(Customer c) {
        return c.email() != null && !c.email().isBlank() && c.amount().signum() >= 0
                && DemoApiServer.COUNTRIES.contains(c.country());
    }

    @Test
    void fetchesEveryPageThroughFaultsAndDeadLettersTheInvalidRecords() {
        // tag::example[]
        try (DemoApiServer api = DemoApiServer.start(DemoApiOptions.defaults()
                .totalRecords(5_000)
                .errorRate(0.1)                      // 500, 503 and 429 (with Retry-After: 0)
                .retryAfter(Duration.ZERO)
                .dropRate(0.05))) {                  // connections closed halfway through the body
            HttpOptions options = HttpOptions.defaults()
                    .concurrency(8)                                   // 8 GETs in flight, 8 pooled connections
                    .responseTimeout(Duration.ofSeconds(2))           // per attempt, then retried
                    .retries(6, Duration.ofMillis(10), Duration.ofSeconds(1))
                    .maxResponseSize(1 << 20);
            List<DeadLetter<?>> rejected = new CopyOnWriteArrayList<>();
            Pipeline<Long> etl = Pipeline.from(Source.fromIterable("pages", IntStream.rangeClosed(1, 20).boxed().toList()))
                    .then(HttpStages.get("fetch", (Integer n) -> api.baseUri().resolve("/records?page=" + n + "&size=250"),
                            Page.class, options))
                    .then(Stage.flatMap("records", (Page p) -> Flux.fromIterable(p.records())))
                    .then(Stage.filter("valid", (Customer c) -> {
                        if (!valid(c)) {
                            throw new IllegalArgumentException("invalid record " + c.id());
                        }
                        return true;
                    }).onError(ErrorPolicy.deadLetter(Sink.forEach("rejected", rejected::add))))
                    .to(Sink.of("count", (Flux<Customer> customers) -> customers.count()));
            PipelineReport<Long> report = etl.run().block(Duration.ofMinutes(1));
            // every record is loaded or rejected; the retries show in the report
            assertThat(report.result().orElseThrow() + rejected.size()).isEqualTo(5_000);
            assertThat((long) rejected.size()).isEqualTo(api.invalidRecords());
            assertThat(api.faults()).isPositive();
            assertThat(report.stage("fetch").retried()).isGreaterThanOrEqualTo(api.faults());   // one retry per fault
        }
        // end::example[]
    }

    @Test
    void postsBatchesToAnIngestServerFedPipeline() {
        // tag::ingest[]
        Sinks.Empty<Void> stop = Sinks.empty();
        Sinks.One<InetSocketAddress> bound = Sinks.one();
        Source<Customer> incoming = HttpSources.server("incoming", Customer.class, HttpIngestOptions.defaults()
                .host("127.0.0.1").port(0)                           // an ephemeral port, learnt below
                .bearerToken("s3cret")
                .queue(64, Duration.ofSeconds(5))                    // 503 + Retry-After when full for 5 s
                .maxBodySize(16 * 1024 * 1024)
                .onBound(address -> bound.tryEmitValue(address))
                .stopSignal(stop.asMono(), Duration.ofSeconds(10))); // graceful: drain, then complete
        RunningPipeline<List<Customer>> server = Pipeline.from(incoming).to(Sink.<Customer>collect("stored")).start();
        URI ingest = URI.create("http://127.0.0.1:" + bound.asMono().block(WAIT).getPort() + "/ingest");

        Sink<Customer, Long> upload = HttpSinks.post("upload", ingest,
                HttpOptions.defaults().header("Authorization", "Bearer s3cret"),
                HttpPostOptions.defaults().format(HttpSinks.Format.NDJSON).batchSize(100).maxWait(Duration.ofMillis(200)));
        List<Customer> customers = Flux.range(1, 250)
                .map(i -> new Customer(i, "c" + i, "c" + i + "@example.com", "DE", BigDecimal.ONE, Instant.EPOCH))
                .collectList().block(WAIT);
        PipelineReport<Long> sent = Pipeline.from(Source.fromIterable("customers", customers)).to(upload).run().block(WAIT);
        stop.tryEmitEmpty();
        PipelineReport<List<Customer>> stored = server.await().block(WAIT);
        // end::ingest[]
        assertThat(sent.result()).contains(250L);
        assertThat(stored.result().orElseThrow()).containsExactlyInAnyOrderElementsOf(customers); // batches run in parallel
    }

    @Test
    void theRequestStageSendsAnyMethod() {
        try (ScriptedServer server = new ScriptedServer()) {
            server.then(ScriptedServer.Answer.json(200, "{\"id\":1,\"name\":\"n\",\"email\":\"e\",\"country\":\"DE\","
                    + "\"amount\":1,\"createdAt\":\"2024-01-01T00:00:00Z\"}"));
            URI api = server.uri("/");
            // tag::request[]
            Stage<Customer, Customer> update = HttpStages.request("update",
                    (Customer c) -> HttpRequest.of("PUT", api.resolve("/customers/" + c.id()))
                            .header("If-Match", "\"v1\"")
                            .jsonBody(c),
                    Customer.class,
                    HttpOptions.defaults().retries(0, Duration.ofMillis(1), Duration.ofMillis(1)));  // no repeats
            // end::request[]
            Customer c = new Customer(1, "n", "e", "DE", BigDecimal.ONE, Instant.parse("2024-01-01T00:00:00Z"));
            List<Customer> out = Pipeline.from(Source.fromIterable("in", List.of(c))).then(update).toFlux().collectList().block(WAIT);
            assertThat(out).containsExactly(c);
            assertThat(server.headers.get(0)).containsEntry(":method", "PUT").containsEntry("if-match", "\"v1\"");
            assertThat(Mono.just(server.bodies.get(0)).block()).contains("\"createdAt\":\"2024-01-01T00:00:00Z\"");
        }
    }

    /** Stands in for a service's request and answer types in the snippets. */
    public record Order(long id) {
    }

    /** What the order service answers. */
    public record Receipt(long order, String status) {
    }

    @Test
    void theFactoriesGiveCoreStagesAndSinks() {
        try (DemoApiServer demo = DemoApiServer.start()) {
            URI api = demo.baseUri();
            // tag::factories[]
            Stage<Integer, Page> pages = HttpStages.get("pages", (Integer n) -> api.resolve("/records?page=" + n), Page.class);
            Stage<Long, String> raw = HttpStages.get("raw", (Long id) -> api.resolve("/items/" + id));      // the body as text
            Stage<Order, Receipt> submit = HttpStages.request("submit",
                    (Order o) -> HttpRequest.postJson(api.resolve("/orders"), o), Receipt.class, HttpOptions.defaults());
            Sink<Order, Long> upload = HttpSinks.post("upload", api.resolve("/orders"), HttpOptions.defaults(),
                    HttpPostOptions.defaults().batchSize(500).maxWait(Duration.ofSeconds(1)).format(HttpSinks.Format.NDJSON));
            // end::factories[]
            List<Page> got = Pipeline.from(Source.fromIterable("n", List.of(1, 2))).then(pages).toFlux().collectList().block(WAIT);
            assertThat(got).extracting(Page::page).containsExactly(1, 2);
            assertThat(Pipeline.from(Source.fromIterable("ids", List.of(7L))).then(raw).toFlux().blockFirst(WAIT)).contains("item-7");
            assertThat(submit.name()).isEqualTo("submit");
            assertThat(upload.name()).isEqualTo("upload");
        }
    }

    @Test
    void theDemoServerHasSwitchesForFaults() {
        // tag::demo[]
        try (DemoApiServer api = DemoApiServer.start(DemoApiOptions.defaults()
                .totalRecords(10_000)            // default 1,000
                .invalidFraction(0.02)           // default 2 %
                .latency(Duration.ofMillis(5), Duration.ofMillis(50))
                .errorRate(0.05)                 // 500, 503, 429 in turn; 503 and 429 carry Retry-After
                .retryAfter(Duration.ofSeconds(1))
                .dropRate(0.01)                  // headers and half the body, then the connection closes
                .malformedRate(0.01)             // 200 with truncated JSON
                .seed(42))) {
            URI base = api.baseUri();            // http://127.0.0.1:<port>/
            long bad = api.invalidRecords();     // to reconcile an ETL's dead letters
            // end::demo[]
            assertThat(base.toString()).startsWith("http://127.0.0.1:");
            assertThat(bad).isBetween(100L, 300L);
        }
    }
}
