package dev.pipeline.core;

/**
 * Hears about a run: its start, each item a stage rejected, and its end. Every method has an
 * empty default. Called on the pipeline's threads: keep it quick and never block.
 *
 * <pre>{@code
 * Pipeline<Void> p = Pipeline.from(source).then(parse).to(store)
 *         .withListener(new PipelineListener() {
 *             public void onFinish(PipelineReport<?> report) { log.info("\n{}", report); }
 *         });
 * }</pre>
 */
public interface PipelineListener {

    /**
     * The run started.
     *
     * @param run the running pipeline (for live reports)
     */
    default void onStart(RunningPipeline<?> run) {
    }

    /**
     * A stage gave up on an item and applied its error policy.
     *
     * @param stage the stage
     * @param item the item
     * @param error the failure
     * @param action what the policy did: "failed", "skipped" or "dead-lettered"
     */
    default void onItemRejected(String stage, Object item, Throwable error, String action) {
    }

    /**
     * The run ended.
     *
     * @param report the final report
     */
    default void onFinish(PipelineReport<?> report) {
    }
}
