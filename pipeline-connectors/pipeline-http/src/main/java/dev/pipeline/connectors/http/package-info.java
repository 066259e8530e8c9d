/**
 * HTTP connectors on Reactor Netty: a client {@link dev.pipeline.connectors.http.HttpStages stage}
 * (one call per item, bounded concurrency, retries that respect {@code Retry-After}), an
 * {@link dev.pipeline.connectors.http.HttpSinks HTTP sink} that posts batches, and an
 * {@link dev.pipeline.connectors.http.HttpSources ingest server} that feeds a pipeline with real
 * backpressure. This is asyncio's aiohttp story: {@code ClientSession} with a semaphore, and an
 * {@code aiohttp.web} endpoint that puts into an {@code asyncio.Queue(maxsize)}. Streamed
 * response bodies become items as they arrive ({@link dev.pipeline.connectors.http.HttpSources#ndjson
 * NDJSON lines}, {@link dev.pipeline.connectors.http.HttpSources#events server-sent events}, and
 * the same one-request-many-items in {@link dev.pipeline.connectors.http.HttpStages#ndjson a stage});
 * the WebSocket client is in {@link dev.pipeline.connectors.http.websocket}.
 *
 * <p><b>Names.</b> Every source, stage and sink can be renamed with {@code named(...)}
 * ({@link dev.pipeline.core.Source#named}, {@link dev.pipeline.core.Stage#named},
 * {@link dev.pipeline.core.Sink#named}). The HTTP factories take the node's name as their first
 * argument. <b>Options</b> ({@link dev.pipeline.connectors.http.HttpOptions},
 * {@link dev.pipeline.connectors.http.HttpPostOptions},
 * {@link dev.pipeline.connectors.http.HttpIngestOptions}) are immutable values: each option
 * method returns a copy, and the method of the same name without arguments reads it back.
 */
package dev.pipeline.connectors.http;
