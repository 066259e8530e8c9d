package dev.pipeline.connectors.http.demo;

import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScriptedFaultsTest {

    static final Duration WAIT = Duration.ofSeconds(20);

    DemoApiServer api;

    @BeforeEach
    void start() {
        api = DemoApiServer.start(DemoApiOptions.defaults());
    }

    @AfterEach
    void stop() {
        api.close();
    }

    Mono<DemoApiServerTest.Answer> get(String path) {
        URI uri = api.baseUri().resolve(path);
        return HttpClient.create().get().uri(uri)
                .responseSingle((res, body) -> body.asString().defaultIfEmpty("")
                        .map(b -> new DemoApiServerTest.Answer(res.status().code(), res.responseHeaders().get("retry-after"), b)));
    }

    @Test
    void aPathsScriptIsMetInOrderThenTheServerAnswersNormally() {
        api.enqueue("/items/7", Fault.status(503).retryAfter(Duration.ofSeconds(2)), Fault.status(429), Fault.none());
        DemoApiServerTest.Answer first = get("/items/7").block(WAIT);
        assertThat(first.status()).isEqualTo(503);
        assertThat(first.retryAfter()).isEqualTo("2");
        DemoApiServerTest.Answer second = get("/items/7").block(WAIT);
        assertThat(second.status()).isEqualTo(429);
        assertThat(second.retryAfter()).isNull();
        assertThat(get("/items/7").block(WAIT).body()).contains("\"id\":7");
        assertThat(get("/items/7").block(WAIT).status()).isEqualTo(200);
        assertThat(api.scriptedLeft()).isZero();
        assertThat(api.faults()).isEqualTo(2);
    }

    @Test
    void anotherPathIsNotTouchedByAPathsScript() {
        api.enqueue("/items/1", Fault.status(500));
        assertThat(get("/items/2").block(WAIT).status()).isEqualTo(200);
        assertThat(get("/items/1").block(WAIT).status()).isEqualTo(500);
    }

    @Test
    void theScriptForAnyPathTakesTheNextRequest() {
        api.enqueue(Fault.status(502));
        assertThat(get("/records?page=1&size=5").block(WAIT).status()).isEqualTo(502);
        assertThat(get("/records?page=1&size=5").block(WAIT).status()).isEqualTo(200);
    }

    @Test
    void aResetFailsTheRequestWithoutAnAnswer() {
        api.enqueue("/items/3", Fault.reset());
        StepVerifier.create(get("/items/3")).expectError().verify(WAIT);
        assertThat(get("/items/3").block(WAIT).status()).isEqualTo(200);
    }

    @Test
    void aDropCutsTheBody() {
        api.enqueue("/items/4", Fault.drop());
        StepVerifier.create(get("/items/4")).expectError().verify(WAIT);
    }

    @Test
    void malformedIsValidHttpWithTruncatedJson() {
        api.enqueue("/items/5", Fault.malformed());
        DemoApiServerTest.Answer a = get("/items/5").block(WAIT);
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body()).startsWith("{\"id\":").doesNotEndWith("}");
    }

    @Test
    void latencyDelaysTheAnswer() {
        api.enqueue("/items/6", Fault.latency(Duration.ofSeconds(3)));
        StepVerifier.create(get("/items/6").timeout(Duration.ofMillis(300))).expectError(java.util.concurrent.TimeoutException.class).verify(WAIT);
    }

    @Test
    void retryAfterGoesOnlyWithAStatus() {
        assertThatThrownBy(() -> Fault.reset().retryAfter(Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Retry-After goes with a status");
        assertThatThrownBy(() -> Fault.status(42)).hasMessageContaining("status must be between 100 and 599, was 42");
        assertThatThrownBy(() -> api.enqueue("items/1", Fault.none())).hasMessageContaining("must start with '/'");
        assertThat(Fault.status(503).retryAfter(Duration.ofSeconds(1)).after(Duration.ofMillis(5)))
                .hasToString("Fault.status(503).retryAfter(PT1S).after(PT0.005S)");
    }
}
