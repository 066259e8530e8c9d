package dev.pipeline.connectors.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;

import dev.pipeline.core.Stage;
import org.junit.jupiter.api.Test;

class HttpOptionsTest {

    @Test
    void eachOptionReturnsACopyAndLeavesTheTemplateAlone() {
        HttpOptions template = HttpOptions.defaults();
        HttpOptions tuned = template.withConcurrency(64).withHeader("X-A", "1").withMaxResponseSize(1000);
        assertThat(template.concurrency()).isEqualTo(16);
        assertThat(template.headers()).isEmpty();
        assertThat(tuned.concurrency()).isEqualTo(64);
        assertThat(tuned.headers()).containsEntry("X-A", "1");
        assertThat(tuned.maxResponseSize()).isEqualTo(1000);
        assertThat(template.responseTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(template.maxRetries()).isEqualTo(3);
    }

    @Test
    void invalidValuesAreRejectedNamingTheParameter() {
        assertThatThrownBy(() -> HttpOptions.defaults().withConcurrency(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("concurrency");
        assertThatThrownBy(() -> HttpOptions.defaults().withRetries(3, Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBackoff must be >= minBackoff");
        assertThatThrownBy(() -> HttpOptions.defaults().withJitter(1.5)).hasMessageContaining("jitter must be between 0 and 1, was 1.5");
        assertThatThrownBy(() -> HttpRequest.get(URI.create("/relative"))).hasMessageContaining("must be absolute");
        assertThatThrownBy(() -> HttpIngestOptions.defaults().withPath("/health")).hasMessageContaining("not be /health");
        assertThatThrownBy(() -> HttpStages.get("x", null)).isInstanceOf(NullPointerException.class).hasMessageContaining("uri");
    }

    @Test
    void theStageCarriesTheOptionsConcurrencyAndCanBeGivenAPolicy() {
        Stage<Integer, String> stage = HttpStages.get("fetch", (Integer n) -> URI.create("http://127.0.0.1:1/" + n),
                String.class, HttpOptions.defaults().withConcurrency(8));
        assertThat(stage.toString()).contains("fetch").contains("concurrency=8");
        assertThat(stage.onError(dev.pipeline.core.ErrorPolicy.skip()).toString()).contains("onError=");
    }
}
