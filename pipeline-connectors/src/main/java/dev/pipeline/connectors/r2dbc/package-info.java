/**
 * SQL database connectors over R2DBC: a connection pool from a URL ({@link
 * dev.pipeline.connectors.r2dbc.R2dbc}), a query source, batched insert and upsert sinks that
 * isolate bad rows, and a per-item lookup stage. Embedded H2 ({@code r2dbc:h2:mem:///...}) works
 * out of the box; PostgreSQL ({@code r2dbc:postgresql://...}) when {@code
 * org.postgresql:r2dbc-postgresql} is on the classpath. Database work is subscribed on a
 * scheduler that may block (boundedElastic by default), because r2dbc-h2 runs the H2 engine
 * synchronously on the subscribing thread.
 */
package dev.pipeline.connectors.r2dbc;
