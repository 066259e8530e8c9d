package dev.pipeline.connectors.file;

import java.nio.file.Path;

/**
 * What a file sink wrote: the target file, how many items and how many bytes.
 *
 * @param path the file written (for an atomic sink, the target after the move)
 * @param items the items written
 * @param bytes the bytes written by this run
 */
public record FileWriteResult(Path path, long items, long bytes) {
}
