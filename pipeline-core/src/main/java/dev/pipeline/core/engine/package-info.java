/**
 * The engine: how a pipeline described with {@code dev.pipeline.core}'s API runs. The API
 * objects hold definitions from here ({@link dev.pipeline.core.engine.StageDef},
 * {@link dev.pipeline.core.engine.SinkDef}, {@link dev.pipeline.core.engine.GraphDef}, ...);
 * {@link dev.pipeline.core.engine.Assembler} turns a definition into Reactor operators for one
 * run, {@link dev.pipeline.core.engine.Run} runs it, and
 * {@link dev.pipeline.core.engine.NodeAccount} keeps each node's accounting. See
 * docs/architecture.md. <strong>Not API:</strong> anything here may change or disappear in any
 * release; do not use it from application code.
 */
package dev.pipeline.core.engine;
