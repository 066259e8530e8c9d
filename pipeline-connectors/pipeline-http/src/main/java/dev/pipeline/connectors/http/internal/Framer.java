package dev.pipeline.connectors.http.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.TokenBuffer;

/**
 * Cuts a request body, chunk by chunk, into decoded items without holding the whole body: NDJSON
 * by lines, or the elements of one JSON array with Jackson's non-blocking parser. One request,
 * one subscriber: not shared.
 */
abstract class Framer<T> {

    /**
     * One decoded item, or the raw text of a line that did not decode, or (last) the failure
     * that stopped reading the body.
     */
    static final class Frame<T> {
        final long number;
        final T value;
        final String raw;
        final Exception error;
        /** Why the body could not be read on after the frames before this one; else null. */
        final Throwable failure;

        Frame(long number, T value, String raw, Exception error) {
            this(number, value, raw, error, null);
        }

        private Frame(long number, T value, String raw, Exception error, Throwable failure) {
            this.number = number;
            this.value = value;
            this.raw = raw;
            this.error = error;
            this.failure = failure;
        }

        /** The last frame of a body that could not be read to its end. */
        static <T> Frame<T> failed(Throwable failure) {
            return new Frame<>(-1, null, null, null, failure);
        }
    }

    /** The body cannot be read on (a line too long, a broken array): fails the request. */
    static final class FramingException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;

        FramingException(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    abstract List<Frame<T>> feed(byte[] chunk);

    abstract List<Frame<T>> finish();

    /** @param reader an ObjectReader for the item type, made once (its deserializers resolved) */
    static <T> Framer<T> ndjson(com.fasterxml.jackson.databind.ObjectReader reader, int maxLine) {
        return new Lines<>(reader, maxLine);
    }

    static <T> Framer<T> jsonArray(ObjectMapper mapper, com.fasterxml.jackson.databind.ObjectReader reader, int maxItem) {
        return new Array<>(mapper, reader, maxItem);
    }

    private static final class Lines<T> extends Framer<T> {
        private final com.fasterxml.jackson.databind.ObjectReader reader;
        private final int maxLine;
        private byte[] partial = new byte[0];
        private long line;

        Lines(com.fasterxml.jackson.databind.ObjectReader reader, int maxLine) {
            this.reader = reader;
            this.maxLine = maxLine;
        }

        @Override
        List<Frame<T>> feed(byte[] chunk) {
            List<Frame<T>> out = new ArrayList<>(4);
            int start = 0;
            for (int i = 0; i < chunk.length; i++) {
                if (chunk[i] == '\n') {
                    byte[] bytes;
                    if (partial.length == 0) {
                        bytes = Arrays.copyOfRange(chunk, start, i);
                    } else {
                        bytes = Arrays.copyOf(partial, partial.length + i - start);
                        System.arraycopy(chunk, start, bytes, partial.length, i - start);
                        partial = new byte[0];
                    }
                    line++;
                    check(bytes.length, line);
                    decode(bytes, out);
                    start = i + 1;
                }
            }
            if (start < chunk.length) {
                int n = chunk.length - start;
                check(partial.length + n, line + 1);
                byte[] p = Arrays.copyOf(partial, partial.length + n);
                System.arraycopy(chunk, start, p, partial.length, n);
                partial = p;
            }
            return out;
        }

        private void check(int length, long number) {
            if (length > maxLine) {
                throw new FramingException(413, "line " + number + " is longer than the limit of " + maxLine + " bytes");
            }
        }

        @Override
        List<Frame<T>> finish() {
            List<Frame<T>> out = new ArrayList<>(1);
            if (partial.length > 0) {
                line++;
                decode(partial, out);
                partial = new byte[0];
            }
            return out;
        }

        private void decode(byte[] bytes, List<Frame<T>> out) {
            int len = bytes.length;
            if (len > 0 && bytes[len - 1] == '\r') {
                len--;
            }
            boolean blank = true;
            for (int i = 0; i < len && blank; i++) {
                blank = Character.isWhitespace(bytes[i]);
            }
            if (blank) {
                return; // blank lines carry no item
            }
            try {
                out.add(new Frame<>(line, reader.<T>readValue(bytes, 0, len), null, null));
            } catch (IOException e) {
                out.add(new Frame<>(line, null, new String(bytes, 0, len, StandardCharsets.UTF_8), e));
            }
        }
    }

    private static final class Array<T> extends Framer<T> {
        private final ObjectMapper mapper;
        private final com.fasterxml.jackson.databind.ObjectReader reader;
        private final int maxItem;
        private final JsonParser parser;
        private final ByteArrayFeeder feeder;
        private int depth;
        private boolean ended;
        private TokenBuffer element;
        private long elementStart;
        private long index;

        Array(ObjectMapper mapper, com.fasterxml.jackson.databind.ObjectReader reader, int maxItem) {
            this.mapper = mapper;
            this.reader = reader;
            this.maxItem = maxItem;
            try {
                this.parser = mapper.getFactory().createNonBlockingByteArrayParser();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            this.feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
        }

        @Override
        List<Frame<T>> feed(byte[] chunk) {
            try {
                feeder.feedInput(chunk, 0, chunk.length);
                return drain();
            } catch (IOException e) {
                throw broken(e);
            }
        }

        @Override
        List<Frame<T>> finish() {
            feeder.endOfInput();
            try {
                List<Frame<T>> out = drain();
                if (!ended) {
                    throw new FramingException(400, "the JSON array is not closed (the body ended after "
                            + index + " items)");
                }
                return out;
            } catch (IOException e) {
                throw broken(e);
            }
        }

        private FramingException broken(IOException e) {
            String m = e instanceof com.fasterxml.jackson.core.JsonProcessingException
                    ? ((com.fasterxml.jackson.core.JsonProcessingException) e).getOriginalMessage() : e.getMessage();
            return new FramingException(400, "item " + (index + 1) + " of the JSON array: " + m);
        }

        private List<Frame<T>> drain() throws IOException {
            List<Frame<T>> out = new ArrayList<>(4);
            JsonToken t;
            while ((t = parser.nextToken()) != null && t != JsonToken.NOT_AVAILABLE) {
                if (ended) {
                    throw new FramingException(400, "unexpected content after the JSON array");
                }
                if (depth == 0) {
                    if (t != JsonToken.START_ARRAY) {
                        throw new FramingException(400, "expected a JSON array or NDJSON (Content-Type application/x-ndjson), got " + t);
                    }
                    depth = 1;
                    continue;
                }
                if (depth == 1 && element == null) {
                    if (t == JsonToken.END_ARRAY) {
                        ended = true;
                        depth = 0;
                        continue;
                    }
                    element = new TokenBuffer(mapper, false);
                    elementStart = parser.currentTokenLocation().getByteOffset();
                }
                element.copyCurrentEvent(parser);
                if (t.isStructStart()) {
                    depth++;
                } else if (t.isStructEnd()) {
                    depth--;
                }
                if (parser.currentLocation().getByteOffset() - elementStart > maxItem) {
                    throw new FramingException(413, "item " + (index + 1) + " of the JSON array is longer than the limit of "
                            + maxItem + " bytes");
                }
                if (depth == 1) {
                    index++;
                    TokenBuffer done = element;
                    element = null;
                    try (JsonParser p = done.asParser(mapper)) {
                        out.add(new Frame<>(index, reader.<T>readValue(p), null, null));
                    } catch (IOException e) {
                        out.add(new Frame<>(index, null, done.toString(), e));
                    }
                }
            }
            return out;
        }
    }
}
