/**
 * SQL database sinks over JDBC: batched {@code insert} and {@code upsert} sinks that isolate bad
 * rows, with the same contract as the R2DBC sinks of {@code pipeline-r2dbc}, for databases whose
 * best driver is a JDBC one (embedded H2, and any database without an R2DBC driver). A
 * {@link dev.pipeline.connectors.jdbc.Jdbc#pool HikariCP pool} holds the connections; every
 * JDBC call runs on a bounded pool of blocking threads, one per batch in flight, never on a
 * non-blocking Reactor thread.
 *
 * <p><b>Names.</b> The sinks are named {@code insert} and {@code upsert(<table>)} until renamed
 * with {@link dev.pipeline.core.Sink#named}. <b>Options</b>
 * ({@link dev.pipeline.connectors.jdbc.InsertOptions}) are immutable values: each option method
 * returns a copy, and the method of the same name without arguments reads it back.
 */
package dev.pipeline.connectors.jdbc;
