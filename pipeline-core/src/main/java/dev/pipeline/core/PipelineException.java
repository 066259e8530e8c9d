package dev.pipeline.core;

import java.util.Optional;

import dev.pipeline.core.internal.Access;
import dev.pipeline.core.internal.Items;

/**
 * A pipeline failed: names the stage (or source, buffer, sink), the item when one is known,
 * and the attempts made on it. The cause is the original failure. The exception that fails a
 * run carries the run's final {@linkplain #report() report}.
 */
public class PipelineException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String stage;
    private final transient Object item;
    private final int attempts;
    private transient volatile PipelineReport<?> report;

    static {
        Access.register(PipelineException::attachReport);
    }

    /**
     * A failure of {@code stage} on {@code item}.
     *
     * @param stage the stage name
     * @param item the item (null when no single item is to blame)
     * @param attempts attempts made on the item (0 when not item-specific)
     * @param cause the original failure
     */
    public PipelineException(String stage, Object item, int attempts, Throwable cause) {
        super(message(stage, item, attempts, cause), cause);
        this.stage = stage;
        this.item = item;
        this.attempts = attempts;
    }

    /**
     * A failure of {@code stage} not tied to one item.
     *
     * @param stage the stage name
     * @param message what went wrong
     * @param cause the original failure, or null
     */
    public PipelineException(String stage, String message, Throwable cause) {
        super("stage '" + stage + "': " + message, cause);
        this.stage = stage;
        this.item = null;
        this.attempts = 0;
    }

    private static String message(String stage, Object item, int attempts, Throwable cause) {
        StringBuilder sb = new StringBuilder("stage '").append(stage).append("' failed");
        if (item != null) {
            sb.append(" on item ").append(Items.describe(item));
        }
        if (attempts > 1) {
            sb.append(" after ").append(attempts).append(" attempts");
        }
        if (cause != null) {
            String m = cause.getMessage();
            sb.append(": ").append(cause.getClass().getSimpleName());
            if (m != null) {
                sb.append(": ").append(m);
            }
        }
        return sb.toString();
    }

    /**
     * The stage that failed.
     *
     * @return the stage name
     */
    public String stage() {
        return stage;
    }

    /**
     * The item the stage failed on, if one is to blame.
     *
     * @return the item
     */
    public Optional<Object> item() {
        return Optional.ofNullable(item);
    }

    /**
     * Attempts made on the item (retries included); 0 when not item-specific.
     *
     * @return the attempts
     */
    public int attempts() {
        return attempts;
    }

    /**
     * The final report of the run this exception failed, once the run has ended.
     *
     * @return the report
     */
    public Optional<PipelineReport<?>> report() {
        return Optional.ofNullable(report);
    }

    private void attachReport(PipelineReport<?> finalReport) {
        if (report == null) {
            report = finalReport;
        }
    }
}
