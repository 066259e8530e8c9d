package dev.pipeline.core.aio;

import java.util.List;

/**
 * A {@link TaskGroup} failed: every failure of its body and children other than cancellation,
 * in the order they happened. asyncio's {@code ExceptionGroup} from a {@code TaskGroup}.
 *
 * <p>The first failure is also the {@linkplain #getCause() cause}, the others are
 * {@linkplain #getSuppressed() suppressed}, so stack traces show all of them.
 */
public final class TaskGroupException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<Throwable> exceptions;

    /**
     * Creates the exception.
     *
     * @param exceptions the failures, at least one
     */
    public TaskGroupException(List<Throwable> exceptions) {
        super(message(exceptions), exceptions.isEmpty() ? null : exceptions.get(0));
        this.exceptions = List.copyOf(exceptions);
        for (int i = 1; i < this.exceptions.size(); i++) {
            addSuppressed(this.exceptions.get(i));
        }
    }

    /**
     * Every failure of the group other than cancellation, in the order they happened.
     *
     * @return an unmodifiable list with at least one element
     */
    public List<Throwable> getExceptions() {
        return exceptions;
    }

    private static String message(List<Throwable> exceptions) {
        int n = exceptions.size();
        StringBuilder sb = new StringBuilder()
                .append(n).append(n == 1 ? " unhandled error" : " unhandled errors").append(" in a TaskGroup");
        for (int i = 0; i < Math.min(n, 3); i++) {
            sb.append(i == 0 ? ": " : "; ").append(exceptions.get(i));
        }
        if (n > 3) {
            sb.append("; ...");
        }
        return sb.toString();
    }
}
