package dev.pipeline.connectors.file.internal;

import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LineReaderScanTest {

    private static int naive(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '\n' || b[i] == '\r') {
                return i;
            }
        }
        return -1;
    }

    @Test
    void theWordAtATimeSearchFindsTheFirstTerminatorLikeAByteLoop() {
        // bytes near the terminators (0x09, 0x0B, 0x0C, 0x0E), high bytes and zero bytes, at every
        // offset within a word and across word and range ends
        byte[] alphabet = {'\n', '\r', 0x09, 0x0B, 0x0C, 0x0E, 0x00, 0x01, (byte) 0x80, (byte) 0x8A, (byte) 0x8D,
            (byte) 0xFF, 'a', 'z'};
        Random random = new Random(7);
        for (int round = 0; round < 20_000; round++) {
            byte[] b = new byte[1 + random.nextInt(40)];
            int sparse = 1 + random.nextInt(20);
            for (int i = 0; i < b.length; i++) {
                b[i] = random.nextInt(sparse) == 0 ? alphabet[random.nextInt(2)] : alphabet[2 + random.nextInt(alphabet.length - 2)];
            }
            int from = random.nextInt(b.length + 1);
            int to = from + random.nextInt(b.length - from + 1);
            assertThat(LineReader.indexOfLineEnd(b, from, to)).as("round %d from %d to %d", round, from, to)
                    .isEqualTo(naive(b, from, to));
            // the high-byte flag: set whenever a byte above 0x7F comes before the terminator (or the end)
            int end = naive(b, from, to) < 0 ? to : naive(b, from, to);
            boolean high = false;
            for (int i = from; i < end; i++) {
                high |= b[i] < 0;
            }
            if (high) {
                assertThat(LineReader.scan(b, from, to)).as("round %d from %d to %d: flag", round, from, to).isNegative();
            }
            if (LineReader.scan(b, from, to) < 0) {
                // and set only for a high byte in the words read, up to the terminator's word
                boolean any = false;
                for (int i = from; i < Math.min(to, end + Long.BYTES); i++) {
                    any |= b[i] < 0;
                }
                assertThat(any).as("round %d from %d to %d: no high byte near", round, from, to).isTrue();
            }
        }
    }
}
