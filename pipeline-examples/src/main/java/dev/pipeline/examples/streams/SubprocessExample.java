package dev.pipeline.examples.streams;

import java.util.List;
import java.util.concurrent.Callable;

import dev.pipeline.connectors.process.Command;
import dev.pipeline.connectors.process.ProcessResult;
import dev.pipeline.connectors.process.ProcessStages;
import dev.pipeline.connectors.process.Processes;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import dev.pipeline.core.aio.Tasks;
import dev.pipeline.examples.Story;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Mono;

/**
 * asyncio's subprocess documentation: run shell commands concurrently and collect their output
 * and exit codes ({@code create_subprocess_shell} + {@code communicate}, gathered); then a
 * long-running filter process ({@code tr a-z A-Z}, then {@code sort}) fed by a pipeline.
 */
@picocli.CommandLine.Command(name = "subprocess", mixinStandardHelpOptions = true,
        description = "asyncio's subprocesses: commands run concurrently and their output collected; a filter process fed by a pipeline.")
public final class SubprocessExample implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--cmd", paramLabel = "SHELL-COMMAND",
            description = "a shell command to run (repeatable; default: 'ls /zzz' and 'sleep 1; echo \"hello\"')")
    List<String> commands = List.of("ls /zzz", "sleep 1; echo \"hello\"");

    @Option(names = "--line", paramLabel = "TEXT",
            description = "a line for the filter process (repeatable; default: three words)")
    List<String> lines = List.of("pear", "apple", "fig");

    @Override
    public Integer call() {
        try (Story out = new Story(spec.commandLine().getOut(), 1.0)) {
            // tag::gather[]
            // async def run(cmd):
            //     proc = await asyncio.create_subprocess_shell(cmd, stdout=PIPE, stderr=PIPE)
            //     stdout, stderr = await proc.communicate()
            // await asyncio.gather(run('ls /zzz'), run('sleep 1; echo "hello"'))
            List<Mono<ProcessResult>> runs = commands.stream()
                    .map(cmd -> Processes.run(Command.shell(cmd).checkExitCode(false).logStderr(false)))
                    .toList();
            List<ProcessResult> results = Tasks.run(Tasks.gather(runs));
            // end::gather[]
            for (int i = 0; i < results.size(); i++) {
                ProcessResult r = results.get(i);
                out.say("['%s' exited with %d]", commands.get(i), r.exitCode());
                if (!r.stdout().isEmpty()) {
                    out.say("[stdout]%n%s", r.stdout().stripTrailing());
                }
                if (!r.stderr().isEmpty()) {
                    out.say("[stderr]%n%s", r.stderr().stripTrailing());
                }
            }
            // tag::filter[]
            // one long-running process for the whole run: items in on stdin, lines out of stdout
            PipelineReport<List<String>> report = Tasks.run(Pipeline
                    .from(Source.fromIterable("lines", lines))
                    .then(ProcessStages.pipe("upper", Command.of("tr", "a-z", "A-Z")))
                    .then(ProcessStages.pipe("sort", Command.of("sort")))
                    .to(Sink.<String>collect("sorted"))
                    .named("filter").run());
            // end::filter[]
            out.say("[tr a-z A-Z | sort] %s", String.join(" ", report.result().orElseThrow()));
            out.say("%d line(s) in, %d out", report.stage("upper").received(), report.stage("sorted").emitted());
            return 0;
        }
    }
}
