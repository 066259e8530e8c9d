package dev.pipeline.connectors.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/**
 * One pipeline's {@link HttpSinks#post} feeds another pipeline's ingest server
 * ({@link HttpSources#server}) whose consumer pauses now and then ({@link PausingIngest}: 5 ms
 * every 1,000 records, longer than the queue's 2 ms timeout), so requests meet a full queue and
 * are answered 503, about half of them after the server took part of the request. Every record
 * must be stored exactly once and the sink's report must balance, in each of 5 runs of 32,000
 * records.
 *
 * <p>When the sink resent a refused batch whole, the items the server had taken before its 503
 * arrived twice: every run stored thousands of records twice.
 */
class HttpSinksLoadTest {

    static final Duration WAIT = Duration.ofSeconds(60);

    static final int RECORDS = 32_000;
    static final int REPETITIONS = 5;

    /** The figures of one run. */
    record Run(long duplicated, long lost, long refused, long requests, long sinkRejected, long millis) {
    }

    @Test
    void aSinkPostingToAnIngestServerThatAnswers503MidRequestStoresEveryRecordExactlyOnce(TestReporter reporter) {
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < REPETITIONS; i++) {
            runs.add(once());
        }
        reporter.publishEntry("sink to ingest", String.format("%d runs x %d records: %d duplicated, %d lost, "
                        + "%d answers 503 (or other refusals) of %d requests; per run %s",
                runs.size(), RECORDS, runs.stream().mapToLong(Run::duplicated).sum(), runs.stream().mapToLong(Run::lost).sum(),
                runs.stream().mapToLong(Run::refused).sum(), runs.stream().mapToLong(Run::requests).sum(), runs));
        assertThat(runs).allSatisfy(r -> {
            assertThat(r.duplicated()).as("records stored twice in %s", r).isZero();
            assertThat(r.lost()).as("records never stored in %s", r).isZero();
            assertThat(r.sinkRejected()).as("records the sink gave up on in %s", r).isZero();
        });
        assertThat(runs.stream().mapToLong(Run::refused).sum()).as("answers 503 (the resend path must be exercised)").isPositive();
    }

    private static Run once() {
        PausingIngest ingest = new PausingIngest(RECORDS, WAIT);
        long started = System.nanoTime();
        Sink<PausingIngest.Rec, Long> upload = HttpSinks.post("upload", ingest.base.resolve("/ingest"), HttpOptions.defaults()
                        .concurrency(16)
                        // retries count only the attempts in a row that took nothing: 30 of them wait ~0.5 s in all
                        .retries(30, Duration.ofMillis(1), Duration.ofMillis(20)),
                HttpPostOptions.defaults().format(HttpSinks.Format.NDJSON).batchSize(200).maxWait(Duration.ofMillis(50)));
        PipelineReport<Long> sent = Pipeline.from(Source.fromIterable("records",
                        IntStream.range(0, RECORDS).mapToObj(PausingIngest.Rec::new).toList()))
                .to(upload).run().block(WAIT);
        JsonNode server = HttpSourcesTest.get(ingest.base.resolve("/metrics")).block(WAIT).body().get("server");
        PausingIngest.Stored stored = ingest.finish(WAIT);
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertThat(sent.balances()).as("the sink's report balances: %s", sent).isTrue();
        assertThat(sent.result()).as("what the sink says the server accepted").contains(RECORDS - sent.stage("upload").failed());
        return new Run(stored.duplicated(), stored.lost(), server.get("refused").asLong(), server.get("requests").asLong(),
                sent.stage("upload").failed(), millis);
    }
}
