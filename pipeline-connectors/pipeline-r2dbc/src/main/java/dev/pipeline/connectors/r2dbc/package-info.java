/**
 * SQL database connectors over R2DBC: a connection pool from a URL ({@link
 * dev.pipeline.connectors.r2dbc.R2dbc}), a query source, batched insert and upsert sinks that
 * isolate bad rows, and a per-item lookup stage. Embedded H2 ({@code r2dbc:h2:mem:///...}) works
 * out of the box; PostgreSQL ({@code r2dbc:postgresql://...}) when {@code
 * org.postgresql:r2dbc-postgresql} is on the classpath. Database work is subscribed on a
 * scheduler that may block (boundedElastic by default), because r2dbc-h2 runs the H2 engine
 * synchronously on the subscribing thread.
 *
 * <p><b>Names.</b> Every source, stage and sink can be renamed with {@code named(...)}
 * ({@link dev.pipeline.core.Source#named}, {@link dev.pipeline.core.Stage#named},
 * {@link dev.pipeline.core.Sink#named}). The query source is named {@code query}, the sinks
 * {@code insert} and {@code upsert(<table>)} until renamed; a lookup takes its name as its first
 * argument. <b>Options</b> ({@link dev.pipeline.connectors.r2dbc.InsertOptions},
 * {@link dev.pipeline.connectors.r2dbc.QueryOptions}) are immutable values: each option method
 * returns a copy, and the method of the same name without arguments reads it back.
 */
package dev.pipeline.connectors.r2dbc;
