package dev.pipeline.examples.bench;

import picocli.CommandLine.Command;

/** {@code bench <scenario>}: the scenarios of SCENARIOS.md, each ending with its RESULT line. */
@Command(name = "bench", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "<scenario>",
        description = "Run a benchmark scenario; each prints RESULT lines, the framework's last.",
        subcommands = {QueueBench.class, GatherSleepBench.class, SemaphoreBench.class, ChainBench.class,
                ChessBench.class, HttpFetchBench.class, DbInsertBench.class, FileLinesBench.class,
                BackpressureBench.class, OverheadBench.class, FanOutBench.class, SweepBench.class, DistributedEtlBench.class,
                BenchAll.class, PerformanceChart.class})
public final class BenchCommand {
}
