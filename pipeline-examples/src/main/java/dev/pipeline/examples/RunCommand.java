package dev.pipeline.examples;

import dev.pipeline.examples.etl.Etl;
import dev.pipeline.examples.etl.EtlPublish;
import dev.pipeline.examples.etl.EtlReconcile;
import dev.pipeline.examples.etl.EtlWorker;
import dev.pipeline.examples.tutorial.Asyncq;
import dev.pipeline.examples.tutorial.Chained;
import dev.pipeline.examples.tutorial.Chess;
import dev.pipeline.examples.tutorial.Count;
import dev.pipeline.examples.tutorial.EventExample;
import dev.pipeline.examples.tutorial.FetchData;
import dev.pipeline.examples.tutorial.FutureExample;
import dev.pipeline.examples.tutorial.HttpFetch;
import dev.pipeline.examples.tutorial.LockExample;
import dev.pipeline.examples.tutorial.MakeRandom;
import dev.pipeline.examples.tutorial.SemaphoreExample;
import dev.pipeline.examples.tutorial.StreamTokens;
import dev.pipeline.examples.tutorial.ToThread;
import dev.pipeline.examples.tutorial.WaitExample;
import picocli.CommandLine.Command;

/** {@code run <name>}: one example. */
@Command(name = "run", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "<example>",
        description = "Run one example (see 'list').",
        subcommands = {Etl.class, EtlPublish.class, EtlWorker.class, EtlReconcile.class, Count.class, FetchData.class, Chained.class, Asyncq.class, MakeRandom.class,
                LockExample.class, SemaphoreExample.class, EventExample.class, FutureExample.class,
                WaitExample.class, ToThread.class, Chess.class, HttpFetch.class, StreamTokens.class})
public final class RunCommand {
}
