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
        HttpOptions tuned = template.concurrency(64).header("X-A", "1").maxResponseSize(1000);
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
        assertThatThrownBy(() -> HttpOptions.defaults().concurrency(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("concurrency");
        assertThatThrownBy(() -> HttpOptions.defaults().jitter(1.5)).hasMessageContaining("jitter must be between 0 and 1, was 1.5");
        assertThatThrownBy(() -> HttpRequest.get(URI.create("/relative"))).hasMessageContaining("must be absolute");
        assertThatThrownBy(() -> HttpIngestOptions.defaults().path("/health")).hasMessageContaining("not be /health");
        assertThatThrownBy(() -> HttpStages.get("x", null)).isInstanceOf(NullPointerException.class).hasMessageContaining("uri");
        assertThatThrownBy(() -> HttpOptions.defaults().maxLineSize(0)).hasMessage("maxLineSize must be > 0, was 0");
        assertThat(HttpOptions.defaults().maxLineSize()).isEqualTo(1024 * 1024);
        assertThat(HttpOptions.defaults().maxLineSize(10).maxLineSize()).isEqualTo(10);
    }

    @Test
    void retriesRefuseAMaxBackoffBelowTheMinNamingBoth() {
        assertThatThrownBy(() -> HttpOptions.defaults().retries(3, Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("HttpOptions.retries: maxBackoff must be >= minBackoff (PT2S), was PT1S");
        assertThat(HttpOptions.defaults().retries(3, Duration.ofSeconds(1), Duration.ofSeconds(1)).maxBackoff())
                .isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aPostWaitWithBatchesOfOneIsRefusedInEitherOrder() {
        String message = "HttpPostOptions: maxWait (PT1S) does nothing with batchSize 1: each item is sent at once;"
                + " leave maxWait unset or raise batchSize";
        assertThatThrownBy(() -> HttpPostOptions.defaults().batchSize(1).maxWait(Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
        assertThatThrownBy(() -> HttpPostOptions.defaults().maxWait(Duration.ofSeconds(1)).batchSize(1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void batchesOfOneKeepTheDefaultWaitWhichTheyNeverUse() {
        HttpPostOptions one = HttpPostOptions.defaults().batchSize(1);
        assertThat(one.maxWait()).isEqualTo(HttpPostOptions.DEFAULT_MAX_WAIT);
        assertThat(one.batchSize(2).maxWait(Duration.ofSeconds(1)).batchSize()).isEqualTo(2);
    }

    @Test
    void theSinksBatchingIsNoLongerTheClientsOption() {
        assertThat(java.util.Arrays.stream(HttpOptions.class.getMethods()).map(java.lang.reflect.Method::getName))
                .doesNotContain("batchSize", "maxWait", "batchWait", "format", "withBatch", "withFormat");
    }

    @Test
    void theStageCarriesTheOptionsConcurrencyAndCanBeGivenAPolicy() {
        Stage<Integer, String> stage = HttpStages.get("fetch", (Integer n) -> URI.create("http://127.0.0.1:1/" + n),
                String.class, HttpOptions.defaults().concurrency(8));
        assertThat(stage.toString()).contains("fetch").contains("concurrency=8");
        assertThat(stage.onError(dev.pipeline.core.ErrorPolicy.skip()).toString()).contains("onError=");
    }
}
