package dev.pipeline.connectors.http.demo;

import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Arrays;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pipeline.connectors.internal.Require;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A fake HTTP API for demos, tests and benchmarks (artifact {@code pipeline-http-fake}): a small embeddable HTTP server (Reactor Netty) serving
 * paged JSON of deterministic synthetic records, with switches for latency, error statuses,
 * dropped connections and malformed bodies, so that examples, tests and benchmarks run with
 * no internet. Hot: {@link #start(DemoApiOptions)} binds it; {@link #close()} stops it. Not for
 * production use.
 *
 * <pre>{@code
 * try (DemoApiServer api = DemoApiServer.start(DemoApiOptions.defaults().totalRecords(10_000).errorRate(0.05))) {
 *     URI firstPage = api.baseUri().resolve("/records?page=1&size=100");
 *     ...
 * }
 * }</pre>
 *
 * <p>Endpoints:
 * <ul>
 *   <li>{@code GET /records?page=N&size=M} (pages from 1; size defaults to 100, at most 1000):
 *       {@code {"page":N,"size":M,"totalPages":P,"totalRecords":R,"records":[...]}}, each record
 *       {@code {"id":1,"name":"Ada Lovelace","email":"ada.lovelace1@example.com","country":"DE",
 *       "amount":123.45,"createdAt":"2024-03-01T10:00:00Z"}}. A page past the end has no
 *       records. A {@linkplain DemoApiOptions#invalidFraction(double) fraction} of records is
 *       invalid: email missing or blank, amount negative, or country {@code "XX"}
 *       ({@linkplain #COUNTRIES valid codes}).</li>
 *   <li>{@code GET /items/{id}}: about 100 bytes of JSON,
 *       {@code {"id":7,"name":"item-7","price":19.99,"currency":"EUR","stock":42,...}}.</li>
 *   <li>{@code GET /health}: {@code {"status":"UP"}}, never faulty.</li>
 * </ul>
 *
 * <p>Faults apply to {@code /records} and {@code /items}, decided per request from the seed and
 * the request's sequence number (deterministic for a given order of requests): an error answers
 * 500, 503 or 429 in turn (503 and 429 with {@code Retry-After}); a drop sends the headers and
 * half the body, then closes the connection; a malformed body is valid HTTP with truncated JSON.
 * Records are the same for a given seed whatever the faults.
 *
 * <p>Scripted faults ({@link Fault}) go before the random ones: {@link #enqueue(String, Fault...)}
 * decides what the next requests to a path meet (a status with {@code Retry-After}, a reset
 * connection, a dropped body, malformed JSON, latency), so a test can say "the first call to
 * {@code /items/7} answers 503, the second succeeds".
 */
public final class DemoApiServer implements AutoCloseable {

    /** The country codes of valid records. */
    public static final List<String> COUNTRIES = List.of("DE", "FR", "GB", "US", "NL", "ES", "IT", "PL", "SE", "JP");

    private static final String[] FIRST = {"Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "Ken",
        "Margaret", "Niklaus", "Radia", "Tim", "Leslie", "John", "Sophie", "Linus"};
    private static final String[] LAST = {"Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen",
        "Thompson", "Hamilton", "Wirth", "Perlman", "Berners-Lee", "Lamport", "Backus", "Wilson", "Torvalds"};
    private static final long EPOCH = Instant.parse("2024-01-01T00:00:00Z").getEpochSecond();
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String ANY_PATH = "";

    private final DemoApiOptions config;
    private final DisposableServer server;
    private final Scheduler timer;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong faults = new AtomicLong();
    /** Scripted faults by path ({@link #ANY_PATH} for any): each queue is consumed in order. */
    private final Map<String, Queue<Fault>> scripts = new ConcurrentHashMap<>(Map.of(ANY_PATH, new ConcurrentLinkedQueue<>()));

    private DemoApiServer(DemoApiOptions config) {
        this.config = config;
        this.timer = Schedulers.newSingle("demo-api-timer", true);
        try {
            this.server = HttpServer.create()
                    .host(config.host())
                    .port(config.port())
                    .route(routes -> routes
                            .get("/health", (req, res) -> json(res, 200, "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8)))
                            .get("/records", (req, res) -> faulty(req, res, () -> records(req, res)))
                            .get("/items/{id}", (req, res) -> faulty(req, res, () -> item(req, res))))
                    .bindNow(Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            timer.dispose();
            throw e;
        }
    }

    /**
     * Starts a server with the {@linkplain DemoApiOptions#defaults() defaults}; see
     * {@link #start(DemoApiOptions)}.
     *
     * @return the running server
     */
    public static DemoApiServer start() {
        return start(DemoApiOptions.defaults());
    }

    /**
     * Binds a server with these options (blocking until it listens, at most 10 seconds: call it
     * from a main thread or a test, not from a reactive pipeline).
     *
     * @param options what to serve and which faults to inject
     * @return the running server
     */
    public static DemoApiServer start(DemoApiOptions options) {
        return new DemoApiServer(Require.nonNull(options, "options"));
    }

    /**
     * The options the server was started with.
     *
     * @return the options
     */
    public DemoApiOptions options() {
        return config;
    }

    /**
     * The server's base URL, such as {@code http://127.0.0.1:41234/}.
     *
     * @return the base URL
     */
    public URI baseUri() {
        return URI.create("http://" + server.host() + ":" + server.port() + "/");
    }

    /**
     * The port the server is bound to.
     *
     * @return the port
     */
    public int port() {
        return server.port();
    }

    /**
     * Requests received on {@code /records} and {@code /items} so far.
     *
     * @return the count
     */
    public long requests() {
        return requests.get();
    }

    /**
     * Requests answered with a fault (error status, dropped connection or malformed body).
     *
     * @return the count
     */
    public long faults() {
        return faults.get();
    }

    /**
     * How many of the {@linkplain DemoApiOptions#totalRecords() total records} are invalid, for reconciling
     * an ETL's dead letters.
     *
     * @return the number of invalid records
     */
    public long invalidRecords() {
        long n = 0;
        for (long id = 1; id <= config.totalRecords(); id++) {
            if (isInvalid(id)) {
                n++;
            }
        }
        return n;
    }

    /**
     * Whether the record with this id is generated invalid.
     *
     * @param id a record id, from 1
     * @return true if the record is invalid
     */
    public boolean isInvalid(long id) {
        return invalidKind(new SplittableRandom(config.seed() * 0x9E3779B97F4A7C15L + id)) >= 0;
    }

    /** Stops the server and waits (up to 10 seconds) until it is stopped. */
    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(10));
        timer.dispose();
    }

    @Override
    public String toString() {
        return "DemoApiServer[" + baseUri() + ", " + config.totalRecords() + " records]";
    }

    // ------------------------------------------------------------------ handlers

    private Publisher<Void> faulty(HttpServerRequest req, HttpServerResponse res, Supplier<Publisher<Void>> ok) {
        long k = requests.incrementAndGet();
        Fault fault = scripted(req.fullPath());
        if (fault == null) {
            fault = random(k);
        }
        if (fault.kind() != Fault.Kind.NONE) {
            faults.incrementAndGet();
        }
        Fault f = fault;
        Mono<Void> answer = Mono.defer(() -> answer(f, k, res, ok));
        return f.delay().isZero() ? answer : Mono.delay(f.delay(), timer).then(answer);
    }

    /** The next scripted fault for this path (its own script first, then the one for any path), or null. */
    private Fault scripted(String path) {
        Queue<Fault> own = scripts.get(path);
        Fault f = own == null ? null : own.poll();
        return f != null ? f : scripts.get(ANY_PATH).poll();
    }

    /** The fault the options' rates draw for request number {@code k}, with its latency. */
    private Fault random(long k) {
        long bits = mix(config.seed() ^ (k * 0xD1B54A32D192ED03L));
        double u = (bits >>> 11) * 0x1.0p-53;
        Duration delay = config.minLatency();
        if (config.maxLatency().compareTo(config.minLatency()) > 0) {
            long span = config.maxLatency().toNanos() - config.minLatency().toNanos();
            delay = config.minLatency().plusNanos(Math.floorMod(mix(bits), span + 1));
        }
        Fault f;
        if (u < config.errorRate()) {
            int which = (int) (k % 3);
            f = which == 0 ? Fault.status(500) : Fault.status(which == 1 ? 503 : 429).retryAfter(config.retryAfter());
        } else if (u < config.errorRate() + config.dropRate()) {
            f = Fault.drop();
        } else if (u < config.errorRate() + config.dropRate() + config.malformedRate()) {
            f = Fault.malformed();
        } else {
            f = Fault.none();
        }
        return f.after(delay);
    }

    private static Mono<Void> answer(Fault f, long k, HttpServerResponse res, Supplier<Publisher<Void>> ok) {
        switch (f.kind()) {
            case STATUS -> {
                if (f.retryAfterValue() != null) {
                    res.header(HttpHeaderNames.RETRY_AFTER, String.valueOf(f.retryAfterValue().toSeconds()));
                }
                int status = f.statusCode();
                String error = status == 500 ? "injected failure" : status == 503 ? "unavailable" : status == 429 ? "too many requests"
                        : "injected status " + status;
                return Mono.from(json(res, status, ("{\"error\":\"" + error + "\"}").getBytes(StandardCharsets.UTF_8)));
            }
            case RESET -> {
                return Mono.create(sink -> res.withConnection(c -> {
                    // SO_LINGER 0: close() sends a TCP RST instead of a FIN
                    c.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                    c.channel().close().addListener(g -> sink.success());
                }));
            }
            case DROP -> {
                byte[] body = sampleItem(k);
                res.status(200)
                        .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                        .header(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(body.length));
                return res.sendHeaders().then().then(Mono.<Void>create(sink -> res.withConnection(c -> c.channel()
                        .writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(Arrays.copyOf(body, body.length / 2))))
                        .addListener(w -> c.channel().close().addListener(g -> sink.success())))));
            }
            case MALFORMED -> {
                byte[] body = sampleItem(k);
                return Mono.from(json(res, 200, Arrays.copyOf(body, body.length / 2)));
            }
            default -> {
                return Mono.from(ok.get());
            }
        }
    }

    /**
     * Scripts the answers of the next requests to {@code /records} and {@code /items}, whatever
     * their path, in the order they arrive: each request takes the next fault, before the
     * options' random faults apply. Thread-safe; the server is running (hot).
     *
     * @param faults the answers, in order
     * @return this server
     */
    public DemoApiServer enqueue(Fault... faults) {
        return enqueue(ANY_PATH, faults);
    }

    /**
     * Scripts the answers of the next requests to one path (such as {@code /items/7}, without
     * the query), in order; a path's own script goes before the one for any path. Deterministic
     * under concurrency when each path is requested once at a time.
     *
     * @param path the request path, starting with {@code /}
     * @param faults the answers, in order
     * @return this server
     */
    public DemoApiServer enqueue(String path, Fault... faults) {
        Require.nonNull(path, "path");
        Require.nonNull(faults, "faults");
        if (!path.equals(ANY_PATH) && !path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/', was '" + path + "'");
        }
        Queue<Fault> script = scripts.computeIfAbsent(path, p -> new ConcurrentLinkedQueue<>());
        for (Fault f : faults) {
            script.add(Require.nonNull(f, "fault"));
        }
        return this;
    }

    /**
     * How many scripted faults no request has met yet.
     *
     * @return the count, over every path
     */
    public int scriptedLeft() {
        return scripts.values().stream().mapToInt(Queue::size).sum();
    }

    private static Publisher<Void> json(HttpServerResponse res, int status, byte[] body) {
        return res.status(status)
                .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .header(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(body.length))
                .sendByteArray(Mono.just(body));
    }

    private static Publisher<Void> badRequest(HttpServerResponse res, String message) {
        ObjectNode error = MAPPER.createObjectNode().put("error", message);
        return json(res, HttpResponseStatus.BAD_REQUEST.code(), error.toString().getBytes(StandardCharsets.UTF_8));
    }

    private Publisher<Void> item(HttpServerRequest req, HttpServerResponse res) {
        long id;
        try {
            id = Long.parseLong(req.param("id"));
        } catch (NumberFormatException e) {
            return badRequest(res, "id must be a number, was '" + req.param("id") + "'");
        }
        return json(res, 200, sampleItem(id));
    }

    private static byte[] sampleItem(long id) {
        String body = "{\"id\":" + id + ",\"name\":\"item-" + id + "\",\"price\":" + (100 + Math.floorMod(id * 7919, 9900)) / 100.0
                + ",\"currency\":\"EUR\",\"stock\":" + Math.floorMod(id * 31, 100) + ",\"tags\":[\"demo\"]}";
        return body.getBytes(StandardCharsets.UTF_8);
    }

    private Publisher<Void> records(HttpServerRequest req, HttpServerResponse res) {
        Map<String, List<String>> params = new QueryStringDecoder(req.uri()).parameters();
        int page;
        int size;
        try {
            page = Integer.parseInt(first(params, "page", "1"));
            size = Integer.parseInt(first(params, "size", "100"));
        } catch (NumberFormatException e) {
            return badRequest(res, "page and size must be numbers: " + e.getMessage());
        }
        if (page < 1 || size < 1 || size > 1000) {
            return badRequest(res, "page must be >= 1 and size between 1 and 1000, were page=" + page + ", size=" + size);
        }
        long total = config.totalRecords();
        long totalPages = (total + size - 1) / size;
        ObjectNode root = MAPPER.createObjectNode()
                .put("page", page).put("size", size).put("totalPages", totalPages).put("totalRecords", total);
        ArrayNode records = root.putArray("records");
        long from = (long) (page - 1) * size + 1;
        for (long id = from; id < from + size && id <= total; id++) {
            records.add(record(id));
        }
        try {
            return json(res, 200, MAPPER.writeValueAsBytes(root));
        } catch (JsonProcessingException e) {
            return Mono.error(e);
        }
    }

    private static String first(Map<String, List<String>> params, String name, String fallback) {
        List<String> v = params.get(name);
        return v == null || v.isEmpty() ? fallback : v.get(0);
    }

    private ObjectNode record(long id) {
        SplittableRandom r = new SplittableRandom(config.seed() * 0x9E3779B97F4A7C15L + id);
        int invalid = invalidKind(r);
        String first = FIRST[r.nextInt(FIRST.length)];
        String last = LAST[r.nextInt(LAST.length)];
        String country = COUNTRIES.get(r.nextInt(COUNTRIES.size()));
        BigDecimal amount = BigDecimal.valueOf(r.nextInt(1, 1_000_000), 2);
        Instant createdAt = Instant.ofEpochSecond(EPOCH + r.nextLong(365L * 86_400));
        ObjectNode rec = MAPPER.createObjectNode().put("id", id).put("name", first + " " + last);
        if (invalid != 0) {
            rec.put("email", invalid == 1 ? " " : (first + "." + last + id + "@example.com").toLowerCase(java.util.Locale.ROOT));
        }
        rec.put("country", invalid == 3 ? "XX" : country);
        rec.put("amount", invalid == 2 ? amount.negate() : amount);
        rec.put("createdAt", createdAt.toString());
        return rec;
    }

    /** -1 for a valid record, else 0 (no email), 1 (blank email), 2 (negative amount), 3 (unknown country). */
    private int invalidKind(SplittableRandom r) {
        double u = r.nextDouble();
        int kind = r.nextInt(4);
        return u < config.invalidFraction() ? kind : -1;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
