package dev.pipeline.core;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What one circuit breaker did during a run: the stages and sinks that call through it, its
 * state at the time of the report, the state changes this run saw (with their time since the
 * run started), and how many calls it refused, each of them an item that failed fast and went
 * to its stage's {@link ErrorPolicy} with a {@link CircuitOpenException}.
 *
 * @see PipelineReport#breakers()
 */
public final class CircuitBreakerReport {

    /**
     * One state change.
     *
     * @param from the state before (CLOSED, OPEN, HALF_OPEN, ...)
     * @param to the state after
     * @param at when, since the run started
     */
    public record Transition(String from, String to, Duration at) {
        @Override
        public String toString() {
            return from + "->" + to + String.format(Locale.ROOT, " at %.3f s", at.toNanos() / 1e9);
        }
    }

    private final String name;
    private final List<String> nodes;
    private final String state;
    private final List<Transition> transitions;
    private final long transitionCount;
    private final long shortCircuited;

    CircuitBreakerReport(String name, List<String> nodes, String state, List<Transition> transitions,
            long transitionCount, long shortCircuited) {
        this.name = name;
        this.nodes = List.copyOf(nodes);
        this.state = state;
        this.transitions = List.copyOf(transitions);
        this.transitionCount = transitionCount;
        this.shortCircuited = shortCircuited;
    }

    /** @return the breaker's name */
    public String name() {
        return name;
    }

    /** @return the stages and sinks of this pipeline that call through it */
    public List<String> nodes() {
        return nodes;
    }

    /** @return its state when the report was taken: CLOSED, OPEN, HALF_OPEN, ... */
    public String state() {
        return state;
    }

    /**
     * The state changes this run saw, oldest first; after the first 64
     * only the count grows ({@link #transitionCount()}).
     *
     * @return the transitions kept
     */
    public List<Transition> transitions() {
        return transitions;
    }

    /** @return how many state changes this run saw, kept or not */
    public long transitionCount() {
        return transitionCount;
    }

    /** @return calls it refused during this run (items failed fast with a {@link CircuitOpenException}) */
    public long shortCircuited() {
        return shortCircuited;
    }

    @Override
    public String toString() {
        return "circuit breaker '" + name + "' (" + String.join(", ", nodes) + "): " + state + ", "
                + shortCircuited + " short-circuited" + (transitions.isEmpty() ? "" : ", " + transitions)
                + (transitionCount > transitions.size() ? " and " + (transitionCount - transitions.size()) + " more" : "");
    }
}
