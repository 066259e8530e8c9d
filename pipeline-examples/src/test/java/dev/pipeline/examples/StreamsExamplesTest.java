package dev.pipeline.examples;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code tcp-echo} and {@code subprocess} examples, run through the CLI. */
class StreamsExamplesTest {

    @Test
    void tcpEchoServesEveryClientAndStops() {
        Cli.Run run = Cli.run("run", "tcp-echo", "--clients", "3", "--message", "Hello World!");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("Serving on 127.0.0.1:");
        for (int client = 0; client < 3; client++) {
            assertThat(run.lines()).contains("client " + client + ": Send: 'Hello World!'",
                    "client " + client + ": Received: 'Hello World!'", "client " + client + ": Close the connection");
        }
        assertThat(run.lines().stream().filter(l -> l.startsWith("server: Received 'Hello World!' from /127.0.0.1:")))
                .hasSize(3);
        assertThat(run.out()).contains("Server stopped: 3 line(s) echoed");
    }

    @Test
    void subprocessCollectsEachCommandsOutputAndExitCodeThenFiltersThroughTrAndSort() {
        Cli.Run run = Cli.run("run", "subprocess", "--cmd", "ls /zzz", "--cmd", "echo hello; echo oops >&2; exit 2",
                "--line", "pear", "--line", "apple", "--line", "fig");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("['ls /zzz' exited with 2]")
                .contains("No such file or directory")
                .contains("['echo hello; echo oops >&2; exit 2' exited with 2]")
                .contains("[stdout]\nhello")
                .contains("[stderr]\noops")
                .contains("[tr a-z A-Z | sort] APPLE FIG PEAR")
                .contains("3 line(s) in, 3 out");
    }
}
