/**
 * File connectors: sources that read lines, NDJSON and CSV lazily with backpressure, a directory
 * inbox, and sinks that write lines, NDJSON and CSV atomically (or appending). All file I/O runs
 * on a {@link reactor.core.scheduler.Scheduler} meant for blocking work (boundedElastic by
 * default), never on Reactor's non-blocking threads.
 *
 * @see dev.pipeline.connectors.file.FileSources
 * @see dev.pipeline.connectors.file.FileSinks
 */
package dev.pipeline.connectors.file;
