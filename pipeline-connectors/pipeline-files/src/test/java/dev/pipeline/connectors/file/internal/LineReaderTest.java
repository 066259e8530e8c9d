package dev.pipeline.connectors.file.internal;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.pipeline.connectors.file.Malformed;
import dev.pipeline.connectors.file.MalformedRecordException;
import dev.pipeline.connectors.file.ReadOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * LineReader against BufferedReader: lines ending at every offset of small buffers, multi-byte
 * characters and CRLF split by a buffer end, the ASCII fast path beside non-ASCII lines, and the
 * position after every line resuming at exactly the next one.
 */
class LineReaderTest {

    @TempDir
    Path dir;

    private int files;

    private Path write(byte[] bytes) {
        try {
            return Files.write(dir.resolve("f" + files++ + ".txt"), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> bufferedReader(byte[] bytes, Charset charset) {
        List<String> lines = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new ByteArrayInputStream(bytes),
                charset.newDecoder().onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE)))) {
            for (String l = in.readLine(); l != null; l = in.readLine()) {
                lines.add(l);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }

    /** Every line, checking after each that the position and line number resume at the next one. */
    private static List<String> read(Path file, ReadOptions options, boolean checkResume) {
        List<String> lines = new ArrayList<>();
        List<long[]> marks = new ArrayList<>();
        try (LineReader r = LineReader.open(file, options)) {
            for (String l = r.next(); l != null; l = r.next()) {
                lines.add(l);
                assertThat(r.lineNumber()).isEqualTo(lines.size());
                marks.add(new long[] {r.position(), r.lineNumber()});
            }
        }
        if (checkResume) {
            for (int k = 0; k < marks.size(); k++) {
                try (LineReader r = LineReader.open(file, options, marks.get(k)[0], marks.get(k)[1])) {
                    for (int j = k + 1; j < lines.size(); j++) {
                        assertThat(r.next()).as("line %d resumed after line %d at byte %d", j + 1, k + 1, marks.get(k)[0])
                                .isEqualTo(lines.get(j));
                        assertThat(r.lineNumber()).isEqualTo(j + 1);
                    }
                    assertThat(r.next()).isNull();
                }
            }
        }
        return lines;
    }

    @Test
    void linesEndingAtEveryOffsetOfSmallBuffersSplitLikeBufferedReader() {
        // a terminator (LF, CRLF, lone CR) and a multi-byte character at every offset relative to
        // buffer ends of 1 to 17 bytes, with ASCII and non-ASCII lines next to each other
        String[] terminators = {"\n", "\r\n", "\r"};
        String[] chars = {"a", "é", "日", "😀", "\t", "\u000B"};
        for (int bufferSize = 1; bufferSize <= 17; bufferSize++) {
            for (int lead = 0; lead < 12; lead++) {
                for (String t : terminators) {
                    for (String c : chars) {
                        String text = "x".repeat(lead) + t + c + "y".repeat(lead % 5) + t + "plain ascii line" + t + c + c + t + c;
                        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                        Path file = write(bytes);
                        ReadOptions options = ReadOptions.defaults().bufferSize(bufferSize);
                        assertThat(read(file, options, bufferSize % 4 == 1))
                                .as("buffer %d: %s", bufferSize, text.replace("\r", "\\r").replace("\n", "\\n"))
                                .isEqualTo(bufferedReader(bytes, StandardCharsets.UTF_8));
                    }
                }
            }
        }
    }

    @Test
    void randomTextsSplitLikeBufferedReaderWithPositionsThatResume() {
        String[] pieces = {"a", "xyz", "0123456789abcdef", "é", "日本", "😀", "\t", "\b", "\f", "\u000E", "\u000F", "\u0000",
            "\u007F", "\u0080", "\n", "\r", "\r\n", "\n\r", "\r\r"};
        Random random = new Random(20261203);
        int[] bufferSizes = {1, 2, 3, 7, 8, 9, 15, 16, 17, 64, 65536};
        for (int round = 0; round < 3000; round++) {
            StringBuilder text = new StringBuilder();
            int parts = random.nextInt(60);
            for (int k = 0; k < parts; k++) {
                String p = pieces[random.nextInt(pieces.length)];
                text.append(random.nextInt(4) == 0 ? p.repeat(1 + random.nextInt(12)) : p);
            }
            byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
            Path file = write(bytes);
            int bufferSize = bufferSizes[random.nextInt(bufferSizes.length)];
            assertThat(read(file, ReadOptions.defaults().bufferSize(bufferSize), round % 10 == 0))
                    .as("round %d, buffer %d: %s", round, bufferSize, text.toString().replace("\r", "\\r").replace("\n", "\\n"))
                    .isEqualTo(bufferedReader(bytes, StandardCharsets.UTF_8));
        }
    }

    @Test
    void randomBytesInEveryAsciiCompatibleCharsetDecodeLikeBufferedReaderWhenReplacing() {
        Charset[] charsets = {StandardCharsets.UTF_8, StandardCharsets.US_ASCII, StandardCharsets.ISO_8859_1,
            Charset.forName("windows-1252")};
        byte[] alphabet = {'a', 'Z', ' ', '\t', '\n', '\r', 0x0B, 0x0C, 0x0E, 0x7F, (byte) 0x80, (byte) 0x8A, (byte) 0x8D,
            (byte) 0xC3, (byte) 0xA9, (byte) 0xE6, (byte) 0x97, (byte) 0xA5, (byte) 0xF0, (byte) 0xFF};
        Random random = new Random(42);
        for (int round = 0; round < 2000; round++) {
            byte[] bytes = new byte[random.nextInt(80)];
            int high = random.nextInt(3); // some texts all ASCII, some with a few high bytes, some with many
            for (int i = 0; i < bytes.length; i++) {
                byte b = alphabet[random.nextInt(alphabet.length)];
                bytes[i] = b < 0 && (high == 0 || high == 1 && random.nextInt(8) != 0) ? (byte) 'q' : b;
            }
            Charset charset = charsets[round % charsets.length];
            Path file = write(bytes);
            ReadOptions options = ReadOptions.defaults().charset(charset).onMalformed(Malformed.REPLACE)
                    .bufferSize(1 + random.nextInt(20));
            assertThat(read(file, options, false)).as("round %d in %s", round, charset)
                    .isEqualTo(bufferedReader(bytes, charset));
        }
    }

    @Test
    void invalidInputIsReportedOnItsLineWhereverTheBufferEnds() {
        for (int bufferSize = 1; bufferSize <= 12; bufferSize++) {
            for (int at = 0; at < 6; at++) {
                byte[] good = ("ascii\n" + "grüße\r\n" + "x".repeat(at) + "?tail\n" + "after\n").getBytes(StandardCharsets.UTF_8);
                int bad = good.length - "after\n".length() - "tail\n".length() - 1;
                good[bad] = (byte) 0xFF; // the '?' on line 3
                Path file = write(good);
                List<String> seen = new ArrayList<>();
                ReadOptions options = ReadOptions.defaults().bufferSize(bufferSize);
                assertThatThrownBy(() -> {
                    try (LineReader r = LineReader.open(file, options)) {
                        for (String l = r.next(); l != null; l = r.next()) {
                            seen.add(l);
                        }
                    }
                }).as("buffer %d, offset %d", bufferSize, at).isInstanceOf(MalformedRecordException.class)
                        .satisfies(e -> assertThat(((MalformedRecordException) e).line()).isEqualTo(3))
                        .hasMessageContaining(file.getFileName() + ":3: invalid UTF-8 input");
                assertThat(seen).containsExactly("ascii", "grüße");
            }
        }
    }

    @Test
    void aRealReplacementCharacterIsNotAnError() {
        Path file = write("ok \uFFFD\nascii\n".getBytes(StandardCharsets.UTF_8));
        assertThat(read(file, ReadOptions.defaults().bufferSize(3), true)).containsExactly("ok \uFFFD", "ascii");
    }

    @Test
    void asciiLinesInStrictUsAsciiStillRejectAHighByteOnItsLine() {
        Path file = write(new byte[] {'o', 'k', '\n', 'b', (byte) 0xE9, '\n'});
        ReadOptions options = ReadOptions.defaults().charset(StandardCharsets.US_ASCII);
        try (LineReader r = LineReader.open(file, options)) {
            assertThat(r.next()).isEqualTo("ok");
            assertThatThrownBy(r::next).isInstanceOf(MalformedRecordException.class)
                    .satisfies(e -> assertThat(((MalformedRecordException) e).line()).isEqualTo(2));
        }
    }

    @Test
    void theLineLimitHoldsForLinesCrossingBufferEnds() {
        for (int bufferSize = 1; bufferSize <= 9; bufferSize++) {
            Path file = write(("12345678\n" + "123456789\n").getBytes(StandardCharsets.US_ASCII));
            ReadOptions options = ReadOptions.defaults().bufferSize(bufferSize).maxLineSize(9);
            try (LineReader r = LineReader.open(file, options)) {
                assertThat(r.next()).isEqualTo("12345678");
                // nine bytes and the terminator do not fit in nine: the line is over the limit
                assertThatThrownBy(r::next).as("buffer %d", bufferSize).isInstanceOf(MalformedRecordException.class)
                        .hasMessageContaining(":2: line longer than 9 bytes");
            }
        }
    }
}
