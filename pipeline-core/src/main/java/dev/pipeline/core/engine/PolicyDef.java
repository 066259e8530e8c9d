package dev.pipeline.core.engine;

/**
 * What a node does with an item it failed on: fail the run, skip it, or send it to a
 * dead-letter sink through a bounded hand-off.
 *
 * @param kind the policy
 * @param deadLetters the dead-letter sink (only for {@link Kind#DEAD_LETTER})
 * @param bufferCapacity the hand-off's capacity (only for {@link Kind#DEAD_LETTER})
 */
public record PolicyDef(Kind kind, SinkDef deadLetters, int bufferCapacity) {

    /** The three policies. */
    public enum Kind { FAIL_FAST, SKIP, DEAD_LETTER }

    public static final PolicyDef FAIL_FAST = new PolicyDef(Kind.FAIL_FAST, null, 0);
    public static final PolicyDef SKIP = new PolicyDef(Kind.SKIP, null, 0);

    public boolean deadLetter() {
        return kind == Kind.DEAD_LETTER;
    }

    @Override
    public String toString() {
        switch (kind) {
            case SKIP: return "skip";
            case DEAD_LETTER: return "deadLetter(" + deadLetters.name() + ")";
            default: return "failFast";
        }
    }
}
