package dev.pipeline.connectors.file.internal;

import dev.pipeline.connectors.file.MalformedRecordException;

/** A record a source could not produce, on its way to the source's error policy. */
public record Rejected(String raw, MalformedRecordException error) {
}
