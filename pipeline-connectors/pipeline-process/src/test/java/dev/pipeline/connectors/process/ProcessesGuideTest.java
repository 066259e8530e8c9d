package dev.pipeline.connectors.process;

import java.time.Duration;
import java.util.List;

import dev.pipeline.core.ErrorPolicy;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import dev.pipeline.core.Stage;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** The snippets of docs/connectors/processes.md, run. */
class ProcessesGuideTest {

    private static final Duration T = Duration.ofSeconds(30);

    @Test
    void communicate() {
        // tag::communicate[]
        // asyncio: proc = await asyncio.create_subprocess_exec("sort", stdin=PIPE, stdout=PIPE)
        //          stdout, stderr = await proc.communicate(b"b\na\n")
        Mono<ProcessResult> sorted = Processes.run(Command.of("sort"), "b\na\n");
        // end::communicate[]
        StepVerifier.create(sorted).assertNext(r -> assertThat(r.lines()).containsExactly("a", "b")).expectComplete().verify(T);
    }

    @Test
    void shellAndOptions() {
        // tag::command[]
        Command count = Command.of("grep", "-c", "error")      // argv: no shell, no injection
                .timeout(Duration.ofSeconds(10))               // then the process tree is killed
                .maxOutputBytes(64 * 1024)                     // more fails (or truncates by option)
                .checkExitCode(false);                         // grep exits 1 when nothing matches
        Command pipeline = Command.shell("sort | uniq -c");    // a shell only when asked for by name
        // end::command[]
        StepVerifier.create(Processes.run(count, "error 1\nok\nerror 2\n"))
                .assertNext(r -> assertThat(r.stdout().strip()).isEqualTo("2")).expectComplete().verify(T);
        StepVerifier.create(Processes.run(pipeline, "b\na\nb\n"))
                .assertNext(r -> assertThat(r.lines()).hasSize(2)).expectComplete().verify(T);
    }

    @Test
    void perItemStage() {
        // tag::per-item[]
        Stage<String, ProcessResult> checksum = ProcessStages.exec("checksum",
                        (String file) -> Command.of("cksum", file).timeout(Duration.ofSeconds(30)))
                .concurrency(4)                                // four processes at a time
                .onError(ErrorPolicy.skip());                  // a failing file is skipped and counted
        Mono<PipelineReport<List<ProcessResult>>> run = Pipeline
                .from(Source.fromIterable("files", List.of("/etc/hostname", "/no/such/file", "/etc/passwd")))
                .then(checksum)
                .to(Sink.collect("sums"))
                .run();
        // end::per-item[]
        StepVerifier.create(run).assertNext(report -> {
            assertThat(report.result().orElseThrow()).hasSize(2);
            assertThat(report.stage("checksum").skipped()).isEqualTo(1);
            assertThat(report.reconciles()).isTrue();
        }).expectComplete().verify(T);
    }

    @Test
    void longRunning() {
        // tag::pipe[]
        Mono<PipelineReport<List<String>>> run = Pipeline
                .from(Source.fromIterable("words", List.of("pear", "apple", "fig")))
                .then(ProcessStages.pipe("sort", Command.of("sort")))   // one process for the run
                .to(Sink.collect("sorted"))
                .run();
        // end::pipe[]
        StepVerifier.create(run).assertNext(report -> assertThat(report.result().orElseThrow())
                .containsExactly("apple", "fig", "pear")).expectComplete().verify(T);
        // tag::flux[]
        Flux<String> upper = Processes.pipe(Command.of("tr", "a-z", "A-Z"), Flux.just("hello", "world"));
        // end::flux[]
        StepVerifier.create(upper).expectNext("HELLO", "WORLD").expectComplete().verify(T);
    }
}
