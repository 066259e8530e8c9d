package dev.pipeline.connectors.http;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.pipeline.connectors.internal.Require;

/**
 * One HTTP request to make for an item in {@link HttpStages#request}: method, URL, headers and
 * an optional body. Immutable: each of {@link #header}, {@link #body(String)} and
 * {@link #jsonBody(Object)} returns a copy, as the options' methods do.
 *
 * <pre>{@code
 * HttpRequest put = HttpRequest.of("PUT", URI.create("http://127.0.0.1:8080/orders/7"))
 *         .header("If-Match", etag)
 *         .jsonBody(order);
 * }</pre>
 */
public final class HttpRequest {

    private final String method;
    private final URI uri;
    private final Map<String, String> headers;
    private final byte[] body;
    private final Object json;

    private HttpRequest(String method, URI uri, Map<String, String> headers, byte[] body, Object json) {
        this.method = method;
        this.uri = uri;
        this.headers = headers;
        this.body = body;
        this.json = json;
    }

    /**
     * A request with no body.
     *
     * @param method the method, such as {@code GET} or {@code DELETE}
     * @param uri an absolute {@code http} or {@code https} URL
     * @return the request
     */
    public static HttpRequest of(String method, URI uri) {
        Require.nonBlank(method, "method");
        Require.nonNull(uri, "uri");
        if (!uri.isAbsolute()) {
            throw new IllegalArgumentException("uri must be absolute (http://host:port/path), was " + uri);
        }
        return new HttpRequest(method.toUpperCase(java.util.Locale.ROOT), uri, Map.of(), null, null);
    }

    /**
     * A {@code GET} request.
     *
     * @param uri an absolute URL
     * @return the request
     */
    public static HttpRequest get(URI uri) {
        return of("GET", uri);
    }

    /**
     * A {@code POST} of a JSON body, encoded with the options' mapper.
     *
     * @param uri an absolute URL
     * @param json the value to encode
     * @return the request
     */
    public static HttpRequest postJson(URI uri, Object json) {
        return of("POST", uri).jsonBody(json);
    }

    /**
     * Adds a header (replacing one of the same name). None by default, besides the options'
     * headers.
     *
     * @param name the name
     * @param value the value
     * @return a copy with the header
     */
    public HttpRequest header(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(Require.nonBlank(name, "name"), Require.nonNull(value, "value"));
        return new HttpRequest(method, uri, Map.copyOf(h), body, json);
    }

    /**
     * Sets a text body (none by default), sent as UTF-8 (set {@code Content-Type} with {@link #header}).
     *
     * @param text the body
     * @return a copy with the body
     */
    public HttpRequest body(String text) {
        return new HttpRequest(method, uri, headers, Require.nonNull(text, "text").getBytes(StandardCharsets.UTF_8), null);
    }

    /**
     * Sets a JSON body (none by default): the value, encoded by the options' mapper, with
     * {@code Content-Type: application/json}.
     *
     * @param value the value to encode
     * @return a copy with the body
     */
    public HttpRequest jsonBody(Object value) {
        return new HttpRequest(method, uri, headers, null, Require.nonNull(value, "value"));
    }

    /** @return the method */
    public String method() {
        return method;
    }

    /** @return the URL */
    public URI uri() {
        return uri;
    }

    /** @return the headers of this request (besides the options' headers) */
    public Map<String, String> headers() {
        return headers;
    }

    /** @return the raw body, or null */
    public byte[] body() {
        return body == null ? null : body.clone();
    }

    /** @return the value to send as JSON, or null */
    public Object jsonBody() {
        return json;
    }

    @Override
    public String toString() {
        return method + " " + uri;
    }
}
