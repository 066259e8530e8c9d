package dev.pipeline.examples;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line itself: list, help, bad arguments. */
class CliTest {

    @Test
    void listNamesEveryExampleAndScenario() {
        Cli.Run run = Cli.run("list");
        assertThat(run.code()).isZero();
        String examples = run.out().substring(run.out().indexOf("Examples"), run.out().indexOf("Benchmarks"));
        String benchmarks = run.out().substring(run.out().indexOf("Benchmarks"));
        for (String name : List.of("etl", "count", "fetch-data", "chained", "asyncq", "makerandom", "lock", "semaphore",
                "event", "future", "wait", "to-thread", "chess", "http-fetch", "stream-tokens")) {
            assertThat(examples).as(name).containsPattern("(?m)^  " + name + " +\\S");
        }
        for (String name : List.of("queue", "gather-sleep", "semaphore", "chain", "chess", "http-fetch", "db-insert",
                "file-lines", "backpressure-memory", "overhead", "all", "chart")) {
            assertThat(benchmarks).as(name).containsPattern("(?m)^  " + name + " +\\S");
        }
    }

    @Test
    void everyExampleHasHelp() {
        Cli.Run run = Cli.run("run", "count", "--help");
        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("--time-scale", "--sync");
    }

    @Test
    void helpNeverPrintsTheBrokersPassword() {
        assertThat(Main.LOCAL_BROKER).isEqualTo(dev.pipeline.connectors.rabbitmq.Rabbit.redact(dev.pipeline.connectors.rabbitmq.Rabbit.LOCAL));
        for (List<String> command : List.of(List.of("run", "etl-publish"), List.of("run", "etl-worker"), List.of("run", "etl-reconcile"),
                List.of("bench", "etl-distributed"))) {
            List<String> args = new java.util.ArrayList<>(command);
            args.add("--help");
            Cli.Run run = Cli.run(args.toArray(String[]::new));
            assertThat(run.code()).as(command.toString()).isZero();
            assertThat(run.out()).as(command.toString()).contains("--broker", "guest:***@127.0.0.1").doesNotContain("guest:guest");
        }
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
