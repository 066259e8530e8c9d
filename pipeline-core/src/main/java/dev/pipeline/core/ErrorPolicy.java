package dev.pipeline.core;

import dev.pipeline.core.engine.PolicyDef;
import dev.pipeline.core.internal.Require;

/**
 * What a stage does with an item it failed on, after its retries are spent.
 *
 * <ul>
 *   <li>{@link #failFast()} (the default): the run fails with a {@link PipelineException}
 *       naming the stage and the item; items in flight elsewhere are cut off.</li>
 *   <li>{@link #skip()}: the item is dropped, counted as skipped and logged (one WARN line
 *       with the stage, the item and the error); the rest flows on.</li>
 *   <li>{@link #deadLetter(Sink)}: the item goes to a dead-letter sink as a
 *       {@link DeadLetter} (stage, item, error, attempts); the rest flows on. The dead-letter
 *       sink runs beside the pipeline behind a bounded hand-off, so a slow one slows the stage
 *       down instead of losing letters; if it fails, the run fails.</li>
 * </ul>
 *
 * <pre>{@code
 * Stage<String, Order> parse = Stage.map("parse", Order::parse)
 *         .onError(ErrorPolicy.deadLetter(FileSinks.ndjson(Path.of("bad-orders.ndjson"))));
 * }</pre>
 *
 * Immutable; one policy (and one dead-letter sink) may serve many stages.
 */
public final class ErrorPolicy {

    private static final ErrorPolicy FAIL_FAST = new ErrorPolicy(PolicyDef.FAIL_FAST);
    private static final ErrorPolicy SKIP = new ErrorPolicy(PolicyDef.SKIP);

    /** Default capacity of the hand-off to a dead-letter sink. */
    public static final int DEFAULT_DEAD_LETTER_BUFFER = 256;

    /** What the engine applies. */
    final PolicyDef def;

    private ErrorPolicy(PolicyDef def) {
        this.def = def;
    }

    /**
     * Fail the run on the first item that fails (the default).
     *
     * @return the fail-fast policy
     */
    public static ErrorPolicy failFast() {
        return FAIL_FAST;
    }

    /**
     * Drop failed items, counting and logging each.
     *
     * @return the skip policy
     */
    public static ErrorPolicy skip() {
        return SKIP;
    }

    /**
     * Send failed items to {@code sink} as {@link DeadLetter}s, through a bounded hand-off of
     * {@value #DEFAULT_DEAD_LETTER_BUFFER}.
     *
     * @param sink the dead-letter sink; it runs once per pipeline run
     * @return a dead-letter policy
     */
    public static ErrorPolicy deadLetter(Sink<DeadLetter<?>, ?> sink) {
        return deadLetter(sink, DEFAULT_DEAD_LETTER_BUFFER);
    }

    /**
     * Send failed items to {@code sink} through a hand-off of {@code bufferCapacity} letters;
     * when it is full, the failing stage waits.
     *
     * @param sink the dead-letter sink
     * @param bufferCapacity the hand-off's capacity, {@code > 0}
     * @return a dead-letter policy
     */
    public static ErrorPolicy deadLetter(Sink<DeadLetter<?>, ?> sink, int bufferCapacity) {
        Require.nonNull(sink, "sink");
        return new ErrorPolicy(new PolicyDef(PolicyDef.Kind.DEAD_LETTER, sink.def, Require.positive(bufferCapacity, "bufferCapacity")));
    }

    @Override
    public String toString() {
        return def.toString();
    }
}
