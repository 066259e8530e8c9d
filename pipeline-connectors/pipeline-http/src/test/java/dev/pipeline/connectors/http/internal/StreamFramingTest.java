package dev.pipeline.connectors.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pipeline.connectors.http.HttpException;
import dev.pipeline.connectors.http.ServerSentEvent;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class StreamFramingTest {

    static final URI URL = URI.create("http://127.0.0.1:1/stream");

    /** Feeds {@code body} cut into chunks of {@code size} bytes, then ends it. */
    static <T> List<T> frame(StreamFraming.Factory<T> factory, String body, int size) {
        StreamFraming<T> f = factory.create("GET", URL);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        List<T> out = new ArrayList<>();
        for (int i = 0; i < bytes.length; i += size) {
            out.addAll(f.feed(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + size))));
        }
        out.addAll(f.finish());
        return out;
    }

    /** The same body cut at every chunk size from 1 byte to whole gives the same items. */
    static <T> List<T> everyCut(StreamFraming.Factory<T> factory, String body) {
        List<T> whole = frame(factory, body, Math.max(1, body.length() * 4));
        for (int size = 1; size <= body.length(); size++) {
            assertThat(frame(factory, body, size)).as("cut into chunks of %d bytes", size).isEqualTo(whole);
        }
        return whole;
    }

    static ServerSentEvent message(String data) {
        return new ServerSentEvent(null, "message", data, null);
    }

    @Nested
    class ServerSentEvents {

        final StreamFraming.Factory<ServerSentEvent> events = StreamFraming.events(1024);

        @Test
        void joinsMultiLineDataWithNewlines() {
            assertThat(everyCut(events, "data: first\ndata: second\ndata:third\n\n"))
                    .containsExactly(message("first\nsecond\nthird"));
        }

        @Test
        void skipsCommentsAndUnknownFields() {
            assertThat(everyCut(events, ": keep-alive\n:\nfoo: bar\ndata: x\n: between\n\n"))
                    .containsExactly(message("x"));
        }

        @Test
        void removesOnlyOneLeadingSpaceFromAValue() {
            assertThat(everyCut(events, "data:  two spaces\n\ndata:none\n\n"))
                    .containsExactly(message(" two spaces"), message("none"));
        }

        @Test
        void acceptsLfCrLfAndLoneCrLineEnds() {
            assertThat(everyCut(events, "data: a\r\n\r\ndata: b\r\rdata: c\n\ndata: d\r\n\n"))
                    .containsExactly(message("a"), message("b"), message("c"), message("d"));
        }

        @Test
        void keepsTheLastEventIdUntilChangedAndNamesTheType() {
            assertThat(everyCut(events, "id: 1\nevent: token\ndata: He\n\ndata: llo\n\nid: 2\nevent: done\ndata: ok\n\n"))
                    .containsExactly(new ServerSentEvent("1", "token", "He", null),
                            new ServerSentEvent("1", "message", "llo", null),
                            new ServerSentEvent("2", "done", "ok", null));
        }

        @Test
        void anEmptyIdResetsTheLastEventIdAndAnIdWithNulIsIgnored() {
            assertThat(everyCut(events, "id: 7\ndata: a\n\nid: x\0y\ndata: b\n\nid\ndata: c\n\n"))
                    .containsExactly(new ServerSentEvent("7", "message", "a", null),
                            new ServerSentEvent("7", "message", "b", null),
                            new ServerSentEvent("", "message", "c", null));
        }

        @Test
        void readsRetryWhenItIsDigitsOnly() {
            assertThat(everyCut(events, "retry: 2500\ndata: a\n\nretry: soon\ndata: b\n\n"))
                    .containsExactly(new ServerSentEvent(null, "message", "a", Duration.ofMillis(2500)),
                            new ServerSentEvent(null, "message", "b", Duration.ofMillis(2500)));
        }

        @Test
        void doesNotDispatchAnEventWithoutData() {
            assertThat(everyCut(events, "event: ping\n\nid: 3\n\ndata: x\n\n"))
                    .containsExactly(new ServerSentEvent("3", "message", "x", null));
        }

        @Test
        void aFieldWithoutColonHasAnEmptyValue() {
            assertThat(everyCut(events, "data\n\ndata\ndata\n\n")).containsExactly(message(""), message("\n"));
        }

        @Test
        void dropsAnEventTheBodyEndsBeforeItsBlankLine() {
            assertThat(everyCut(events, "data: complete\n\ndata: cut off\n")).containsExactly(message("complete"));
        }

        @Test
        void skipsAByteOrderMarkAtTheStart() {
            assertThat(everyCut(events, "\uFEFFdata: x\n\n")).containsExactly(message("x"));
        }

        @Test
        void keepsMultiByteCharactersCutAcrossChunks() {
            assertThat(everyCut(events, "data: héllo → wörld 🙂\n\n")).containsExactly(message("héllo → wörld 🙂"));
        }

        @Test
        void refusesAnEventOverTheLimitNamingTheUrl() {
            String line = "data: " + "x".repeat(300) + "\n";
            StreamFraming.Factory<ServerSentEvent> small = StreamFraming.events(1000);
            assertThat(frame(small, line.repeat(3) + "\n", 64)).hasSize(1); // 3 x 307 bytes fit
            assertThatThrownBy(() -> frame(small, line.repeat(4) + "\n", 64))
                    .isInstanceOf(HttpException.class)
                    .hasMessageContaining("GET " + URL)
                    .hasMessageContaining("an event longer than the limit of 1000 bytes")
                    .hasMessageContaining("line 4")
                    .hasMessageContaining("maxLineSize");
        }

        @Test
        void refusesALineOverTheLimitBeforeItEnds() {
            StreamFraming<ServerSentEvent> f = StreamFraming.events(100).create("GET", URL);
            byte[] chunk = "x".repeat(60).getBytes(StandardCharsets.UTF_8);
            f.feed(chunk);
            assertThatThrownBy(() -> f.feed(chunk)).isInstanceOf(HttpException.class).hasMessageContaining("line 1");
        }
    }

    @Nested
    class Ndjson {

        final ObjectMapper mapper = new ObjectMapper();

        @Test
        void decodesEachLineAndSkipsBlankLines() {
            StreamFraming.Factory<JsonNode> f = StreamFraming.ndjson(JsonNode.class, mapper.readerFor(JsonNode.class), 100);
            assertThat(everyCut(f, "{\"i\":1}\n\n  \r\n{\"i\":2}\r\n{\"i\":3}"))
                    .extracting(n -> n.get("i").asInt()).containsExactly(1, 2, 3);
        }

        @Test
        void givesRawLinesForString() {
            StreamFraming.Factory<String> f = StreamFraming.ndjson(String.class, mapper.readerFor(String.class), 100);
            assertThat(everyCut(f, "a b\r\nc\n\nd")).containsExactly("a b", "c", "d");
        }

        @Test
        void aMalformedLineFailsNamingTheUrlAndTheLine() {
            StreamFraming.Factory<JsonNode> f = StreamFraming.ndjson(JsonNode.class, mapper.readerFor(JsonNode.class), 100);
            assertThatThrownBy(() -> frame(f, "{\"i\":1}\n{\"i\":\n", 5))
                    .isInstanceOf(HttpException.class)
                    .hasMessageContaining("GET " + URL)
                    .hasMessageContaining("line 2")
                    .hasMessageContaining("not valid JSON for JsonNode");
        }

        @Test
        void aLineOverTheLimitFailsNamingTheLine() {
            StreamFraming.Factory<String> f = StreamFraming.ndjson(String.class, mapper.readerFor(String.class), 10);
            assertThat(frame(f, "0123456789\r\n", 3)).containsExactly("0123456789"); // the \r is not counted
            assertThatThrownBy(() -> frame(f, "ok\n0123456789A\n", 3))
                    .isInstanceOf(HttpException.class)
                    .hasMessageContaining("a line longer than the limit of 10 bytes (at line 2");
        }
    }
}
