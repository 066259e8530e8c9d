package dev.pipeline.connectors.http.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.pipeline.connectors.http.HttpException;
import dev.pipeline.connectors.http.ServerSentEvent;

/**
 * Turns a streamed response body, chunk by chunk, into items: NDJSON lines decoded with Jackson,
 * or server-sent events parsed as the HTML standard's event-stream format says. Only the
 * unfinished line (and, for events, the unfinished event) is held between chunks, each within
 * the size limit. One stream, one subscriber: not shared; a {@link Factory} makes one per
 * response.
 *
 * @param <T> the item type
 */
public abstract class StreamFraming<T> {

    /** Makes the framing of one response. */
    @FunctionalInterface
    public interface Factory<T> {
        StreamFraming<T> create(String method, URI uri);

        /** The {@code Accept} header to send when the request sets none. */
        default String accept() {
            return "*/*";
        }
    }

    final String method;
    final URI uri;
    final int max;

    StreamFraming(String method, URI uri, int max) {
        this.method = method;
        this.uri = uri;
        this.max = max;
    }

    /** The items completed by this chunk, in order. */
    public abstract List<T> feed(byte[] chunk);

    /** The items completed by the end of the body. */
    public abstract List<T> finish();

    /** NDJSON: one JSON value per line decoded into {@code type}; blank lines are skipped. */
    public static <T> Factory<T> ndjson(Class<T> type, ObjectReader reader, int maxLine) {
        return new Factory<>() {
            @Override
            public StreamFraming<T> create(String method, URI uri) {
                return new Ndjson<>(method, uri, maxLine, type, reader);
            }

            @Override
            public String accept() {
                return "application/x-ndjson, application/jsonl, application/json;q=0.8, */*;q=0.5";
            }
        };
    }

    /** Server-sent events ({@code text/event-stream}), each event at most {@code maxEvent} bytes. */
    public static Factory<ServerSentEvent> events(int maxEvent) {
        return new Factory<>() {
            @Override
            public StreamFraming<ServerSentEvent> create(String method, URI uri) {
                return new Events(method, uri, maxEvent);
            }

            @Override
            public String accept() {
                return "text/event-stream";
            }
        };
    }

    HttpException tooLong(String what, long line) {
        return new HttpException(method, uri, "streamed " + what + " longer than the limit of " + max
                + " bytes (at line " + line + " of the body; raise HttpOptions.maxLineSize if it is expected)", null);
    }

    private static final class Ndjson<T> extends StreamFraming<T> {
        private final Class<T> type;
        private final ObjectReader reader;
        private final LineSplitter lines;
        private List<T> out;

        Ndjson(String method, URI uri, int max, Class<T> type, ObjectReader reader) {
            super(method, uri, max);
            this.type = type;
            this.reader = reader;
            this.lines = new LineSplitter(max, false);
        }

        @Override
        public List<T> feed(byte[] chunk) {
            out = new ArrayList<>(4);
            try {
                lines.feed(chunk, this::line);
            } catch (LineSplitter.TooLongException e) {
                throw tooLong("a line", e.line);
            }
            return out;
        }

        @Override
        public List<T> finish() {
            out = new ArrayList<>(1);
            try {
                lines.finish(this::line);
            } catch (LineSplitter.TooLongException e) {
                throw tooLong("a line", e.line);
            }
            return out;
        }

        @SuppressWarnings("unchecked")
        private void line(byte[] bytes) {
            boolean blank = true;
            for (int i = 0; i < bytes.length && blank; i++) {
                blank = Character.isWhitespace(bytes[i]);
            }
            if (blank) {
                return; // blank lines carry no item (keep-alives)
            }
            if (type == String.class) {
                out.add((T) new String(bytes, StandardCharsets.UTF_8));
                return;
            }
            try {
                out.add(reader.readValue(bytes));
            } catch (IOException e) {
                String why = e instanceof JsonProcessingException ? ((JsonProcessingException) e).getOriginalMessage()
                        : e.getMessage();
                throw new HttpException(method, uri, "streamed line " + lines.lines() + ", which is not valid JSON for "
                        + type.getSimpleName() + ": " + why, e);
            }
        }
    }

    /**
     * The event-stream format: lines {@code field: value}; a blank line ends an event;
     * {@code data} lines join with {@code \n}; {@code event} names the type ("message" when
     * absent); {@code id} sets the last event id, which stays until changed; {@code retry} (digits
     * only) sets the reconnection time; lines starting with {@code :} are comments; other fields
     * are ignored; an event without data is not dispatched; an unfinished event at the end of the
     * body is dropped, as a browser's EventSource does.
     */
    private static final class Events extends StreamFraming<ServerSentEvent> {
        private final LineSplitter lines;
        private final StringBuilder data = new StringBuilder();
        private long eventBytes;
        private boolean hasData;
        private String event;
        private String lastId;
        private Duration retry;
        private boolean first = true;
        private List<ServerSentEvent> out;

        Events(String method, URI uri, int max) {
            super(method, uri, max);
            this.lines = new LineSplitter(max, true);
        }

        @Override
        public List<ServerSentEvent> feed(byte[] chunk) {
            out = new ArrayList<>(2);
            try {
                lines.feed(chunk, this::line);
            } catch (LineSplitter.TooLongException e) {
                throw tooLong("an event", e.line);
            }
            return out;
        }

        @Override
        public List<ServerSentEvent> finish() {
            return List.of(); // an event not ended by a blank line is dropped
        }

        private void line(byte[] bytes) {
            int from = 0;
            if (first) {
                first = false;
                if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB && (bytes[2] & 0xff) == 0xBF) {
                    from = 3; // a byte order mark starts the stream
                }
            }
            if (bytes.length == from) {
                dispatch();
                return;
            }
            eventBytes += bytes.length + 1;
            if (eventBytes > max) {
                throw tooLong("an event", lines.lines());
            }
            if (bytes[from] == ':') {
                return; // a comment (often a keep-alive)
            }
            String text = new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
            int colon = text.indexOf(':');
            String field = colon < 0 ? text : text.substring(0, colon);
            String value = "";
            if (colon >= 0) {
                int v = colon + 1;
                if (v < text.length() && text.charAt(v) == ' ') {
                    v++;
                }
                value = text.substring(v);
            }
            switch (field) {
                case "data":
                    if (hasData) {
                        data.append('\n');
                    }
                    data.append(value);
                    hasData = true;
                    break;
                case "event":
                    event = value;
                    break;
                case "id":
                    if (value.indexOf('\0') < 0) {
                        lastId = value;
                    }
                    break;
                case "retry":
                    if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                        try {
                            retry = Duration.ofMillis(Long.parseLong(value));
                        } catch (NumberFormatException e) {
                            // more digits than a long holds: ignored, as any invalid retry field is
                            retry = Duration.ofMillis(Long.MAX_VALUE);
                        }
                    }
                    break;
                default:
                    break; // unknown fields are ignored
            }
        }

        private void dispatch() {
            if (hasData) {
                out.add(new ServerSentEvent(lastId, event == null || event.isEmpty() ? "message" : event, data.toString(),
                        retry));
            }
            data.setLength(0);
            hasData = false;
            event = null;
            eventBytes = 0;
        }
    }
}
