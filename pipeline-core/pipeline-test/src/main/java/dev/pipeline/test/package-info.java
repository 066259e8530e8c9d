/**
 * The test kit for pipelines, sources and sinks: add {@code dev.pipeline:pipeline-test} with
 * test scope. It builds on reactor-test, AssertJ and JUnit 5.
 *
 * <ul>
 *   <li>{@link dev.pipeline.test.ProbeSource}: a source the test feeds, completes or fails step
 *       by step, within the demand the pipeline signals;</li>
 *   <li>{@link dev.pipeline.test.ProbeSink}: a sink the test requests from and asserts on;</li>
 *   <li>{@link dev.pipeline.test.PipelineAssertions}: AssertJ assertions that read like the
 *       report ({@code assertThat(report).stage("parse").emitted(3).deadLettered(1)});</li>
 *   <li>{@link dev.pipeline.test.VirtualTimeRun}: runs a whole pipeline in virtual time, built
 *       inside the virtual clock so that every delay, timeout and retry follows it;</li>
 *   <li>{@link dev.pipeline.test.SourceContract} and {@link dev.pipeline.test.SinkContract}: the
 *       contract tests a source or sink of your own inherits (after R2DBC's {@code TestKit});</li>
 *   <li>{@link dev.pipeline.test.BoundedStepVerifier}: a JUnit extension that bounds every
 *       {@code StepVerifier.verify()}.</li>
 * </ul>
 *
 * <p>Guide: {@code docs/testing.md}. The fake HTTP API for connector tests is its own artifact,
 * {@code dev.pipeline:pipeline-http-fake}.
 */
package dev.pipeline.test;
