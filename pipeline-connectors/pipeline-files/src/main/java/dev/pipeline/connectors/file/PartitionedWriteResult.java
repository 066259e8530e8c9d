package dev.pipeline.connectors.file;

import java.nio.file.Path;
import java.util.Map;

/**
 * What a {@link FileSinks#partitioned partitioned} sink wrote: every file with its item count.
 *
 * @param baseDir the base directory
 * @param files each file written, with the items written to it, in the order first written
 * @param items the items written in total
 */
public record PartitionedWriteResult(Path baseDir, Map<Path, Long> files, long items) {

    /**
     * Copies {@code files} so the result is immutable.
     *
     * @param baseDir the base directory
     * @param files the files and their counts
     * @param items the total
     */
    public PartitionedWriteResult {
        files = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(files));
    }
}
