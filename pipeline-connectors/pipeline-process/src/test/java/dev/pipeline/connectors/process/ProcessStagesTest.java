package dev.pipeline.connectors.process;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import dev.pipeline.core.ErrorPolicy;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessStagesTest {

    private static final Duration T = Duration.ofSeconds(30);

    @Test
    void communicateRunsOneProcessPerItemConcurrentlyAndInOrder() {
        List<String> items = IntStream.range(0, 12).mapToObj(i -> "item " + i).toList();
        Mono<PipelineReport<List<ProcessResult>>> run = Pipeline.from(Source.fromIterable("items", items))
                .then(ProcessStages.communicate("rev", Command.of("rev")).concurrency(4))
                .to(Sink.<ProcessResult>collect("results"))
                .run();
        StepVerifier.create(run)
                .assertNext(report -> {
                    assertThat(report.result().orElseThrow()).extracting(ProcessResult::stdout)
                            .containsExactlyElementsOf(items.stream().map(s -> new StringBuilder(s).reverse().toString()).toList());
                    assertThat(report.stage("rev").emitted()).isEqualTo(12);
                    assertThat(report.reconciles()).as(report.toString()).isTrue();
                })
                .expectComplete().verify(T);
    }

    @Test
    void aConcurrencyAboveWhatTheSharedSchedulerServesStillCompletesWithLargeOutputs() {
        // 64 processes at once, each 256 KiB through cat (beyond a pipe's 64 KiB) after a pause that
        // lets all start: without a cap, their blocked stdin writers and stderr drains hold every
        // thread of the shared scheduler, their stdout readers queue behind them, and none ends
        int processes = 200;
        String input = "0123456789abcdef".repeat(16 * 1024);
        List<String> items = IntStream.range(0, processes).mapToObj(i -> i + input).toList();
        Mono<PipelineReport<List<ProcessResult>>> run = Pipeline.from(Source.fromIterable("items", items))
                .then(ProcessStages.communicate("cat",
                        Command.of("/bin/sh", "-c", "sleep 1; exec cat").maxOutputBytes(1024 * 1024)).concurrency(processes))
                .to(Sink.<ProcessResult>collect("results"))
                .run();
        StepVerifier.create(run)
                .assertNext(report -> {
                    assertThat(report.result().orElseThrow()).extracting(ProcessResult::stdout)
                            .containsExactlyElementsOf(items);
                    assertThat(report.reconciles()).as(report.toString()).isTrue();
                })
                .expectComplete().verify(Duration.ofSeconds(120));
    }

    @Test
    void aFailingItemGoesToTheErrorPolicyAndTheReportSaysSo() {
        Mono<PipelineReport<List<ProcessResult>>> run = Pipeline.from(Source.fromIterable("codes", List.of(0, 3, 0, 5)))
                .then(ProcessStages.exec("exit", (Integer code) -> Command.of("/bin/sh", "-c", "exit " + code))
                        .concurrency(2).onError(ErrorPolicy.skip()))
                .to(Sink.<ProcessResult>collect("results"))
                .run();
        StepVerifier.create(run)
                .assertNext(report -> {
                    assertThat(report.result().orElseThrow()).hasSize(2).allMatch(r -> r.exitCode() == 0);
                    assertThat(report.stage("exit").received()).isEqualTo(4);
                    assertThat(report.stage("exit").skipped()).isEqualTo(2);
                    assertThat(report.stage("exit").emitted()).isEqualTo(2);
                    assertThat(report.reconciles()).as(report.toString()).isTrue();
                })
                .expectComplete().verify(T);
    }

    @Test
    void aTimedOutItemIsKilledAndSkippedWhileTheOthersComplete() {
        String marker = ProcessTable.marker();
        Mono<PipelineReport<List<ProcessResult>>> run = Pipeline.from(Source.fromIterable("jobs", List.of("0", marker, "0")))
                .then(ProcessStages.exec("sleep", (String s) -> Command.of("/bin/sh", "-c", "sleep $0 & sleep $0", s)
                                .timeout(Duration.ofSeconds(1)))
                        .concurrency(3).onError(ErrorPolicy.skip()))
                .to(Sink.<ProcessResult>collect("done"))
                .run();
        StepVerifier.create(run)
                .assertNext(report -> {
                    assertThat(report.result().orElseThrow()).hasSize(2);
                    assertThat(report.stage("sleep").skipped()).isEqualTo(1);
                    assertThat(report.reconciles()).as(report.toString()).isTrue();
                })
                .expectComplete().verify(T);
        StepVerifier.create(ProcessTable.gone(marker)).expectNext(true).expectComplete().verify(T);
    }

    @Test
    void noProcessSurvivesACancelledRun() {
        String marker = ProcessTable.marker();
        Mono<PipelineReport<List<ProcessResult>>> run = Pipeline.from(Source.fromIterable("jobs",
                        IntStream.range(0, 20).mapToObj(i -> marker).toList()))
                .then(ProcessStages.exec("sleep", (String s) -> Command.of("/bin/sh", "-c", "sleep $0 & sleep $0", s))
                        .concurrency(3))
                .to(Sink.<ProcessResult>collect("done"))
                .run();
        Disposable running = run.subscribe();
        // three items at a time, each a shell and two sleeps
        StepVerifier.create(ProcessTable.present(marker, 9)).expectNext(true).expectComplete().verify(T);
        assertThat(ProcessTable.withMarker(marker)).hasSize(9);
        running.dispose();
        StepVerifier.create(ProcessTable.gone(marker)).expectNext(true).expectComplete().verify(T);
    }

    @Test
    void cancellingAtRandomMomentsNeverOrphansAProcess() {
        String marker = ProcessTable.marker();
        // one process, no tree: a shell cancelled while it forks can lose a child that was forked between the listing
        // of its tree and its death (see "Limits" in docs/connectors/processes.md); trees are killed once started
        // (the timeout and cancel tests)
        Command sleeper = Command.of("sleep", marker);
        for (int i = 0; i < 40; i++) {
            // cancel at once, while starting, or while running
            Disposable d = Processes.run(sleeper).subscribe();
            if (i % 2 == 1) {
                Mono.delay(Duration.ofMillis(i * 5L)).block(T);
            }
            d.dispose();
        }
        StepVerifier.create(ProcessTable.gone(marker)).expectNext(true).expectComplete().verify(T);
    }

    @Test
    void anItemsTextIsAnArgumentNeverAShellCommand() {
        Mono<PipelineReport<List<ProcessResult>>> run = Pipeline.from(Source.fromIterable("names", List.of("$(id)", "a; rm -rf x")))
                .then(ProcessStages.exec("echo", (String name) -> Command.of("echo", name)))
                .to(Sink.<ProcessResult>collect("out"))
                .run();
        StepVerifier.create(run)
                .assertNext(report -> assertThat(report.result().orElseThrow()).extracting(ProcessResult::stdout)
                        .containsExactly("$(id)\n", "a; rm -rf x\n"))
                .expectComplete().verify(T);
    }
}
