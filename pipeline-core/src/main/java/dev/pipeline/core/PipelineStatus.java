package dev.pipeline.core;

/** How a pipeline run stands or ended. */
public enum PipelineStatus {
    /** Still running. */
    RUNNING,
    /** The source completed and every item reached the end. */
    COMPLETED,
    /** An error stopped the run (a fail-fast stage, a failing sink or dead-letter sink). */
    FAILED,
    /** {@link RunningPipeline#stop} stopped taking from the source; in-flight items finished or were cut off. */
    STOPPED,
    /** The run was cancelled; items in flight were cut off. */
    CANCELLED
}
