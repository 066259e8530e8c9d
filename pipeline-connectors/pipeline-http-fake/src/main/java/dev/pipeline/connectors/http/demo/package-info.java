/**
 * A fake HTTP API for demos, tests and benchmarks (artifact {@code dev.pipeline:pipeline-http-fake},
 * kept out of the production jar {@code pipeline-http}):
 * {@link dev.pipeline.connectors.http.demo.DemoApiServer}, a small local HTTP API with synthetic
 * data, random faults by rate ({@link dev.pipeline.connectors.http.demo.DemoApiOptions}) and
 * faults scripted per request ({@link dev.pipeline.connectors.http.demo.Fault}: status,
 * Retry-After, connection reset, dropped body, malformed JSON, latency), so examples and tests
 * run with no internet. Not meant for production use.
 */
package dev.pipeline.connectors.http.demo;
