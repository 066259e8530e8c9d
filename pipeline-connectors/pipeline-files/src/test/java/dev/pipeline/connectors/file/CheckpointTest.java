package dev.pipeline.connectors.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pipeline.connectors.file.internal.Checkpoint;
import dev.pipeline.core.DeadLetter;
import dev.pipeline.core.ErrorPolicy;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.PipelineStatus;
import dev.pipeline.core.RunningPipeline;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Checkpointed file sources: a run that ends early resumes where every record before was done. */
class CheckpointTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private Path linesFile(int n, String eol) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            sb.append("line ").append(i).append(eol);
        }
        Path file = dir.resolve("in.txt");
        Files.writeString(file, sb.toString());
        return file;
    }

    /** Runs until {@code stopAt} items are stored (the next never completes), then cancels. */
    private PipelineReport<Void> runAndCancel(Source<?> source, int stopAt, List<Object> stored) throws InterruptedException {
        CountDownLatch reached = new CountDownLatch(1);
        RunningPipeline<Void> run = Pipeline.from(source)
                .to(Sink.forEachAsync("store", (Object o) -> {
                    if (stored.size() >= stopAt) {
                        reached.countDown();
                        return Mono.never();
                    }
                    stored.add(o);
                    return Mono.empty();
                }))
                .start();
        assertThat(reached.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        return run.cancel().block(WAIT);
    }

    private PipelineReport<Void> runToEnd(Source<?> source, List<Object> stored) {
        List<PipelineReport<Void>> out = new ArrayList<>();
        Pipeline.from(source).to(Sink.forEach("store", (Object o) -> stored.add(o))).run()
                .as(StepVerifier::create).consumeNextWith(out::add).expectComplete().verify(WAIT);
        return out.get(0);
    }

    /** Waits for the checkpoints' last writes after the runs ended (before the temporary directory goes). */
    @org.junit.jupiter.api.AfterEach
    void checkpointsReleased() throws IOException {
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".checkpoint")).toList()) {
                Checkpoint.whenFree(p).as(StepVerifier::create).expectComplete().verify(WAIT);
            }
        }
    }

    @Test
    void aCancelledRunResumesRightAfterTheLastRecordItFinished() throws Exception {
        for (String eol : List.of("\n", "\r\n", "\r")) {
            Path in = linesFile(1000, eol);
            Path cp = dir.resolve("in.checkpoint");
            Files.deleteIfExists(cp);
            ReadOptions options = ReadOptions.defaults().checkpoint(cp);
            List<Object> first = new CopyOnWriteArrayList<>();
            PipelineReport<Void> cancelled = runAndCancel(FileSources.lines(in, options), 300, first);
            assertThat(cancelled.status()).isEqualTo(PipelineStatus.CANCELLED);
            assertThat(cancelled.acks().get(0).stored()).isEqualTo(300);

            List<Object> second = new CopyOnWriteArrayList<>();
            PipelineReport<Void> resumed = runToEnd(FileSources.lines(in, options), second);
            // the checkpoint said 300 records: the run resumed with the 301st
            assertThat(second).as("eol %s", eol.replace("\r", "CR").replace("\n", "LF")).first().isEqualTo("line 301");
            // a finished file stays finished (the next run waits for this one's last write)
            List<Object> third = new CopyOnWriteArrayList<>();
            runToEnd(FileSources.lines(in, options), third);
            assertThat(third).isEmpty();
            List<Object> all = new ArrayList<>(first);
            all.addAll(second);
            assertThat(all).isEqualTo(IntStream.rangeClosed(1, 1000).mapToObj(i -> "line " + i).toList());
            // what the first run had read ahead and not finished is read again, flagged
            assertThat(resumed.acks().get(0).redelivered()).isPositive().isLessThanOrEqualTo(700);
            Checkpoint.whenFree(cp).as(StepVerifier::create).expectComplete().verify(WAIT);
            Files.delete(cp);
        }
    }

    @Test
    void ndjsonAndCsvResumeWithTheirRejectedRecordsCountedAsDone() throws Exception {
        Path nd = dir.resolve("in.ndjson");
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= 200; i++) {
            sb.append(i % 50 == 0 ? "{broken" : "{\"id\":" + i + "}").append('\n').append(i % 7 == 0 ? "\n" : "");
        }
        Files.writeString(nd, sb.toString());
        ReadOptions ndOptions = ReadOptions.defaults().checkpoint(dir.resolve("nd.checkpoint"));
        List<Object> first = new CopyOnWriteArrayList<>();
        runAndCancel(FileSources.ndjson(nd, Map.class, ndOptions).onError(ErrorPolicy.skip()), 120, first);
        List<Object> second = new CopyOnWriteArrayList<>();
        List<DeadLetter<?>> bad = new CopyOnWriteArrayList<>();
        runToEnd(FileSources.ndjson(nd, Map.class, ndOptions)
                .onError(ErrorPolicy.deadLetter(Sink.<DeadLetter<?>>forEach("bad", bad::add))), second);
        // after the restart, errors still name the right line (blank lines included)
        assertThat(bad).extracting(l -> l.error().getMessage().substring(0, l.error().getMessage().indexOf(": ")))
                .containsExactly("in.ndjson:" + (150 + 150 / 7), "in.ndjson:" + (200 + 200 / 7));
        List<Object> ids = new ArrayList<>();
        first.forEach(m -> ids.add(((Map<?, ?>) m).get("id")));
        second.forEach(m -> ids.add(((Map<?, ?>) m).get("id")));
        assertThat(ids).isEqualTo(IntStream.rangeClosed(1, 200).filter(i -> i % 50 != 0).boxed().toList());

        Path csv = dir.resolve("in.csv");
        StringBuilder rows = new StringBuilder("id,name\n");
        for (int i = 1; i <= 150; i++) {
            rows.append(i).append(",\"n\n").append(i).append("\"\n"); // quoted newlines: records are not lines
        }
        Files.writeString(csv, rows.toString());
        ReadOptions csvOptions = ReadOptions.defaults().checkpoint(dir.resolve("csv.checkpoint"));
        List<Object> a = new CopyOnWriteArrayList<>();
        runAndCancel(FileSources.csv(csv, csvOptions), 40, a);
        List<Object> b = new CopyOnWriteArrayList<>();
        runToEnd(FileSources.csv(csv, csvOptions), b);
        List<Object> csvIds = new ArrayList<>();
        a.forEach(m -> csvIds.add(((Map<?, ?>) m).get("id")));
        b.forEach(m -> csvIds.add(((Map<?, ?>) m).get("id")));
        assertThat(csvIds).isEqualTo(IntStream.rangeClosed(1, 150).mapToObj(Integer::toString).toList());
    }

    @Test
    void theGuideExampleReadsOnceAndAFinishedFileStaysFinished() throws Exception {
        Path orders = dir.resolve("orders.ndjson");
        Files.writeString(orders, "{\"id\":1}\n{\"id\":2}\n");
        List<Object> stored = new CopyOnWriteArrayList<>();
        // tag::checkpoint[]
        ReadOptions resumable = ReadOptions.defaults()
                .checkpoint(dir.resolve("orders.checkpoint"))
                .checkpointEvery(Duration.ofMillis(200));
        PipelineReport<Void> report = Pipeline.from(FileSources.ndjson(orders, Map.class, resumable))
                .to(Sink.forEach("store", stored::add))   // keyed (an upsert) in real life: a repeat is harmless
                .run().block();
        // end::checkpoint[]
        assertThat(stored).hasSize(2);
        assertThat(report.acks().get(0).stored()).isEqualTo(2);
        runToEnd(FileSources.ndjson(orders, Map.class, resumable), stored);
        assertThat(stored).hasSize(2);
    }

    @Test
    void readingPausesAtMaxUnsettledBehindOneHeldRecordAndResumesOnceItSettles() throws Exception {
        Path in = linesFile(1000, "\n");
        reactor.core.scheduler.Scheduler reads = reactor.core.scheduler.Schedulers.newSingle("reads");
        RunningPipeline<Void> run = null;
        try {
            ReadOptions options = ReadOptions.defaults().checkpoint(dir.resolve("in.checkpoint"))
                    .maxUnsettled(100).scheduler(reads);
            reactor.core.publisher.Sinks.Empty<Void> release = reactor.core.publisher.Sinks.empty();
            java.util.concurrent.atomic.AtomicInteger arrived = new java.util.concurrent.atomic.AtomicInteger();
            CountDownLatch atBound = new CountDownLatch(1);
            List<Object> stored = new CopyOnWriteArrayList<>();
            run = Pipeline.from(FileSources.lines(in, options))
                    .to(Sink.forEachAsync("store", (String s) -> {
                        if (arrived.incrementAndGet() == 100) {
                            atBound.countDown();
                        }
                        // line 1 stays unsettled until released: the others settle behind its gap
                        Mono<Void> done = s.equals("line 1") ? release.asMono() : Mono.empty();
                        return done.doOnSuccess(v -> stored.add(s));
                    }).concurrency(4))
                    .start();
            assertThat(atBound.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            // let the read thread finish what it was doing: it can only go on when the mark moves
            Mono.fromCallable(() -> stored.size()).subscribeOn(reads).as(StepVerifier::create)
                    .expectNextCount(1).expectComplete().verify(WAIT);
            assertThat(arrived).as("read while line 1 is unsettled").hasValue(100);
            assertThat(stored).doesNotContain("line 1");
            // line 1 settles: the mark moves past 100 and reading resumes to the end
            release.tryEmitEmpty();
            PipelineReport<Void> report = run.await().block(WAIT);
            assertThat(report.status()).isEqualTo(PipelineStatus.COMPLETED);
            assertThat(arrived).hasValue(1000);
            assertThat(stored).hasSize(1000).contains("line 1", "line 1000");
        } finally {
            if (run != null) {
                run.cancel().block(WAIT); // a failed assertion leaves line 1 held: end the run so its checkpoint is released
            }
            Checkpoint.whenFree(dir.resolve("in.checkpoint")).block(WAIT);
            reads.dispose();
        }
    }

    @Test
    void aSecondRunIsRefusedWhileTheFirstHoldsTheLock() throws Exception {
        Path in = linesFile(100, "\n");
        ReadOptions options = ReadOptions.defaults().checkpoint(dir.resolve("in.checkpoint"));
        CountDownLatch first = new CountDownLatch(1);
        RunningPipeline<Void> holding = Pipeline.from(FileSources.lines(in, options))
                .to(Sink.forEachAsync("wait", (String s) -> {
                    first.countDown();
                    return Mono.never();
                }))
                .start();
        assertThat(first.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        Pipeline.from(FileSources.lines(in, options)).to(Sink.forEach("other", s -> { })).run()
                .as(StepVerifier::create)
                .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("in.checkpoint.lock is locked")
                        .hasMessageContaining("another run"))
                .verify(WAIT);
        holding.cancel().block(WAIT);
        // released when the run ended: a new run may take it
        runToEnd(FileSources.lines(in, options), new CopyOnWriteArrayList<>());
    }

    @Test
    void aRunKilledWithSigkillResumesWithNothingLostAndOnlyTheUnfinishedWindowRepeated() throws Exception {
        int n = 100_000;
        Path in = linesFile(n, "\n");
        Path out = dir.resolve("out.txt");
        Path cp = dir.resolve("in.checkpoint");
        Process killed = child(in, out, cp, 30_000);
        try (BufferedReader stdout = new BufferedReader(new InputStreamReader(killed.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = stdout.readLine()) != null && !line.equals("READY")) {
                // the child's other output
            }
            assertThat(line).as("the child printed READY").isEqualTo("READY");
            killed.destroyForcibly();
            assertThat(killed.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        long storedBeforeKill = Files.readAllLines(out).size();
        // under heavy load the child may die before its first write: then the restart begins at 0
        long checkpointed = Files.exists(cp)
                ? ((Number) new ObjectMapper().readValue(cp.toFile(), Map.class).get("records")).longValue() : 0;
        assertThat(checkpointed).isBetween(0L, storedBeforeKill);

        Process resumed = child(in, out, cp, -1);
        String redelivered;
        try (BufferedReader stdout = new BufferedReader(new InputStreamReader(resumed.getInputStream(), StandardCharsets.UTF_8))) {
            redelivered = stdout.lines().filter(l -> l.startsWith("REDELIVERED ")).findFirst().orElse("none");
            assertThat(resumed.waitFor(120, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(resumed.exitValue()).isZero();
        List<String> copied = Files.readAllLines(out);
        Map<String, Integer> times = new HashMap<>();
        copied.forEach(l -> times.merge(l, 1, Integer::sum));
        // nothing lost
        assertThat(times).hasSize(n);
        long repeats = copied.size() - n;
        // the restart began exactly at the checkpoint: the repeats are what was stored after it
        assertThat(repeats).isEqualTo(storedBeforeKill - checkpointed);
        // and every repeat is a line after the checkpoint, stored once before the kill
        assertThat(times.entrySet()).allSatisfy(e -> {
            int i = Integer.parseInt(e.getKey().substring(5));
            assertThat(e.getValue()).isEqualTo(i > checkpointed && i <= storedBeforeKill ? 2 : 1);
        });
        System.out.printf("kill test: %d stored before SIGKILL, checkpoint at %d, %d repeated, %s%n",
                storedBeforeKill, checkpointed, repeats, redelivered);
    }

    private static Process child(Path in, Path out, Path cp, long readyAfter) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                CheckpointKillMain.class.getName(), in.toString(), out.toString(), cp.toString(), Long.toString(readyAfter))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }
}
