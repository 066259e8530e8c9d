package dev.pipeline.connectors.http.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import dev.pipeline.connectors.http.HttpException;
import dev.pipeline.connectors.http.HttpOptions;
import dev.pipeline.connectors.http.HttpRequest;
import dev.pipeline.connectors.http.HttpStatusException;
import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * One request whose response body streams as items (NDJSON lines, server-sent events).
 *
 * <p>Backpressure: the body is requested one chunk at a time ({@code concatMapIterable} with a
 * prefetch of 1) and Reactor Netty stops reading the socket while no chunk is requested, so a
 * slow pipeline slows the server through TCP flow control. At most one chunk's items and the
 * unfinished line are held. The first item must come within the options' response timeout;
 * after it, the stream has no timeout (a slow consumer would otherwise look like a silent
 * server). Until the first item, failures are retried by the HTTP rule ({@link HttpRetry}); after
 * it, never (the items already emitted would repeat), and a connection that closes or resets is
 * an {@link HttpException} naming the URL and how many items came before.
 */
public final class HttpStream {

    private HttpStream() {
    }

    public static <T> Flux<T> open(HttpCall call, HttpRequest request, StreamFraming.Factory<T> framing) {
        HttpOptions o = call.options();
        String method = request.method();
        URI uri = request.uri();
        return Flux.defer(() -> {
            AtomicLong emitted = new AtomicLong();
            Flux<T> attempt = call.receiver(request, framing.accept()).flatMapMany(r -> r.response((resp, content) -> {
                int status = resp.status().code();
                if (status < 200 || status >= 300) {
                    // the start of the body names the error; the rest is read and dropped
                    java.io.ByteArrayOutputStream start = new java.io.ByteArrayOutputStream();
                    return content.asByteArray().doOnNext(b -> start.write(b, 0,
                                    Math.max(0, Math.min(b.length, HttpStatusException.BODY_PREFIX - start.size()))))
                            .then(Mono.<T>error(() -> new HttpStatusException(method, uri, status,
                                    start.toString(StandardCharsets.UTF_8),
                                    RetryAfter.parse(resp.responseHeaders().get(HttpHeaderNames.RETRY_AFTER)))));
                }
                StreamFraming<T> frames = framing.create(method, uri);
                return content.asByteArray()
                        .concatMapIterable(frames::feed, 1)
                        .concatWith(Flux.defer(() -> Flux.fromIterable(frames.finish())));
            }));
            Duration first = o.responseTimeout();
            return attempt
                    .timeout(Mono.delay(first, Schedulers.parallel()), item -> Mono.never(),
                            Mono.error(() -> new TimeoutException("no item within " + first)))
                    .doOnNext(item -> emitted.incrementAndGet())
                    .retryWhen(Retry.from(signals -> signals.concatMap(s -> {
                        Duration delay = emitted.get() > 0 ? null : HttpRetry.delay(o, s.failure(), s.totalRetries());
                        return delay == null ? Mono.error(s.failure()) : Mono.delay(delay, Schedulers.parallel());
                    }, 0)))
                    .onErrorMap(e -> !(e instanceof HttpException), e -> broken(method, uri, e, emitted.get(), first));
        });
    }

    private static HttpException broken(String method, URI uri, Throwable e, long items, Duration first) {
        if (e instanceof TimeoutException) {
            return new HttpException(method, uri, "sent no item within " + first
                    + " (HttpOptions.responseTimeout bounds the wait for the first item)", e);
        }
        if (e instanceof IOException || e instanceof io.netty.channel.ChannelException) {
            return new HttpException(method, uri, (items == 0 ? "failed before its first item: "
                    : "stream broke after " + items + " item(s): ") + e.getMessage(), e);
        }
        return new HttpException(method, uri, "stream failed after " + items + " item(s): " + e, e);
    }
}
