/**
 * Subprocesses for pipelines, after asyncio's {@code create_subprocess_exec}: a
 * {@link dev.pipeline.connectors.process.Command} (an argument vector, never a shell string
 * unless {@link dev.pipeline.connectors.process.Command#shell asked for}),
 * {@link dev.pipeline.connectors.process.Processes} to run one,
 * {@link dev.pipeline.connectors.process.ProcessStages} to run one per item or stream items
 * through a long-running one, and {@link dev.pipeline.connectors.process.ProcessSources}. Output
 * is bounded, non-zero exits and timeouts are typed errors, and the process tree is killed when
 * its run ends. See docs/connectors/processes.md.
 */
package dev.pipeline.connectors.process;
