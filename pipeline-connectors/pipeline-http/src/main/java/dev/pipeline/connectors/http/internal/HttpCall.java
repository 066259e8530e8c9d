package dev.pipeline.connectors.http.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pipeline.connectors.http.HttpException;
import dev.pipeline.connectors.http.HttpOptions;
import dev.pipeline.connectors.http.HttpRequest;
import dev.pipeline.connectors.http.HttpStatusException;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.resources.ConnectionProvider;

/**
 * One stage's or sink's HTTP client: a Reactor Netty client with a pool sized to the
 * concurrency, and the exchange of one request for a decoded body. Creating it opens nothing;
 * connections are made on the first request and kept alive in the pool.
 */
public final class HttpCall {

    /** Turns a 2xx body into the stage's output. */
    @FunctionalInterface
    public interface Decoder<O> {
        O decode(String method, URI uri, String contentType, byte[] body) throws IOException;
    }

    /** Sees every answer's status and whole body, 2xx or not, before a non-2xx becomes an error. */
    @FunctionalInterface
    public interface Answered {
        void answered(int status, byte[] body);
    }

    private final HttpClient client;
    private final HttpOptions options;

    public HttpCall(String name, HttpOptions options) {
        this.options = options;
        HttpClient c = options.client().orElseGet(() -> HttpClient.create(ConnectionProvider.builder("http-" + name)
                .maxConnections(options.concurrency())
                .pendingAcquireMaxCount(-1) // waiters are bounded by the stage's concurrency
                .maxIdleTime(Duration.ofSeconds(30)) // checked when the pool is next used
                .build()));
        c = c.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis()));
        Map<String, String> headers = options.headers();
        if (!headers.isEmpty()) {
            c = c.headers(h -> headers.forEach(h::set));
        }
        this.client = c;
    }

    public HttpOptions options() {
        return options;
    }

    /** A GET of {@code uri} (the fast path: no per-request configuration). */
    public <O> Mono<O> get(URI uri, Decoder<O> decoder) {
        return receive(client.get().uri(uri), "GET", uri, decoder, null);
    }

    public <O> Mono<O> exchange(HttpRequest request, Decoder<O> decoder) {
        return receiver(request, null).flatMap(r -> receive(r, request.method(), request.uri(), decoder, null));
    }

    /**
     * The request ready to send (its JSON body encoded, on subscribe); {@code accept} is sent as
     * {@code Accept} unless null or the request sets its own.
     */
    Mono<HttpClient.ResponseReceiver<?>> receiver(HttpRequest request, String accept) {
        HttpClient c = client;
        Map<String, String> headers = request.headers();
        byte[] raw = request.body();
        Object json = request.jsonBody();
        boolean hasJson = json != null;
        if (!headers.isEmpty() || hasJson || accept != null) {
            c = c.headers(h -> {
                if (hasJson) {
                    h.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
                }
                if (accept != null) {
                    h.set(HttpHeaderNames.ACCEPT, accept);
                }
                headers.forEach(h::set);
            });
        }
        HttpClient.RequestSender sender = c.request(HttpMethod.valueOf(request.method())).uri(request.uri());
        if (raw != null) {
            return Mono.just(sender.send((req, out) -> out.sendByteArray(Mono.just(raw))));
        }
        if (hasJson) {
            ObjectMapper mapper = options.mapper();
            return Mono.fromCallable(() -> mapper.writeValueAsBytes(json))
                    .map(bytes -> sender.send((req, out) -> out.sendByteArray(Mono.just(bytes))));
        }
        return Mono.just(sender);
    }

    /**
     * Sends raw bytes with a content type (the sink's batches); {@code answered} sees the
     * answer's status and whole body, on the thread that received it, before the Mono signals.
     */
    public Mono<Void> send(String method, URI uri, String contentType, byte[] body, Answered answered) {
        HttpClient.ResponseReceiver<?> r = client.headers(h -> h.set(HttpHeaderNames.CONTENT_TYPE, contentType))
                .request(HttpMethod.valueOf(method)).uri(uri)
                .send((req, out) -> out.sendByteArray(Mono.just(body)));
        return receive(r, method, uri, (m, u, ct, b) -> Boolean.TRUE, answered).then();
    }

    private <O> Mono<O> receive(HttpClient.ResponseReceiver<?> receiver, String method, URI uri, Decoder<O> decoder,
            Answered answered) {
        int max = options.maxResponseSize();
        return receiver.response((resp, content) -> {
            HttpHeaders headers = resp.responseHeaders();
            long declared = contentLength(headers);
            if (declared > max) {
                return Mono.error(Body.tooLarge(method, uri, declared, max));
            }
            Body body = new Body(max, declared, method, uri);
            return content.doOnNext(body::append).then(Mono.fromCallable(() -> finish(resp, body.bytes(), method, uri, decoder, answered)));
        }).singleOrEmpty(); // one value per exchange, or none
    }

    private static long contentLength(HttpHeaders headers) {
        String v = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        if (v == null) {
            return -1;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static <O> O finish(HttpClientResponse resp, byte[] body, String method, URI uri, Decoder<O> decoder,
            Answered answered) throws IOException {
        int status = resp.status().code();
        if (answered != null) {
            answered.answered(status, body);
        }
        if (status < 200 || status >= 300) {
            int n = Math.min(body.length, HttpStatusException.BODY_PREFIX);
            throw new HttpStatusException(method, uri, status, new String(body, 0, n, StandardCharsets.UTF_8),
                    RetryAfter.parse(resp.responseHeaders().get(HttpHeaderNames.RETRY_AFTER)));
        }
        return decoder.decode(method, uri, resp.responseHeaders().get(HttpHeaderNames.CONTENT_TYPE), body);
    }

    /** The decoder for a target type: String, byte[], or JSON via Jackson (checking the content type). */
    @SuppressWarnings("unchecked")
    public static <O> Decoder<O> decoder(Class<O> type, ObjectMapper mapper) {
        if (type == String.class) {
            return (m, u, ct, body) -> (O) new String(body, StandardCharsets.UTF_8);
        }
        if (type == byte[].class) {
            return (m, u, ct, body) -> (O) body;
        }
        // an ObjectReader resolves its deserializers now, once: Jackson's deserializer cache takes a
        // lock on first use, which must not park a Netty event loop under contention
        com.fasterxml.jackson.databind.ObjectReader reader = mapper.readerFor(type);
        return (m, u, ct, body) -> {
            if (ct != null && !ct.toLowerCase(java.util.Locale.ROOT).contains("json")) {
                throw new HttpException(m, u, "returned Content-Type '" + ct + "', expected JSON to decode into "
                        + type.getSimpleName() + " (ask for String.class to get the raw body)", null);
            }
            try {
                return reader.readValue(body);
            } catch (IOException e) {
                throw new HttpException(m, u, "returned a body that is not valid JSON for " + type.getSimpleName()
                        + ": " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException
                        ? ((com.fasterxml.jackson.core.JsonProcessingException) e).getOriginalMessage() : e.getMessage()), e);
            }
        };
    }
}
