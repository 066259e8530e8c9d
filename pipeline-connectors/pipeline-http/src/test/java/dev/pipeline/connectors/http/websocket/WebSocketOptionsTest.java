package dev.pipeline.connectors.http.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;

class WebSocketOptionsTest {

    @Test
    void eachOptionReturnsACopyAndLeavesTheTemplateAlone() {
        WebSocketOptions template = WebSocketOptions.defaults();
        WebSocketOptions tuned = template.maxMessageSize(1000).reconnect(3, Duration.ofMillis(1), Duration.ofMillis(2))
                .concurrency(4).responseTimeout(Duration.ofSeconds(1)).connectTimeout(Duration.ofSeconds(2))
                .header("Authorization", "Bearer x");
        assertThat(template.maxMessageSize()).isEqualTo(64 * 1024);
        assertThat(template.maxReconnects()).isZero();
        assertThat(template.concurrency()).isEqualTo(16);
        assertThat(template.responseTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(template.headers()).isEmpty();
        assertThat(template.scheduler()).isSameAs(Schedulers.parallel());
        assertThat(tuned.maxMessageSize()).isEqualTo(1000);
        assertThat(tuned.maxReconnects()).isEqualTo(3);
        assertThat(tuned.minBackoff()).isEqualTo(Duration.ofMillis(1));
        assertThat(tuned.maxBackoff()).isEqualTo(Duration.ofMillis(2));
        assertThat(tuned.concurrency()).isEqualTo(4);
        assertThat(tuned.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(tuned.headers()).containsEntry("Authorization", "Bearer x");
        // header values may be secrets: toString names only the headers
        assertThat(tuned.toString()).contains("Authorization").doesNotContain("Bearer x");
    }

    @Test
    void invalidValuesAreRejectedNamingTheParameter() {
        assertThatThrownBy(() -> WebSocketOptions.defaults().maxMessageSize(0)).hasMessage("maxMessageSize must be > 0, was 0");
        assertThatThrownBy(() -> WebSocketOptions.defaults().reconnect(-1, Duration.ofMillis(1), Duration.ofMillis(1)))
                .hasMessage("maxReconnects must be >= 0, was -1");
        assertThatThrownBy(() -> WebSocketOptions.defaults().reconnect(1, Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("maxBackoff must be >= minBackoff (PT2S), was PT1S");
        assertThatThrownBy(() -> WebSocketSources.connect("x", null, WebSocketOptions.defaults()))
                .isInstanceOf(NullPointerException.class).hasMessage("uri must not be null");
    }

    @Test
    void errorsMaskThePasswordOfTheUrl() {
        URI uri = URI.create("wss://bot:s3cret@example.org/feed");
        WebSocketClosedException e = new WebSocketClosedException(uri, 1008, "", "");
        assertThat(e).hasMessageStartingWith("wss://bot:***@example.org/feed: ").hasMessageNotContaining("s3cret");
        assertThat(e.uri()).isEqualTo(uri);
        assertThat(e.transientClose()).isFalse();
        assertThat(new WebSocketClosedException(uri, 1006, "", "").getMessage())
                .endsWith("the connection dropped without a close frame (1006)");
    }

    @Test
    void messagesCompareByKindAndPayload() {
        assertThat(WebSocketMessage.text("a")).isEqualTo(WebSocketMessage.text("a")).isNotEqualTo(WebSocketMessage.binary(new byte[] {'a'}));
        assertThat(WebSocketMessage.binary(new byte[] {1, 2})).isEqualTo(WebSocketMessage.binary(new byte[] {1, 2}))
                .hasToString("binary 2 bytes");
        assertThat(WebSocketMessage.text("héllo").size()).isEqualTo(6);
        assertThat(WebSocketMessage.text("x".repeat(100)).toString()).endsWith("...\" (100 chars)");
    }
}
