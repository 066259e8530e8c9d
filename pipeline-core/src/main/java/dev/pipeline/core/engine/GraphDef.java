package dev.pipeline.core.engine;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A whole pipeline: its chain (from a source or a merge, through stages, buffers and fan-outs)
 * and its sink, or no sink when every branch of its last fan-out ends in one. Checked when
 * built: names are unique across the whole graph, and a dead-letter sink does not dead-letter
 * itself. Cycles cannot be written: builders are immutable, so a chain can only be used where
 * it was made, and reusing one repeats its names, which the check refuses.
 *
 * @param chain the chain
 * @param sink the main sink, or null
 */
public record GraphDef(Chain chain, SinkDef sink) {

    /** Checks the graph; returns it. */
    public GraphDef validate() {
        checkNames(this);
        for (PolicyDef p : policies(this)) {
            if (p.deadLetter() && p.deadLetters().options().policy().deadLetter()) {
                throw new IllegalArgumentException("dead-letter sink '" + p.deadLetters().name()
                        + "' has a dead-letter policy itself; give it failFast() or skip()");
            }
        }
        return this;
    }

    /** Every node name in the graph, in order, with repeats (sources, merges, stages, buffers, fan-outs, sinks). */
    public static List<String> names(Chain chain, SinkDef sink) {
        List<String> all = new ArrayList<>();
        collect(chain, all);
        if (sink != null) {
            all.add(sink.name());
        }
        return all;
    }

    private static void collect(Chain chain, List<String> all) {
        if (chain.head() instanceof Chain.SourceHead s) {
            all.add(s.source().name());
        } else if (chain.head() instanceof Chain.MergeHead m) {
            for (Chain input : m.inputs()) {
                collect(input, all);
            }
            all.add(m.name());
        }
        collectSteps(chain.steps(), all);
    }

    private static void collectSteps(List<Step> steps, List<String> all) {
        for (Step step : steps) {
            all.addAll(step.names());
            if (step instanceof Step.FanOutStep f) {
                for (BranchDef b : f.branches()) {
                    collectSteps(b.steps(), all);
                    if (b.sink() != null) {
                        all.add(b.sink().name());
                    }
                }
            }
        }
    }

    static void checkNames(GraphDef g) {
        Set<String> seen = new HashSet<>();
        for (String n : names(g.chain(), g.sink())) {
            if (!seen.add(n)) {
                throw new IllegalArgumentException("the name '" + n + "' is used twice in this pipeline; every source, "
                        + "stage, buffer, fan-out, merge and sink needs its own name (they key the report)");
            }
        }
    }

    /** Every error policy in the graph. */
    static List<PolicyDef> policies(GraphDef g) {
        List<PolicyDef> all = new ArrayList<>();
        policies(g.chain(), all);
        if (g.sink() != null) {
            all.add(g.sink().options().policy());
        }
        return all;
    }

    private static void policies(Chain chain, List<PolicyDef> all) {
        if (chain.head() instanceof Chain.SourceHead s) {
            all.add(s.source().policy());
        } else if (chain.head() instanceof Chain.MergeHead m) {
            m.inputs().forEach(i -> policies(i, all));
        }
        stepPolicies(chain.steps(), all);
    }

    private static void stepPolicies(List<Step> steps, List<PolicyDef> all) {
        for (Step step : steps) {
            if (step instanceof Step.StageStep s) {
                all.add(s.stage().options().policy());
            } else if (step instanceof Step.FanOutStep f) {
                all.add(f.fanOut().policy());
                for (BranchDef b : f.branches()) {
                    stepPolicies(b.steps(), all);
                    if (b.sink() != null) {
                        all.add(b.sink().options().policy());
                    }
                }
            }
        }
    }

    /** The names of the branches that rejoin after the last fan-out of {@code chain}, by fan-out name. */
    public static Map<String, List<String>> rejoining(Chain chain) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Step step : chain.steps()) {
            if (step instanceof Step.FanOutStep f) {
                List<String> names = new ArrayList<>();
                f.branches().stream().filter(BranchDef::rejoins).forEach(b -> names.add(b.name()));
                if (!names.isEmpty()) {
                    out.put(f.fanOut().name(), names);
                }
            }
        }
        return out;
    }
}
