/**
 * File connectors: sources that read lines, NDJSON and CSV lazily with backpressure, a directory
 * inbox, and sinks that write lines, NDJSON and CSV atomically (or appending). All file I/O runs
 * on a {@link reactor.core.scheduler.Scheduler} meant for blocking work (boundedElastic by
 * default), never on Reactor's non-blocking threads.
 *
 * <p><b>Names.</b> Every source, stage and sink can be renamed with {@code named(...)}
 * ({@link dev.pipeline.core.Source#named}, {@link dev.pipeline.core.Sink#named}). A file
 * connector is named after its kind and file, {@code ndjson(orders.ndjson)}, until renamed:
 * {@code FileSinks.ndjson(path).named("audit")}. <b>Options</b>
 * ({@link dev.pipeline.connectors.file.ReadOptions}, {@link dev.pipeline.connectors.file.WriteOptions})
 * are immutable values: each option method returns a copy, and the method of the same name
 * without arguments reads it back.
 *
 * @see dev.pipeline.connectors.file.FileSources
 * @see dev.pipeline.connectors.file.FileSinks
 */
package dev.pipeline.connectors.file;
