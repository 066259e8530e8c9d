package dev.pipeline.examples;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line itself: list, help, bad arguments. */
class CliTest {

    @Test
    void listNamesEveryExampleAndScenario() {
        Cli.Run run = Cli.run("list");
        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("count", "fetch-data", "chained", "asyncq", "makerandom", "lock", "semaphore",
                "event", "future", "to-thread", "chess");
        assertThat(run.out()).contains("queue", "gather-sleep", "chain", "http-fetch", "db-insert", "file-lines",
                "backpressure-memory", "overhead");
    }

    @Test
    void everyExampleHasHelp() {
        Cli.Run run = Cli.run("run", "count", "--help");
        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("--time-scale", "--sync");
    }

    @Test
    void aBadTimeScaleIsAOneLineError() {
        Cli.Run run = Cli.run("run", "lock", "--time-scale", "0");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err().strip()).isEqualTo("error: lock: --time-scale must be a positive number, was 0.0");
    }

    @Test
    void anUnknownExampleIsRefusedWithUsage() {
        Cli.Run run = Cli.run("run", "nope");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("Unmatched argument", "nope");
    }
}
