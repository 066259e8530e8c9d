/**
 * A demo and test fixture: {@link dev.pipeline.connectors.http.demo.DemoApiServer}, a small local
 * HTTP API with synthetic data and switchable faults, so examples and tests run with no internet.
 * Not meant for production use. Its configuration is an immutable
 * {@link dev.pipeline.connectors.http.demo.DemoApiOptions}, given to
 * {@link dev.pipeline.connectors.http.demo.DemoApiServer#start(DemoApiOptions)}.
 */
package dev.pipeline.connectors.http.demo;
