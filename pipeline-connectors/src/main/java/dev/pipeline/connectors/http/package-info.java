/**
 * HTTP connectors on Reactor Netty: a client {@link dev.pipeline.connectors.http.HttpStages stage}
 * (one call per item, bounded concurrency, retries that respect {@code Retry-After}), an
 * {@link dev.pipeline.connectors.http.HttpSinks HTTP sink} that posts batches, and an
 * {@link dev.pipeline.connectors.http.HttpSources ingest server} that feeds a pipeline with real
 * backpressure. This is asyncio's aiohttp story: {@code ClientSession} with a semaphore, and an
 * {@code aiohttp.web} endpoint that puts into an {@code asyncio.Queue(maxsize)}.
 */
package dev.pipeline.connectors.http;
