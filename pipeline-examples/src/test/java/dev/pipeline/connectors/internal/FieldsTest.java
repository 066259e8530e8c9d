package dev.pipeline.connectors.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pipeline.connectors.file.Malformed;
import dev.pipeline.connectors.file.ReadOptions;
import dev.pipeline.connectors.file.WriteOptions;
import dev.pipeline.connectors.http.HttpIngestOptions;
import dev.pipeline.connectors.http.HttpOptions;
import dev.pipeline.connectors.http.HttpPostOptions;
import dev.pipeline.connectors.http.HttpSinks;
import dev.pipeline.connectors.http.demo.DemoApiOptions;
import dev.pipeline.connectors.r2dbc.InsertOptions;
import dev.pipeline.connectors.r2dbc.QueryOptions;
import dev.pipeline.core.PipelineReport;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;

/**
 * The options classes' one copy mechanism, over every option of every class: each option
 * survives every other option's copy, in either order, the template is never changed, and the
 * list below covers every option method (found by reflection), so a new option without a case
 * here fails the build.
 */
class FieldsTest {

    /** One option method: its signature, a call with a value that is not the default, and its getter(s). */
    record Option<O>(String signature, UnaryOperator<O> set, Function<O, Object> get) {
    }

    /** Every options class, its defaults, and all its options. */
    record Case<O>(Class<O> type, O defaults, List<Option<O>> options) {
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Scheduler SCHEDULER = Schedulers.immediate();
    private static final HttpClient CLIENT = HttpClient.create();
    private static final Mono<Void> STOP = Mono.never();
    private static final Consumer<InetSocketAddress> BOUND = address -> { };
    private static final Supplier<PipelineReport<?>> REPORT = () -> null;

    private static <O> Option<O> option(String signature, UnaryOperator<O> set, Function<O, Object> get) {
        return new Option<>(signature, set, get);
    }

    static Stream<Named<Case<?>>> cases() {
        return Stream.of(
                new Case<>(HttpOptions.class, HttpOptions.defaults(), List.of(
                        option("concurrency(int)", o -> o.concurrency(7), HttpOptions::concurrency),
                        option("connectTimeout(Duration)", o -> o.connectTimeout(Duration.ofSeconds(7)), HttpOptions::connectTimeout),
                        option("responseTimeout(Duration)", o -> o.responseTimeout(Duration.ofSeconds(7)), HttpOptions::responseTimeout),
                        option("retries(int, Duration, Duration)", o -> o.retries(7, Duration.ofMillis(7), Duration.ofSeconds(7)),
                                o -> List.of(o.maxRetries(), o.minBackoff(), o.maxBackoff())),
                        option("jitter(double)", o -> o.jitter(0.7), HttpOptions::jitter),
                        option("maxRetryAfter(Duration)", o -> o.maxRetryAfter(Duration.ofSeconds(7)), HttpOptions::maxRetryAfter),
                        option("maxResponseSize(int)", o -> o.maxResponseSize(7), HttpOptions::maxResponseSize),
                        option("maxLineSize(int)", o -> o.maxLineSize(7), HttpOptions::maxLineSize),
                        option("header(String, String)", o -> o.header("X-Seven", "7"), HttpOptions::headers),
                        option("mapper(ObjectMapper)", o -> o.mapper(MAPPER), HttpOptions::mapper),
                        option("client(HttpClient)", o -> o.client(CLIENT), HttpOptions::client))),
                new Case<>(HttpPostOptions.class, HttpPostOptions.defaults(), List.of(
                        option("batchSize(int)", o -> o.batchSize(7), HttpPostOptions::batchSize),
                        option("maxWait(Duration)", o -> o.maxWait(Duration.ofSeconds(7)), HttpPostOptions::maxWait),
                        option("format(Format)", o -> o.format(HttpSinks.Format.NDJSON), HttpPostOptions::format))),
                new Case<>(HttpIngestOptions.class, HttpIngestOptions.defaults(), List.of(
                        option("host(String)", o -> o.host("0.0.0.0"), HttpIngestOptions::host),
                        option("port(int)", o -> o.port(7), HttpIngestOptions::port),
                        option("path(String)", o -> o.path("/seven"), HttpIngestOptions::path),
                        option("queue(int, Duration)", o -> o.queue(7, Duration.ofSeconds(7)),
                                o -> List.of(o.queueCapacity(), o.queueTimeout())),
                        option("retryAfter(Duration)", o -> o.retryAfter(Duration.ofSeconds(7)), HttpIngestOptions::retryAfter),
                        option("maxBodySize(long)", o -> o.maxBodySize(7), HttpIngestOptions::maxBodySize),
                        option("maxLineSize(int)", o -> o.maxLineSize(7), HttpIngestOptions::maxLineSize),
                        option("bearerToken(String)", o -> o.bearerToken("seven"), HttpIngestOptions::bearerToken),
                        option("onMalformed(Malformed)", o -> o.onMalformed(HttpIngestOptions.Malformed.ERROR_POLICY),
                                HttpIngestOptions::onMalformed),
                        option("onBound(Consumer)", o -> o.onBound(BOUND), HttpIngestOptions::onBound),
                        option("metrics(Supplier)", o -> o.metrics(REPORT), HttpIngestOptions::metrics),
                        option("stopSignal(Mono, Duration)", o -> o.stopSignal(STOP, Duration.ofSeconds(7)),
                                o -> List.of(o.stopSignal(), o.drainTimeout())),
                        option("mapper(ObjectMapper)", o -> o.mapper(MAPPER), HttpIngestOptions::mapper))),
                new Case<>(ReadOptions.class, ReadOptions.defaults(), List.of(
                        option("charset(Charset)", o -> o.charset(StandardCharsets.ISO_8859_1), ReadOptions::charset),
                        option("onMalformed(Malformed)", o -> o.onMalformed(Malformed.REPLACE), ReadOptions::onMalformed),
                        option("bufferSize(int)", o -> o.bufferSize(7), ReadOptions::bufferSize),
                        option("maxLineSize(int)", o -> o.maxLineSize(7), ReadOptions::maxLineSize),
                        option("scheduler(Scheduler)", o -> o.scheduler(SCHEDULER), ReadOptions::scheduler),
                        option("checkpoint(Path)", o -> o.checkpoint(java.nio.file.Path.of("seven.checkpoint")),
                                ReadOptions::checkpoint),
                        option("checkpointEvery(Duration)", o -> o.checkpointEvery(Duration.ofSeconds(7)),
                                ReadOptions::checkpointEvery),
                        option("maxUnsettled(int)", o -> o.maxUnsettled(7), ReadOptions::maxUnsettled),
                        option("mapper(ObjectMapper)", o -> o.mapper(MAPPER), ReadOptions::mapper))),
                new Case<>(WriteOptions.class, WriteOptions.defaults(), List.of(
                        option("append(boolean)", o -> o.append(true), WriteOptions::append),
                        option("flushEvery(int)", o -> o.flushEvery(7), WriteOptions::flushEvery),
                        option("fsync(boolean)", o -> o.fsync(true), WriteOptions::fsync),
                        option("charset(Charset)", o -> o.charset(StandardCharsets.ISO_8859_1), WriteOptions::charset),
                        option("prefetch(int)", o -> o.prefetch(7), WriteOptions::prefetch),
                        option("scheduler(Scheduler)", o -> o.scheduler(SCHEDULER), WriteOptions::scheduler),
                        option("mapper(ObjectMapper)", o -> o.mapper(MAPPER), WriteOptions::mapper))),
                new Case<>(InsertOptions.class, InsertOptions.defaults(), List.of(
                        option("batchSize(int)", o -> o.batchSize(7), InsertOptions::batchSize),
                        option("maxWait(Duration)", o -> o.maxWait(Duration.ofSeconds(7)), InsertOptions::maxWait),
                        option("concurrency(int)", o -> o.concurrency(7), InsertOptions::concurrency),
                        option("scheduler(Scheduler)", o -> o.scheduler(SCHEDULER), InsertOptions::scheduler))),
                new Case<>(QueryOptions.class, QueryOptions.defaults(), List.of(
                        option("fetchSize(int)", o -> o.fetchSize(7), QueryOptions::fetchSize),
                        option("maxRows(int)", o -> o.maxRows(7), QueryOptions::maxRows),
                        option("scheduler(Scheduler)", o -> o.scheduler(SCHEDULER), QueryOptions::scheduler))),
                new Case<>(DemoApiOptions.class, DemoApiOptions.defaults(), List.of(
                        option("host(String)", o -> o.host("0.0.0.0"), DemoApiOptions::host),
                        option("port(int)", o -> o.port(7), DemoApiOptions::port),
                        option("seed(long)", o -> o.seed(7), DemoApiOptions::seed),
                        option("totalRecords(long)", o -> o.totalRecords(7), DemoApiOptions::totalRecords),
                        option("invalidFraction(double)", o -> o.invalidFraction(0.7), DemoApiOptions::invalidFraction),
                        option("latency(Duration)", o -> o.latency(Duration.ofMillis(7)),
                                o -> List.of(o.minLatency(), o.maxLatency())),
                        option("latency(Duration, Duration)", o -> o.latency(Duration.ofMillis(7), Duration.ofMillis(8)),
                                o -> List.of(o.minLatency(), o.maxLatency())),
                        option("errorRate(double)", o -> o.errorRate(0.3), DemoApiOptions::errorRate),
                        option("retryAfter(Duration)", o -> o.retryAfter(Duration.ofSeconds(7)), DemoApiOptions::retryAfter),
                        option("dropRate(double)", o -> o.dropRate(0.3), DemoApiOptions::dropRate),
                        option("malformedRate(double)", o -> o.malformedRate(0.3), DemoApiOptions::malformedRate))))
                .map(c -> Named.of(c.type().getSimpleName(), c));
    }

    @ParameterizedTest
    @MethodSource("cases")
    <O> void theCasesCoverEveryOptionMethod(Case<O> c) {
        List<String> methods = Arrays.stream(c.type().getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()))
                .filter(m -> m.getReturnType() == c.type() && m.getParameterCount() > 0)
                .map(FieldsTest::signature)
                .sorted().toList();
        assertThat(c.options().stream().map(Option::signature).sorted().toList()).isEqualTo(methods);
    }

    @ParameterizedTest
    @MethodSource("cases")
    <O> void eachOptionChangesItsValueAndLeavesTheTemplateAlone(Case<O> c) {
        Map<String, Object> before = values(c, c.defaults());
        for (Option<O> a : c.options()) {
            O set = a.set().apply(c.defaults());
            assertThat(set).as(a.signature()).isNotSameAs(c.defaults());
            assertThat(a.get().apply(set)).as("%s changes its value", a.signature()).isNotEqualTo(a.get().apply(c.defaults()));
            assertThat(values(c, c.defaults())).as("the defaults after %s", a.signature()).isEqualTo(before);
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    <O> void everyOptionSurvivesEveryOtherOptionsCopyInEitherOrder(Case<O> c) {
        for (Option<O> a : c.options()) {
            Object expected = a.get().apply(a.set().apply(c.defaults()));
            for (Option<O> b : c.options()) {
                if (shareAGetter(a, b)) {
                    continue;
                }
                O ab = b.set().apply(a.set().apply(c.defaults()));
                O ba = a.set().apply(b.set().apply(c.defaults()));
                assertThat(a.get().apply(ab)).as("%s after %s", a.signature(), b.signature()).isEqualTo(expected);
                assertThat(a.get().apply(ba)).as("%s before %s", a.signature(), b.signature()).isEqualTo(expected);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    <O> void allOptionsTogetherKeepEveryValue(Case<O> c) {
        O all = c.defaults();
        for (Option<O> o : c.options()) {
            all = o.set().apply(all);
        }
        for (Option<O> o : c.options()) {
            if (c.options().stream().noneMatch(other -> other != o && shareAGetter(o, other))) {
                assertThat(o.get().apply(all)).as(o.signature()).isEqualTo(o.get().apply(o.set().apply(c.defaults())));
            }
        }
    }

    /** Two overloads that set the same values (latency(d) and latency(min, max)). */
    private static <O> boolean shareAGetter(Option<O> a, Option<O> b) {
        return a != b && a.signature().substring(0, a.signature().indexOf('('))
                .equals(b.signature().substring(0, b.signature().indexOf('(')));
    }

    private static <O> Map<String, Object> values(Case<O> c, O options) {
        return c.options().stream().collect(Collectors.toMap(Option::signature,
                o -> Objects.requireNonNullElse(o.get().apply(options), "null")));
    }

    private static String signature(Method m) {
        return m.getName() + Arrays.stream(m.getParameterTypes()).map(Class::getSimpleName)
                .collect(Collectors.joining(", ", "(", ")"));
    }
}
