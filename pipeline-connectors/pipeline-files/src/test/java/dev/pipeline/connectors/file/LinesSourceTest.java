package dev.pipeline.connectors.file;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineException;
import dev.pipeline.core.PipelineStatus;
import dev.pipeline.core.Sink;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class LinesSourceTest implements FileSourceContract<String> {

    @TempDir
    Path dir;

    @Override
    public Flux<String> subject() {
        Path file = write("five.txt", "one\ntwo\nthree\nfour\nfive\n");
        return FileSources.lines(file).flux();
    }

    @Override
    public Flux<String> failingSubject() {
        return FileSources.lines(dir.resolve("missing.txt")).flux();
    }

    @Override
    public Path dir() {
        return dir;
    }

    @Test
    void readsLinesWithoutTerminatorsIncludingCrLfAndATruncatedLastLine() {
        Path file = write("mixed.txt", "a\r\nb\n\nlast without newline");
        StepVerifier.create(FileSources.lines(file).flux())
                .expectNext("a", "b", "", "last without newline")
                .verifyComplete();
    }

    @Test
    void aLoneCarriageReturnEndsALineAsInBufferedReaderAndPython() {
        Path file = write("old-mac.txt", "a\rb\r\nc\n\rd\r");
        StepVerifier.create(FileSources.lines(file).flux())
                .expectNext("a", "b", "c", "", "d")
                .verifyComplete();
    }

    @Test
    void splitsExactlyAsBufferedReaderDoesForAnyMixOfTerminatorsAndAnyBufferSize() throws IOException {
        java.util.Random random = new java.util.Random(20261201);
        String[] pieces = {"a", "xyz", "é", "日", "\n", "\r", "\r\n", "\n\r"};
        int[] bufferSizes = {1, 2, 3, 5, 8, 64, 8192};
        for (int round = 0; round < 600; round++) {
            StringBuilder text = new StringBuilder();
            int parts = random.nextInt(40);
            for (int k = 0; k < parts; k++) {
                text.append(pieces[random.nextInt(pieces.length)]);
            }
            Path file = write("mix" + round + ".txt", text.toString());
            List<String> expected = new java.util.ArrayList<>();
            try (java.io.BufferedReader reader = Files.newBufferedReader(file)) {
                for (String l = reader.readLine(); l != null; l = reader.readLine()) {
                    expected.add(l);
                }
            }
            int bufferSize = bufferSizes[round % bufferSizes.length];
            List<String> lines = FileSources.lines(file, ReadOptions.defaults().bufferSize(bufferSize)).flux().collectList().block();
            assertThat(lines).as("%s with a %d-byte buffer", text.toString().replace("\r", "\\r").replace("\n", "\\n"), bufferSize)
                    .isEqualTo(expected);
        }
    }

    @Test
    void anEmptyFileHasNoLines() {
        StepVerifier.create(FileSources.lines(write("empty.txt", "")).flux()).verifyComplete();
    }

    @Test
    void readsLinesLongerThanTheBufferAndAcrossBufferBoundaries() {
        String longLine = "x".repeat(10_000);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            text.append(i % 7 == 0 ? longLine : "line" + i).append('\n');
        }
        Path file = write("long.txt", text.toString());
        List<String> lines = FileSources.lines(file, ReadOptions.defaults().bufferSize(64)).flux().collectList().block();
        assertThat(lines).hasSize(200);
        assertThat(lines.get(0)).isEqualTo(longLine);
        assertThat(lines.get(1)).isEqualTo("line1");
        assertThat(String.join("\n", lines) + "\n").isEqualTo(text.toString());
    }

    @Test
    void aLineOverTheLimitFailsNamingFileAndLine() {
        Path file = write("huge.txt", "ok\n" + "y".repeat(5000) + "\n");
        StepVerifier.create(FileSources.lines(file, ReadOptions.defaults().bufferSize(16).maxLineSize(1024)).flux())
                .expectNext("ok")
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(MalformedRecordException.class)
                        .hasMessageStartingWith("huge.txt:2: line longer than 1024 bytes"))
                .verify();
    }

    @Test
    void aLimitBelowTheBufferSizeStillHolds() {
        Path file = write("long.txt", "ok\n" + "y".repeat(2000) + "\n");
        StepVerifier.create(FileSources.lines(file, ReadOptions.defaults().maxLineSize(1024)).flux()) // buffer: 64 KiB
                .expectNext("ok")
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(MalformedRecordException.class)
                        .hasMessageStartingWith("long.txt:2: line longer than 1024 bytes"))
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void decodesMultiByteUtf8() {
        Path file = write("utf8.txt", "grüße\n日本語\n\uFFFD literal\n");
        StepVerifier.create(FileSources.lines(file).flux())
                .expectNext("grüße", "日本語", "\uFFFD literal")
                .verifyComplete();
    }

    @Test
    void readsOtherAsciiCompatibleCharsets() {
        Path file = write("latin1.txt", "caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        StepVerifier.create(FileSources.lines(file, ReadOptions.defaults().charset(StandardCharsets.ISO_8859_1)).flux())
                .expectNext("café")
                .verifyComplete();
    }

    @Test
    void refusesACharsetWhereNewlineIsNotOneByte() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                FileSources.lines(dir.resolve("x"), ReadOptions.defaults().charset(StandardCharsets.UTF_16)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("UTF-16");
    }

    @Nested
    class BadInput {

        @Test
        void aMissingFileFailsNamingThePath() {
            Path missing = dir.resolve("nope.txt");
            StepVerifier.create(FileSources.lines(missing).flux())
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(FileAccessException.class)
                            .hasMessageContaining(missing.toString()).hasMessageContaining("no such file"))
                    .verify();
        }

        @Test
        void aDirectoryFailsSayingSo() {
            StepVerifier.create(FileSources.lines(dir).flux())
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(FileAccessException.class)
                            .hasMessageContaining(dir.toString()).hasMessageContaining("is a directory"))
                    .verify();
        }

        @Test
        void anUnreadableFileFailsWithPermissionDenied() throws IOException {
            Path file = write("secret.txt", "x\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
            Assumptions.assumeFalse(Files.isReadable(file), "running as root: every file is readable, nothing to test");
            StepVerifier.create(FileSources.lines(file).flux())
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(FileAccessException.class)
                            .hasMessageContaining("permission denied"))
                    .verify();
        }

        @Test
        void invalidUtf8FailsNamingFileAndLine() {
            byte[] bytes = "good\nbad \u0000\n".getBytes(StandardCharsets.UTF_8);
            bytes[bytes.length - 2] = (byte) 0xC3; // a lead byte followed by a newline: invalid
            Path file = write("broken.txt", bytes);
            StepVerifier.create(FileSources.lines(file).flux())
                    .expectNext("good")
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(MalformedRecordException.class)
                            .hasMessageStartingWith("broken.txt:2: invalid UTF-8 input")
                            .satisfies(m -> assertThat(((MalformedRecordException) m).line()).isEqualTo(2)))
                    .verify();
        }

        @Test
        void lineNumbersCountLoneCarriageReturnsToo() {
            byte[] bytes = "one\rtwo\r\nbad \u0000\n".getBytes(StandardCharsets.UTF_8);
            bytes[bytes.length - 2] = (byte) 0xC3;
            Path file = write("cr.txt", bytes);
            StepVerifier.create(FileSources.lines(file).flux())
                    .expectNext("one", "two")
                    .expectErrorSatisfies(e -> assertThat(e).hasMessageStartingWith("cr.txt:3: invalid UTF-8 input"))
                    .verify();
        }

        @Test
        void invalidUtf8IsReplacedOnRequest() {
            Path file = write("broken.txt", new byte[] {'a', (byte) 0xFF, 'b', '\n', 'c'});
            StepVerifier.create(FileSources.lines(file, ReadOptions.defaults().onMalformed(Malformed.REPLACE)).flux())
                    .expectNext("a\uFFFDb", "c")
                    .verifyComplete();
        }

        @Test
        void aTruncatedMultiByteSequenceAtTheEndIsReported() {
            Path file = write("cut.txt", new byte[] {'o', 'k', '\n', 'x', (byte) 0xE6, (byte) 0x97});
            StepVerifier.create(FileSources.lines(file).flux())
                    .expectNext("ok")
                    .expectErrorSatisfies(e -> assertThat(e).hasMessageStartingWith("cut.txt:2:"))
                    .verify();
        }

        @Test
        void aFailedReadFailsThePipelineWithTheFileInTheMessage() {
            StepVerifier.create(Pipeline.from(FileSources.lines(dir.resolve("gone.txt"))).to(Sink.collect("all")).run())
                    .expectErrorSatisfies(e -> {
                        assertThat(e).isInstanceOf(PipelineException.class).hasMessageContaining("lines(gone.txt)")
                                .hasMessageContaining("no such file");
                        assertThat(((PipelineException) e).report()).get()
                                .satisfies(r -> assertThat(r.status()).isEqualTo(PipelineStatus.FAILED));
                    })
                    .verify();
        }
    }
}
