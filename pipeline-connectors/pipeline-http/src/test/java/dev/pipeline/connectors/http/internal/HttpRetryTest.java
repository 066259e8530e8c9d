package dev.pipeline.connectors.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import dev.pipeline.connectors.http.HttpOptions;
import dev.pipeline.connectors.http.HttpStatusException;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class HttpRetryTest {

    static final URI URL = URI.create("http://127.0.0.1:1/x");

    @Test
    void waitsExactlyTheRetryAfterWhenItIsLongerThanTheBackoff() {
        AtomicInteger attempts = new AtomicInteger();
        HttpOptions options = HttpOptions.defaults().retries(3, Duration.ofMillis(100), Duration.ofSeconds(1)).jitter(0);
        StepVerifier.withVirtualTime(() -> Mono.defer(() -> attempts.incrementAndGet() < 3
                        ? Mono.error(new HttpStatusException("GET", URL, 429, "", Duration.ofSeconds(30)))
                        : Mono.just("ok"))
                        .retryWhen(HttpRetry.of(options)))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(29_999))
                .then(() -> assertThat(attempts).hasValue(1))
                .thenAwait(Duration.ofMillis(1))
                .then(() -> assertThat(attempts).hasValue(2))
                .expectNoEvent(Duration.ofMillis(29_999))
                .thenAwait(Duration.ofMillis(1))
                .expectNext("ok")
                .verifyComplete();
        assertThat(attempts).hasValue(3);
    }

    @Test
    void backsOffExponentiallyWithinTheBounds() {
        AtomicInteger attempts = new AtomicInteger();
        HttpOptions options = HttpOptions.defaults().retries(4, Duration.ofMillis(100), Duration.ofMillis(300)).jitter(0);
        StepVerifier.withVirtualTime(() -> Mono.defer(() -> {
                    attempts.incrementAndGet();
                    return Mono.error(new HttpStatusException("GET", URL, 500, "", null));
                }).retryWhen(HttpRetry.of(options)))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(100 + 200 + 300 + 300 - 1))
                .then(() -> assertThat(attempts).hasValue(4))
                .thenAwait(Duration.ofMillis(1))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(HttpStatusException.class))
                .verify(Duration.ofSeconds(5));
        assertThat(attempts).hasValue(5);
    }

    @Test
    void jitterStaysWithinItsFactor() {
        HttpOptions options = HttpOptions.defaults().retries(3, Duration.ofMillis(100), Duration.ofSeconds(10)).jitter(0.5);
        for (int i = 0; i < 1000; i++) {
            assertThat(HttpRetry.backoff(options, 1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(300));
        }
    }

    @Test
    void retriesOnlyConnectionErrorsTimeouts429And5xx() {
        assertThat(HttpRetry.retryable(new java.net.ConnectException("refused"))).isTrue();
        assertThat(HttpRetry.retryable(new java.util.concurrent.TimeoutException())).isTrue();
        assertThat(HttpRetry.retryable(new HttpStatusException("GET", URL, 429, "", null))).isTrue();
        assertThat(HttpRetry.retryable(new HttpStatusException("GET", URL, 502, "", null))).isTrue();
        assertThat(HttpRetry.retryable(new HttpStatusException("GET", URL, 404, "", null))).isFalse();
        assertThat(HttpRetry.retryable(new HttpStatusException("GET", URL, 400, "", null))).isFalse();
        assertThat(HttpRetry.retryable(new IllegalArgumentException())).isFalse();
    }

    @Test
    void parsesRetryAfterAsSecondsOrAnHttpDate() {
        assertThat(RetryAfter.parse("120")).isEqualTo(Duration.ofSeconds(120));
        assertThat(RetryAfter.parse("soon")).isNull();
        assertThat(RetryAfter.parse("-1")).isNull();
        assertThat(RetryAfter.parse("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(Duration.ZERO);
    }
}
