package dev.pipeline.core.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.pipeline.core.StageReport;
import reactor.core.scheduler.Schedulers;

/**
 * A pipeline as a picture: Mermaid flowchart or Graphviz DOT text, drawn from the nodes and
 * edges a run of it would have (assembled, never subscribed), optionally with a report's counts.
 */
public final class Diagram {

    private Diagram() {
    }

    /** A node and the edges into it, as drawn. */
    private record Box(String id, NodeAccount node, StageReport counts) {
    }

    /** The nodes of {@code graph}, assembled into a throwaway run that is never subscribed. */
    private static List<Box> boxes(String pipeline, GraphDef graph, List<StageReport> counts) {
        RunContext ctx = new RunContext(pipeline, Schedulers.parallel(), List.of(), false);
        try {
            Assembler.run(graph, ctx);
        } finally {
            ctx.close();
        }
        Map<String, StageReport> byName = new HashMap<>();
        if (counts != null) {
            counts.forEach(s -> byName.put(s.name(), s));
        }
        List<Box> boxes = new ArrayList<>();
        List<NodeAccount> nodes = ctx.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            boxes.add(new Box("n" + i, nodes.get(i), byName.get(nodes.get(i).name)));
        }
        return boxes;
    }

    private static String text(Box b, String newline) {
        StringBuilder sb = new StringBuilder(b.node.name).append(newline).append(b.node.kind);
        StageReport s = b.counts;
        if (s != null) {
            sb.append(newline).append(s.received()).append(" in, ").append(s.emitted()).append(" out");
            long dropped = s.filtered() + s.skipped() + s.deadLettered() + s.failed();
            if (dropped > 0) {
                sb.append(", ").append(dropped).append(" dropped");
            }
            if (s.inFlight() > 0) {
                sb.append(", ").append(s.inFlight()).append(" in flight");
            }
        }
        return sb.toString().replace('"', '\'');
    }

    /** The label of the edge from {@code from} (outlet {@code outlet}) to a node: the branch, and its count. */
    private static String label(Box from, int outlet) {
        String branch = outlet < 0 ? "" : from.node.outletNames().get(outlet);
        StageReport s = from.counts;
        if (s == null) {
            return branch;
        }
        long n = outlet < 0 ? s.outputs() : s.outlets().getOrDefault(branch, 0L);
        return (branch.isEmpty() ? "" : branch + ": ") + String.format(Locale.ROOT, "%d", n);
    }

    private static Map<NodeAccount, Box> index(List<Box> boxes) {
        Map<NodeAccount, Box> byNode = new HashMap<>();
        boxes.forEach(b -> byNode.put(b.node, b));
        return byNode;
    }

    public static String mermaid(String pipeline, GraphDef graph, List<StageReport> counts) {
        List<Box> boxes = boxes(pipeline, graph, counts);
        Map<NodeAccount, Box> byNode = index(boxes);
        Map<String, Box> byName = new HashMap<>();
        boxes.forEach(b -> byName.put(b.node.name, b));
        StringBuilder sb = new StringBuilder("flowchart LR\n");
        for (Box b : boxes) {
            sb.append("  ").append(b.id).append("[\"").append(text(b, "<br/>")).append("\"]\n");
        }
        for (Box b : boxes) {
            for (NodeAccount.Edge e : b.node.upstream()) {
                String label = label(byNode.get(e.from()), e.outlet());
                sb.append("  ").append(byNode.get(e.from()).id).append(label.isEmpty() ? " --> " : " -->|" + label + "| ")
                        .append(b.id).append('\n');
            }
            Box dead = b.node.deadLetters() == null ? null : byName.get(b.node.deadLetters());
            if (dead != null) {
                String n = b.counts == null ? "" : ": " + b.counts.deadLettered();
                sb.append("  ").append(b.id).append(" -.->|dead letters").append(n).append("| ").append(dead.id).append('\n');
            }
        }
        return sb.toString();
    }

    public static String dot(String pipeline, GraphDef graph, List<StageReport> counts) {
        List<Box> boxes = boxes(pipeline, graph, counts);
        Map<NodeAccount, Box> byNode = index(boxes);
        Map<String, Box> byName = new HashMap<>();
        boxes.forEach(b -> byName.put(b.node.name, b));
        StringBuilder sb = new StringBuilder("digraph \"").append(pipeline.replace('"', '\'')).append("\" {\n")
                .append("  rankdir=LR;\n  node [shape=box];\n");
        for (Box b : boxes) {
            sb.append("  ").append(b.id).append(" [label=\"").append(text(b, "\\n")).append("\"];\n");
        }
        for (Box b : boxes) {
            for (NodeAccount.Edge e : b.node.upstream()) {
                String label = label(byNode.get(e.from()), e.outlet());
                sb.append("  ").append(byNode.get(e.from()).id).append(" -> ").append(b.id)
                        .append(label.isEmpty() ? "" : " [label=\"" + label.replace('"', '\'') + "\"]").append(";\n");
            }
            Box dead = b.node.deadLetters() == null ? null : byName.get(b.node.deadLetters());
            if (dead != null) {
                String n = b.counts == null ? "" : ": " + b.counts.deadLettered();
                sb.append("  ").append(b.id).append(" -> ").append(dead.id).append(" [style=dashed, label=\"dead letters")
                        .append(n).append("\"];\n");
            }
        }
        return sb.append("}\n").toString();
    }
}
