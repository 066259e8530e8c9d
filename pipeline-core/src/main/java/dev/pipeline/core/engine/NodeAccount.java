package dev.pipeline.core.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;

import dev.pipeline.core.StageReport;

/**
 * The accounting of one node (source, stage, buffer, fan-out, merge, sink) in one run: one
 * {@link Cell} per copy (workers run several), summed into a {@link StageReport}. Every count a
 * run keeps is in a node's cells; nothing else counts items.
 *
 * <p>A node does not count what it receives: what it received is what its upstream nodes passed
 * on to it, read from their cells (the {@link Edge edges} into it). Handing an item from one
 * node to the next is one event and one counter, so the nodes' accounts agree with each other at
 * every instant: an item is never counted as sent by one node and not received by the next
 * (items waiting in an operator's queue between the two belong to the receiver's in-flight
 * count). A fan-out node counts what it passed to each branch in that branch's outlet.
 *
 * <p>The terms of the invariant, per node, in input items:
 * {@code received == emitted + filtered + skipped + deadLettered + failed + inFlight}. For a
 * broadcast an item is emitted once every branch has it; for a route once the branch it was sent
 * to has it.
 */
public final class NodeAccount {

    /** What kind of fan-out a node is, if any. */
    enum FanOut { NONE, BROADCAST, ROUTE }

    /** Items flowing from a node (its main output, or one outlet of a fan-out) into another. */
    record Edge(NodeAccount from, int outlet) {
    }

    final String name;
    final String kind;
    final boolean itemized;
    /** The branch the node is on, "" on the main line. */
    final String branch;
    private final List<Edge> upstream = new CopyOnWriteArrayList<>();
    private final List<Cell> cells = new CopyOnWriteArrayList<>();
    private final List<String> outletNames = new CopyOnWriteArrayList<>();
    private final List<List<Cell>> outlets = new CopyOnWriteArrayList<>();
    private volatile IntSupplier queueHighWater;
    private volatile boolean outputsAreEmitted;
    private volatile boolean ownReceipt;
    private volatile int workers;
    private volatile FanOut fanOut = FanOut.NONE;
    /** The dead-letter sink its failed items go to, or null. */
    private volatile String deadLetters;

    NodeAccount(String name, String kind, boolean itemized, String branch) {
        this.name = name;
        this.kind = kind;
        this.itemized = itemized;
        this.branch = branch;
    }

    /** Items come into this node from {@code from}'s main output. */
    void from(NodeAccount from) {
        upstream.add(new Edge(from, -1));
    }

    /** Items come into this node from outlet {@code outlet} of fan-out {@code from}. */
    void from(NodeAccount from, int outlet) {
        upstream.add(new Edge(from, outlet));
    }

    List<Edge> upstream() {
        return upstream;
    }

    /** The counters of a new copy of this node. */
    Cell newCell() {
        Cell c = new Cell();
        cells.add(c);
        return c;
    }

    /** Makes this node a fan-out with these branches (outlets, in order). */
    void fanOut(FanOut kind, List<String> branches) {
        this.fanOut = kind;
        for (String b : branches) {
            outletNames.add(b);
            outlets.add(new CopyOnWriteArrayList<>());
        }
    }

    /** The counter of what one copy of this fan-out passed to branch {@code outlet} (single writer: that branch's path). */
    Cell newOutletCell(int outlet) {
        Cell c = new Cell();
        outlets.get(outlet).add(c);
        return c;
    }

    void deadLettersTo(String sink) {
        this.deadLetters = sink;
    }

    String deadLetters() {
        return deadLetters;
    }

    void queue(IntSupplier highWater, int workerCount) {
        this.queueHighWater = highWater;
        this.workers = workerCount;
    }

    /** An item-to-item node: what it produced is what it emitted. */
    void outputsAreEmitted(boolean yes) {
        this.outputsAreEmitted = yes;
    }

    /** A node without an upstream node that counts its own receipts (a dead-letter sink). */
    void ownReceipt() {
        this.ownReceipt = true;
    }

    /** What this node has received so far (live, for sinks that count a whole stream at once). */
    long receivedNow() {
        if (ownReceipt) {
            long r = 0;
            for (Cell c : cells) {
                r += c.readReceived();
            }
            return r;
        }
        long r = 0;
        for (Edge e : upstream) {
            r += e.outlet < 0 ? e.from.outputsNow() : e.from.outletNow(e.outlet);
        }
        return r;
    }

    long emittedNow() {
        long e = 0;
        for (Cell c : cells) {
            e += c.readEmitted();
        }
        return e;
    }

    private long outputsNow() {
        if (outputsAreEmitted) {
            return emittedNow();
        }
        long o = 0;
        for (Cell c : cells) {
            o += c.readOutputs();
        }
        return o;
    }

    private long outletNow(int outlet) {
        long n = 0;
        for (Cell c : outlets.get(outlet)) {
            n += c.readEmitted();
        }
        return n;
    }

    /** Raw counters read in one pass: outcomes and outlets first, then (for own receipt) received. */
    final class Raw {
        long emitted;
        long outputs;
        long filtered;
        long skipped;
        long dead;
        long failed;
        long retried;
        long busy;
        long ownReceived;
        long[] outletCounts = new long[0];

        StageReport report(long received, List<StageReport.Inlet> upstreamNames) {
            long resolved = emitted + filtered + skipped + dead + failed;
            long inFlight = itemized ? Math.max(0, received - resolved) : 0;
            IntSupplier q = queueHighWater;
            int copies = workers > 0 ? workers : Math.max(1, cells.size());
            Map<String, Long> byBranch = new LinkedHashMap<>();
            for (int i = 0; i < outletCounts.length; i++) {
                byBranch.put(outletNames.get(i), outletCounts[i]);
            }
            return new StageReport(name, kind, itemized, received, emitted, outputs, filtered, skipped, dead, failed,
                    retried, inFlight, q == null ? -1 : q.getAsInt(), copies, Duration.ofNanos(busy), upstreamNames,
                    branch, byBranch);
        }
    }

    Raw read() {
        Raw r = new Raw();
        for (Cell c : cells) {
            r.emitted += c.readEmitted();
            r.outputs += c.readOutputs();
            r.filtered += c.readFiltered();
            r.skipped += c.readSkipped();
            r.dead += c.readDeadLettered();
            r.failed += c.readFailed();
            r.retried += c.readRetried();
            r.busy += c.readBusyNanos();
        }
        if (fanOut != FanOut.NONE) {
            r.outletCounts = new long[outlets.size()];
            long sum = 0;
            long min = Long.MAX_VALUE;
            for (int i = 0; i < outlets.size(); i++) {
                long n = 0;
                for (Cell c : outlets.get(i)) {
                    n += c.readEmitted();
                }
                r.outletCounts[i] = n;
                sum += n;
                min = Math.min(min, n);
            }
            r.outputs = sum;
            // a broadcast item is done once every branch has it (each branch gets the items in the same order)
            r.emitted = fanOut == FanOut.BROADCAST ? (outlets.isEmpty() ? 0 : min) : sum;
        } else if (outputsAreEmitted) {
            r.outputs = r.emitted;
        }
        if (ownReceipt) {
            for (Cell c : cells) {
                r.ownReceived += c.readReceived();
            }
        }
        return r;
    }

    /** What this node received, given the raw counters of every node (its upstreams' outputs to it). */
    long received(Raw own, Map<NodeAccount, Raw> raw) {
        if (!upstream.isEmpty()) {
            long r = 0;
            for (Edge e : upstream) {
                Raw from = raw.get(e.from);
                r += e.outlet < 0 ? from.outputs : from.outletCounts[e.outlet];
            }
            return r;
        }
        if (ownReceipt) {
            return own.ownReceived;
        }
        // a source: everything it produced, passed on or rejected
        return own.emitted + own.filtered + own.skipped + own.dead + own.failed;
    }

    List<StageReport.Inlet> upstreamNames() {
        List<StageReport.Inlet> names = new ArrayList<>(upstream.size());
        for (Edge e : upstream) {
            names.add(new StageReport.Inlet(e.from.name, e.outlet < 0 ? "" : e.from.outletNames.get(e.outlet)));
        }
        return names;
    }

    /** The names of this fan-out's branches, in outlet order. */
    List<String> outletNames() {
        return outletNames;
    }
}
