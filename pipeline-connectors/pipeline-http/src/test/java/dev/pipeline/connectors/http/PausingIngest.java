package dev.pipeline.connectors.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.RunningPipeline;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A running ingest server ({@link HttpSources#server}) for the load tests: its pipeline pauses
 * 5 ms after every 1,000 records, longer than the queue's 2 ms timeout, so requests meet a full
 * queue and are answered 503 (with {@code Retry-After: 0}), often after the server took part of
 * them. It counts how often it stored each record number, to find records lost or stored twice.
 */
final class PausingIngest {

    static final int PAUSE_EVERY = 1_000;
    static final Duration PAUSE = Duration.ofMillis(5);

    /** A record, posted and ingested. */
    public static final class Rec {
        public int n;

        public Rec() {
        }

        Rec(int n) {
            this.n = n;
        }
    }

    /** What the server's pipeline stored of records 0 to {@code records - 1}. */
    record Stored(long duplicated, long lost) {
    }

    private final int records;
    private final AtomicIntegerArray stored;
    private final Sinks.Empty<Void> stop = Sinks.empty();
    private final RunningPipeline<Long> run;
    /** The server's root, such as {@code http://127.0.0.1:40053/}. */
    final URI base;

    /** Starts the server and its pipeline; returns once the server is bound. */
    PausingIngest(int records, Duration wait) {
        this.records = records;
        this.stored = new AtomicIntegerArray(records);
        AtomicLong seen = new AtomicLong();
        Sinks.One<InetSocketAddress> bound = Sinks.one();
        Source<Rec> source = HttpSources.server("ingest", Rec.class, HttpIngestOptions.defaults()
                .queue(64, Duration.ofMillis(2))
                .retryAfter(Duration.ZERO)
                .stopSignal(stop.asMono(), Duration.ofSeconds(30))
                .onBound(bound::tryEmitValue));
        this.run = Pipeline.from(source)
                .to(Sink.of("store", (Flux<Rec> items) -> items
                        .concatMap(r -> seen.incrementAndGet() % PAUSE_EVERY == 0 ? Mono.delay(PAUSE).thenReturn(r) : Mono.just(r), 1)
                        .doOnNext(r -> stored.incrementAndGet(r.n))
                        .count()))
                .start();
        this.base = URI.create("http://127.0.0.1:" + bound.asMono().block(wait).getPort() + "/");
    }

    /** Stops the server gracefully, waits until its pipeline has stored every accepted record, and counts. */
    Stored finish(Duration wait) {
        stop.tryEmitEmpty();
        PipelineReport<Long> report = run.await().block(wait);
        long duplicated = 0;
        long lost = 0;
        for (int n = 0; n < records; n++) {
            int times = stored.get(n);
            if (times == 0) {
                lost++;
            } else if (times > 1) {
                duplicated += times - 1;
            }
        }
        assertThat(report.result()).as("records the pipeline stored").contains(records + duplicated - lost);
        return new Stored(duplicated, lost);
    }
}
