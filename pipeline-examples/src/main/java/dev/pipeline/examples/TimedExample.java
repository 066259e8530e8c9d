package dev.pipeline.examples;

import java.time.Duration;
import java.util.concurrent.Callable;

import dev.pipeline.core.aio.Tasks;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** An example whose story is told in sleeps: it takes {@code --time-scale}. */
public abstract class TimedExample implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--time-scale", defaultValue = "1.0",
            description = "multiply every sleep by this (0.1 runs ten times faster; printed times stay in story seconds; default ${DEFAULT-VALUE})")
    double timeScale;

    @Override
    public final Integer call() throws Exception {
        // start Reactor's schedulers and the timer before the story's clock, so that a small
        // --time-scale does not blow JVM warm-up up into story seconds
        Tasks.run(Tasks.gather(Tasks.sleep(Duration.ofMillis(1), true), Tasks.toThread(() -> true)));
        try (Story story = new Story(spec.commandLine().getOut(), timeScale)) {
            if (timeScale != 1.0) {
                story.say("(time scale %s: sleeps run %sx as long; times are printed in story seconds)", timeScale, timeScale);
            }
            return run(story);
        }
    }

    /** Tells the story; returns the exit code. */
    protected abstract int run(Story story) throws Exception;
}
