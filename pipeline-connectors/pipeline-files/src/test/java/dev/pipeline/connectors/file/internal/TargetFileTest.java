package dev.pipeline.connectors.file.internal;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TargetFileTest {

    @Test
    void aTemporaryNameKeepsAShortTargetNameWhole() {
        String temp = TargetFile.temporaryName("orders.ndjson");
        assertThat(temp).matches("\\.orders\\.ndjson\\.[0-9a-f]{16}\\.tmp");
        assertThat(TargetFile.isTemporaryName(temp)).isTrue();
    }

    @Test
    void aTemporaryNameStaysWithin255BytesAndNeverSplitsACharacter() {
        for (String name : new String[] {"y".repeat(255), "é".repeat(127), "😀".repeat(63), "a" + "😀".repeat(63)}) {
            String temp = TargetFile.temporaryName(name);
            assertThat(temp.getBytes(StandardCharsets.UTF_8).length).as(name).isLessThanOrEqualTo(255);
            String kept = temp.substring(1, temp.length() - ".0123456789abcdef.tmp".length());
            assertThat(name).as("the kept prefix").startsWith(kept);
            assertThat(kept.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(229);
            assertThat(kept.codePoints().allMatch(cp -> name.codePoints().anyMatch(c -> c == cp))).isTrue();
            assertThat(TargetFile.isTemporaryName(temp)).isTrue();
        }
    }

    @Test
    void onlyNamesOfTheTemporaryShapeAreTemporary() {
        assertThat(TargetFile.isTemporaryName("report.tmp")).isFalse();
        assertThat(TargetFile.isTemporaryName(".a.0123456789abcde.tmp")).isFalse();
        assertThat(TargetFile.isTemporaryName(".a\nb.0123456789abcdef.tmp")).isTrue();
    }
}
