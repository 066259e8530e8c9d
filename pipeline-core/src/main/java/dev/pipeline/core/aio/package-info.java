/**
 * Python asyncio's concurrency vocabulary as non-blocking Reactor building blocks.
 */
package dev.pipeline.core.aio;
