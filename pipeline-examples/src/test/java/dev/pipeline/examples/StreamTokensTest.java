package dev.pipeline.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code run stream-tokens}: a streamed answer printed token by token, over SSE and WebSocket. */
class StreamTokensTest {

    @ParameterizedTest
    @ValueSource(strings = {"sse", "websocket"})
    void printsEveryTokenInOrder(String transport) {
        Cli.Run run = Cli.run("run", "stream-tokens", "--transport", transport, "--text", "one two three four five",
                "--token-ms", "5");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.lines().get(0)).startsWith("streaming 5 tokens from " + (transport.equals("sse") ? "http://" : "ws://"));
        assertThat(run.lines().get(1)).isEqualTo("one two three four five");
        assertThat(run.lines().get(2)).startsWith("received 5 tokens in ");
    }

    @Test
    void aSlowReaderStillGetsEveryToken() {
        Cli.Run run = Cli.run("run", "stream-tokens", "--text", "a b c d e f g h", "--token-ms", "0", "--reader-ms", "20");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.lines().get(1)).isEqualTo("a b c d e f g h");
        assertThat(run.out()).contains("received 8 tokens");
    }

    @Test
    void aNegativeDelayIsAOneLineError() {
        Cli.Run run = Cli.run("run", "stream-tokens", "--token-ms", "-1");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err().strip()).startsWith("error: stream-tokens: --token-ms and --reader-ms must be >= 0");
    }
}
