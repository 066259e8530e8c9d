package dev.pipeline.connectors.http.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;

import dev.pipeline.connectors.http.HttpOptions;
import dev.pipeline.connectors.http.HttpStatusException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * The HTTP retry rule as a Reactor {@link Retry}: connection errors, attempt timeouts, 429 and
 * 5xx are retried with exponential backoff and jitter, waiting at least the server's
 * Retry-After; everything else fails at once with its original error. Delays run on Reactor's
 * parallel scheduler, looked up per delay so that virtual time applies.
 */
public final class HttpRetry {

    private HttpRetry() {
    }

    public static Retry of(HttpOptions o) {
        return Retry.from(signals -> signals.concatMap(signal -> {
            Duration delay = delay(o, signal.failure(), signal.totalRetries());
            return delay == null ? Mono.error(signal.failure()) : Mono.delay(delay, Schedulers.parallel());
        }, 0)); // no prefetch: the companion costs little on the success path
    }

    /**
     * The rule itself: how long to wait before retrying after {@code e}, when {@code retries}
     * retries were already made; null when {@code e} is not retried (not retryable, the retries
     * used up, or a {@code Retry-After} longer than {@link HttpOptions#maxRetryAfter()}).
     */
    public static Duration delay(HttpOptions o, Throwable e, long retries) {
        if (retries >= o.maxRetries() || !retryable(e)) {
            return null;
        }
        Duration delay = backoff(o, retries);
        if (e instanceof HttpStatusException) {
            Duration asked = ((HttpStatusException) e).retryAfter().orElse(null);
            if (asked != null) {
                if (asked.compareTo(o.maxRetryAfter()) > 0) {
                    return null;
                }
                if (asked.compareTo(delay) > 0) {
                    delay = asked;
                }
            }
        }
        return delay;
    }

    public static boolean retryable(Throwable e) {
        if (e instanceof HttpStatusException) {
            return ((HttpStatusException) e).retryable();
        }
        return e instanceof IOException || e instanceof TimeoutException
                || e instanceof io.netty.channel.ChannelException;
    }

    static Duration backoff(HttpOptions o, long retry) {
        long min = o.minBackoff().toNanos();
        long max = o.maxBackoff().toNanos();
        long base = retry >= 62 ? max : Math.min(max, min << Math.min(retry, 30));
        if (base < 0) {
            base = max;
        }
        double j = o.jitter();
        if (j == 0) {
            return Duration.ofNanos(base);
        }
        double factor = 1 - j + ThreadLocalRandom.current().nextDouble() * 2 * j;
        return Duration.ofNanos(Math.max(0, Math.min(max, (long) (base * factor))));
    }
}
