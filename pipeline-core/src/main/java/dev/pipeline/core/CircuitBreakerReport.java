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
 * @param name the breaker's name
 * @param nodes the stages and sinks of this pipeline that call through it
 * @param state its state when the report was taken: CLOSED, OPEN, HALF_OPEN, ...
 * @param transitions the state changes this run saw, oldest first; after the first 64 only
 *     {@code transitionCount} grows
 * @param transitionCount how many state changes this run saw, kept or not
 * @param shortCircuited calls it refused during this run (items failed fast with a
 *     {@link CircuitOpenException})
 * @see PipelineReport#breakers()
 */
public record CircuitBreakerReport(String name, List<String> nodes, String state, List<Transition> transitions,
        long transitionCount, long shortCircuited) {

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

    /**
     * A report; the lists are copied, so that it never changes.
     *
     * @param name the breaker's name
     * @param nodes the stages and sinks that call through it
     * @param state its state
     * @param transitions the state changes kept
     * @param transitionCount all state changes seen
     * @param shortCircuited calls it refused
     */
    public CircuitBreakerReport {
        nodes = List.copyOf(nodes);
        transitions = List.copyOf(transitions);
    }

    @Override
    public String toString() {
        return "circuit breaker '" + name + "' (" + String.join(", ", nodes) + "): " + state + ", "
                + shortCircuited + " short-circuited" + (transitions.isEmpty() ? "" : ", " + transitions)
                + (transitionCount > transitions.size() ? " and " + (transitionCount - transitions.size()) + " more" : "");
    }
}
