package dev.pipeline.connectors.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineException;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessPipeTest {

    private static final Duration T = Duration.ofSeconds(30);

    @Test
    void itemsStreamThroughAFilterProcess() {
        StepVerifier.create(Processes.pipe(Command.of("tr", "a-z", "A-Z"), Flux.just("hello", "world")))
                .expectNext("HELLO", "WORLD")
                .expectComplete().verify(T);
    }

    @Test
    void aPipelineThroughSortReconcilesItsAccounts() {
        List<String> input = IntStream.range(0, 5000).mapToObj(i -> String.format("%05d", 4999 - i)).toList();
        Mono<PipelineReport<List<String>>> run = Pipeline.from(Source.fromIterable("numbers", input))
                .then(ProcessStages.pipe("sort", Command.of("sort")))
                .to(Sink.<String>collect("sorted"))
                .run();
        StepVerifier.create(run)
                .assertNext(report -> {
                    assertThat(report.result().orElseThrow()).hasSize(5000).isSorted().startsWith("00000");
                    assertThat(report.stage("sort").received()).isEqualTo(5000);
                    assertThat(report.stage("sort").outputs()).isEqualTo(5000);
                    assertThat(report.stage("sorted").emitted()).isEqualTo(5000);
                    assertThat(report.reconciles()).as(report.toString()).isTrue();
                })
                .expectComplete().verify(T);
    }

    @Test
    void aCrashFailsTheRunWithTheExitCodeAndTheLastStderrLines() {
        Command crashing = Command.shell("read line; echo \"got $line\"; echo 'disk on fire' >&2; exit 7").logStderr(false);
        Mono<PipelineReport<List<String>>> run = Pipeline.from(Source.fromIterable("in", List.of("a", "b", "c")))
                .then(ProcessStages.pipe("crashing", crashing))
                .to(Sink.<String>collect("out"))
                .run();
        StepVerifier.create(run)
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(PipelineException.class).hasMessageContaining("crashing");
                    Throwable cause = e;
                    while (cause != null && !(cause instanceof ProcessException)) {
                        cause = cause.getCause();
                    }
                    assertThat(cause).isInstanceOf(ProcessException.class)
                            .hasMessageContaining("exited with code 7").hasMessageContaining("disk on fire");
                    PipelineReport<?> report = ((PipelineException) e).report().orElseThrow();
                    assertThat(report.stage("crashing").outputs()).isEqualTo(1); // "got a"
                    assertThat(report.stage("out").emitted()).isEqualTo(1);
                })
                .verify(T);
    }

    @Test
    void aProcessThatExitsEarlyEndsTheStreamAndCancelsTheRestOfTheInput() {
        AtomicLong offered = new AtomicLong();
        StepVerifier.create(Processes.pipe(Command.of("head", "-n", "2"),
                        Flux.range(0, 1_000_000).map(String::valueOf).doOnNext(i -> offered.incrementAndGet())))
                .expectNext("0", "1")
                .expectComplete().verify(T);
        assertThat(offered.get()).isLessThan(1_000_000);
    }

    @Test
    void aSlowReaderPausesTheProcessInsteadOfBuffering(@TempDir Path dir) throws IOException {
        String marker = ProcessTable.marker();
        Path counter = dir.resolve("counter");
        Files.writeString(counter, "0");
        // writes 200 000 numbered lines of 200 bytes, recording each number in a file as it goes: a
        // few hundred lines fill the stdout pipe, so the shell stalls within a few hundred
        // iterations however slowly a loaded machine runs it
        Command counting = Command.of("/bin/sh", "-c",
                "pad=$(printf '%0190d' 0); i=0; while [ $i -lt 200000 ]; do i=$((i+1)); echo \"$i $pad\"; echo $i > \"$1\"; done",
                marker, counter.toString());
        StepVerifier.create(Processes.pipe(counting, Flux.empty()).map(line -> line.substring(0, line.indexOf(' '))), 0)
                .thenRequest(10)
                .expectNext("1", "2", "3", "4", "5", "6", "7", "8", "9", "10")
                .then(() -> {
                    long stalled = stableValue(counter);
                    assertThat(stalled).as("the process blocks on a full stdout pipe while nobody reads")
                            .isLessThan(200_000);
                })
                .thenRequest(1)
                .expectNext("11") // nothing was lost meanwhile
                .thenCancel()
                .verify(T);
        StepVerifier.create(ProcessTable.gone(marker)).expectNext(true).expectComplete().verify(T);
    }

    @Test
    void aProcessThatDoesNotReadItsStdinBlocksTheWriterNotTheHeap() {
        String marker = ProcessTable.marker();
        AtomicLong offered = new AtomicLong();
        Flux<String> input = Flux.range(0, 10_000_000).map(i -> "item " + i).doOnNext(i -> offered.incrementAndGet());
        StepVerifier.create(Processes.pipe(Command.of("sleep", marker), input))
                .expectSubscription()
                .then(() -> {
                    long stalled = stableCount(offered);
                    assertThat(stalled).as("items taken while the stdin pipe is full: the pipe, the prefetch, no more")
                            .isLessThan(200_000);
                })
                .thenCancel()
                .verify(T);
        StepVerifier.create(ProcessTable.gone(marker)).expectNext(true).expectComplete().verify(T);
    }

    @Test
    void cancellingARunKillsTheProcessTree() {
        String marker = ProcessTable.marker();
        Mono<PipelineReport<List<String>>> run = Pipeline.from(Source.fromIterable("in", List.of("x")))
                .then(ProcessStages.pipe("tree", Command.of("/bin/sh", "-c",
                        "sleep " + marker + " & sleep " + marker + "; echo never", marker)))
                .to(Sink.<String>collect("out"))
                .run();
        reactor.core.Disposable running = run.subscribe();
        StepVerifier.create(ProcessTable.present(marker, 3)).expectNext(true).expectComplete().verify(T);
        running.dispose();
        StepVerifier.create(ProcessTable.gone(marker)).expectNext(true).expectComplete().verify(T);
    }

    @Test
    void aLineOverTheLimitFailsNamingTheBound() {
        Command longLine = Command.shell("head -c 100000 /dev/zero | tr '\\0' a").maxLineBytes(1000);
        StepVerifier.create(Processes.pipe(longLine, Flux.empty()))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(ProcessOutputLimitException.class)
                        .hasMessageContaining("a line longer than 1000 bytes")
                        .hasMessageContaining("maxLineBytes"))
                .verify(T);
    }

    @Test
    void pipeIoStaysOffNonBlockingThreads() {
        // input produced on a parallel thread, output consumed and requested on parallel threads:
        // BlockHound fails the test if a pipe read or write ran on one of them
        Flux<String> input = Flux.range(0, 2000).map(i -> "line " + i).subscribeOn(Schedulers.parallel());
        StepVerifier.create(Processes.pipe(Command.of("cat"), input)
                        .publishOn(Schedulers.parallel(), 4)
                        .count())
                .expectNext(2000L)
                .expectComplete().verify(T);
    }

    @Test
    void aTimeoutKillsAPipedProcess() {
        String marker = ProcessTable.marker();
        StepVerifier.create(Processes.pipe(Command.of("sleep", marker).timeout(Duration.ofMillis(500)), Flux.never()))
                .expectError(ProcessTimeoutException.class)
                .verify(T);
        StepVerifier.create(ProcessTable.gone(marker)).expectNext(true).expectComplete().verify(T);
    }

    /** Polls until two reads 200 ms apart agree (bounded by 30 s), returning the value. */
    private static long stableValue(Path file) {
        return stable(() -> {
            try {
                String s = Files.readString(file).strip();
                return s.isEmpty() ? -1 : Long.parseLong(s);
            } catch (IOException | NumberFormatException e) {
                return -1;
            }
        });
    }

    private static long stableCount(AtomicLong count) {
        return stable(count::get);
    }

    private static long stable(java.util.function.LongSupplier value) {
        return Flux.interval(Duration.ofMillis(200))
                .onBackpressureDrop()
                .publishOn(Schedulers.boundedElastic(), 1)
                .map(i -> value.getAsLong())
                .buffer(2, 1)
                .filter(pair -> pair.size() == 2 && pair.get(0).equals(pair.get(1)) && pair.get(0) >= 0)
                .map(pair -> pair.get(0))
                .blockFirst(T);
    }
}
