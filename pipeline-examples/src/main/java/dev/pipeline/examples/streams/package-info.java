/**
 * Examples of asyncio's streams and subprocesses: the TCP echo server and client, and
 * subprocesses run concurrently or fed by a pipeline.
 */
package dev.pipeline.examples.streams;
