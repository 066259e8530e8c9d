package dev.pipeline.core.engine;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.pipeline.core.DeadLetter;
import dev.pipeline.core.PipelineException;
import dev.pipeline.core.aio.AsyncQueue;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Builds one run from a pipeline's definition: the chain from its source or merge, its stages
 * (each run of consecutive inline stages fused into one operator), buffers (each feeding
 * {@code workers} copies of the steps after it), fan-outs (a {@code publish} shared by the
 * branches, which move at the pace of the slowest), the sinks at the ends of branches, the main
 * sink, and the dead-letter sinks beside them. Every node's account is made here, with the edges
 * its items come in by.
 */
public final class Assembler {

    /**
     * What flows out of a compiled chain: its lanes (one, or one per worker after a buffer; they
     * are merged by whoever consumes them) and the edges their items come from. Closed (no lanes)
     * once every branch of a fan-out ended in a sink.
     */
    private record Flow(List<Flux<Object>> lanes, List<NodeAccount.Edge> tails, boolean tracked) {
        static Flow of(Flux<Object> lane, NodeAccount from, boolean tracked) {
            return new Flow(List.of(lane), List.of(new NodeAccount.Edge(from, -1)), tracked);
        }
    }

    private final RunContext ctx;
    /** Monos that run beside the main sink: buffers' producer sides and the sinks that end branches. */
    private final List<Mono<?>> side = new ArrayList<>();

    private Assembler(RunContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Assembles one run now (its nodes exist once this returns; nothing is subscribed): every
     * flow and sink, and the dead-letter sinks, as a Mono of the main sink's result (null when
     * every branch ends in its own sink) or the run's error.
     */
    public static Mono<Object> run(GraphDef graph, RunContext ctx) {
        Assembler a = new Assembler(ctx);
        Flow flow = a.chain(graph.chain(), "", null);
        Object[] result = {null};
        List<Mono<?>> all = new ArrayList<>(a.side);
        if (graph.sink() != null) {
            all.add(a.sink(graph.sink(), flow, "").doOnNext(r -> result[0] = r));
        }
        Mono<Void> main = Mono.when(all);
        return a.withDeadLetters(main).then(Mono.fromSupplier(() -> result[0]));
    }

    /** The items that would reach a sink at the end of {@code chain}, as a Flux, with buffers, branch sinks and dead-letter sinks running. */
    public static Flux<Object> flux(Chain chain, RunContext ctx) {
        return Flux.defer(() -> new Assembler(ctx).fluxNow(chain)).doFinally(s -> {
            ctx.end();
            ctx.close();
        });
    }

    private Flux<Object> fluxNow(Chain chain) {
        Flow flow = chain(chain, "", null);
        Flux<Object> items = merged(flow.lanes());
        if (flow.tracked()) {
            items = Delivered.toSubscriber(items);
        }
        Flux<Object> main = side.isEmpty() ? items : Flux.merge(items, Mono.when(side).then(Mono.empty()));
        Map<SinkDef, AsyncQueue<RunContext.Letter>> channels = ctx.channels();
        if (channels.isEmpty()) {
            return main;
        }
        return Flux.mergeDelayError(32, main.doFinally(s -> shutdown(channels)),
                        Mono.whenDelayError(deadLetterSinks(channels)).then(Mono.empty()))
                .onErrorMap(e -> primary(e, channels));
    }

    private static Flux<Object> merged(List<Flux<Object>> lanes) {
        return lanes.size() == 1 ? lanes.get(0) : Flux.merge(lanes);
    }

    // ------------------------------------------------------------------ chains

    /**
     * A chain's head (its source or merge), or {@code in} for a branch, then its steps. A run of
     * inline stages right after the source rides on the source's own counting operator.
     */
    private Flow chain(Chain chain, String branch, Flow in) {
        List<Step> steps = chain.steps();
        Flow flow;
        int i = 0;
        if (chain.head() instanceof Chain.SourceHead s) {
            List<StageDef> inline = new ArrayList<>();
            while (i < steps.size() && steps.get(i) instanceof Step.StageStep st && st.stage().inline()) {
                inline.add(st.stage());
                i++;
            }
            flow = source(s.source(), inline, branch);
        } else if (chain.head() instanceof Chain.MergeHead m) {
            flow = merge(m, branch);
        } else {
            flow = in;
        }
        return steps(steps.subList(i, steps.size()), flow, branch);
    }

    private Flow steps(List<Step> steps, Flow flow, String branch) {
        List<StageDef> inline = new ArrayList<>();
        for (Step step : steps) {
            if (step instanceof Step.StageStep st && st.stage().inline()) {
                inline.add(st.stage());
                continue;
            }
            if (!inline.isEmpty()) {
                flow = inlineGroup(inline, flow, branch, null, null);
                inline = new ArrayList<>();
            }
            if (step instanceof Step.StageStep st) {
                flow = stage(st.stage(), flow, branch);
            } else if (step instanceof Step.BufferStep b) {
                flow = buffer(b, flow, branch);
            } else {
                flow = fanOut((Step.FanOutStep) step, flow, branch);
            }
        }
        if (!inline.isEmpty()) {
            flow = inlineGroup(inline, flow, branch, null, null);
        }
        return flow;
    }

    /** A node fed by {@code tails}. */
    private NodeAccount node(String name, String kind, boolean itemized, String branch, List<NodeAccount.Edge> tails) {
        NodeAccount node = ctx.node(name, kind, itemized, branch);
        for (NodeAccount.Edge e : tails) {
            if (e.outlet() < 0) {
                node.from(e.from());
            } else {
                node.from(e.from(), e.outlet());
            }
        }
        return node;
    }

    private NodeRun copyOf(NodeAccount node, String name, PolicyDef policy, dev.pipeline.core.Breaker breaker,
            boolean tracked) {
        if (policy.deadLetter()) {
            ctx.channel(policy); // the dead-letter sink starts with the run
            node.deadLettersTo(policy.deadLetters().name());
        }
        return new NodeRun(ctx, node, node.newCell(), name, policy, ctx.guard(breaker, name), tracked);
    }

    // ------------------------------------------------------------------ heads

    /** The source, counted and with its errors attributed by one operator, fused with the inline stages after it. */
    @SuppressWarnings("unchecked")
    private Flow source(SourceDef source, List<StageDef> inline, String branch) {
        NodeAccount node = node(source.name(), "source", true, branch, List.of());
        node.outputsAreEmitted(true);
        NodeRun run = copyOf(node, source.name(), source.policy(), null, false);
        dev.pipeline.core.StageContext sctx = ctx.contextFor(run);
        Flux<Object> items = Flux.defer(() -> Flux.from((org.reactivestreams.Publisher<Object>) java.util.Objects.requireNonNull(
                source.factory().apply(sctx), "source '" + source.name() + "' returned null")));
        if (source.acknowledged()) {
            // each delivery becomes its value with a fresh ticket; nothing else changes on the source's path
            AckAccount acks = ctx.ackAccount(source.name());
            String name = source.name();
            items = items.map(d -> {
                if (!(d instanceof dev.pipeline.core.Delivery<?> delivery)) {
                    throw new PipelineException(name, "an acknowledged source must emit Delivery objects, got " + d.getClass().getName(), null);
                }
                return acks.admit(delivery);
            });
        }
        if (ctx.stoppable) {
            // the graceful-stop valve serializes every item, so only runs that can be stopped have it
            items = items.takeUntilOther(ctx.stopSignal());
        }
        items = items.name(source.name()).tag("pipeline", ctx.pipeline);
        return inlineGroup(inline, Flow.of(items, node, source.acknowledged()), branch, source.name(), run.copy);
    }

    /** Several chains into one: the merge node counts what it passes on; items waiting in the merge are its own. */
    private Flow merge(Chain.MergeHead m, String branch) {
        List<Flux<Object>> lanes = new ArrayList<>();
        List<NodeAccount.Edge> tails = new ArrayList<>();
        boolean tracked = false;
        for (Chain input : m.inputs()) {
            Flow f = chain(input, branch, null);
            lanes.addAll(f.lanes());
            tails.addAll(f.tails());
            tracked |= f.tracked();
        }
        NodeAccount node = node(m.name(), "merge", true, branch, tails);
        node.outputsAreEmitted(true);
        Cell cell = node.newCell();
        Flux<Object> out = Flux.merge(lanes).handle((item, sink) -> {
            cell.emitted();
            sink.next(item);
        });
        return Flow.of(out.name(m.name()).tag("pipeline", ctx.pipeline), node, tracked);
    }

    // ------------------------------------------------------------------ steps

    /**
     * Consecutive inline stages, four at a time, as {@link InlineOperator}s, one per lane: each
     * item runs through every stage in turn with each stage's own accounting and error policy.
     *
     * @param sourceName the source's name if the group follows it (then {@code sourceCell} counts
     *     the source's items and its errors are attributed to it), else null
     */
    private Flow inlineGroup(List<StageDef> stages, Flow flow, String branch, String sourceName, Cell sourceCell) {
        if (stages.isEmpty() && sourceName == null) {
            return flow;
        }
        List<NodeAccount> nodes = new ArrayList<>();
        List<NodeAccount.Edge> tails = flow.tails();
        for (StageDef stage : stages) {
            NodeAccount node = node(stage.name(), stage.label(), true, branch, tails);
            node.outputsAreEmitted(true);
            nodes.add(node);
            tails = List.of(new NodeAccount.Edge(node, -1));
        }
        String names = String.join("+", stages.stream().map(StageDef::name).toList());
        List<Flux<Object>> lanes = new ArrayList<>();
        for (Flux<Object> lane : flow.lanes()) {
            Flux<Object> out = lane;
            int from = 0;
            do {
                int to = Math.min(stages.size(), from + 4);
                InlineOperator.Step[] steps = new InlineOperator.Step[to - from];
                for (int i = from; i < to; i++) {
                    steps[i - from] = InlineOperator.Step.of(stages.get(i), nodes.get(i).newCell(), ctx, flow.tracked());
                }
                out = new InlineOperator(out, from == 0 ? sourceName : null, from == 0 ? sourceCell : null, steps);
                from += 4;
            } while (from < stages.size());
            lanes.add(names.isEmpty() ? out : out.name(names).tag("pipeline", ctx.pipeline));
        }
        return new Flow(lanes, tails, flow.tracked());
    }

    private Flow stage(StageDef stage, Flow flow, String branch) {
        NodeAccount node = node(stage.name(), stage.label(), stage.itemized(), branch, flow.tails());
        node.outputsAreEmitted(stage.oneToOne());
        List<Flux<Object>> lanes = new ArrayList<>();
        for (Flux<Object> lane : flow.lanes()) {
            NodeRun run = copyOf(node, stage.name(), stage.options().policy(), stage.options().breaker(), flow.tracked());
            lanes.add(stage.apply(lane, run).name(stage.name()).tag("pipeline", ctx.pipeline));
        }
        return new Flow(lanes, List.of(new NodeAccount.Edge(node, -1)), flow.tracked());
    }

    private Flow buffer(Step.BufferStep buffer, Flow flow, String branch) {
        AsyncQueue<Object> queue = AsyncQueue.bounded(buffer.capacity());
        NodeAccount node = node(buffer.name(), "buffer", true, branch, flow.tails());
        node.outputsAreEmitted(true);
        node.queue(queue::maxSize, buffer.workers());
        side.add(queue.putAll(merged(flow.lanes())).doFinally(s -> queue.shutdown()));
        List<Flux<Object>> workers = new ArrayList<>(buffer.workers());
        for (int w = 0; w < buffer.workers(); w++) {
            Cell out = node.newCell();
            workers.add(queue.asFlux().handle((item, sink) -> {
                out.emitted();
                sink.next(item);
            }));
        }
        return new Flow(workers, List.of(new NodeAccount.Edge(node, -1)), flow.tracked());
    }

    /**
     * A broadcast or route: one {@code publish} shared by the branches (bounded: it holds
     * {@value FanOutDef#PREFETCH} items and moves at the pace of the slowest branch; it
     * connects once every branch has subscribed and disconnects when all have cancelled).
     * Each branch counts what it got in its outlet; a route writes each item's branch to its
     * tags first (the items pass through the publish unwrapped), and each branch takes its own.
     */
    private Flow fanOut(Step.FanOutStep step, Flow flow, String branch) {
        FanOutDef fan = step.fanOut();
        List<BranchDef> branches = step.branches();
        NodeAccount node = node(fan.name(), fan.label(), true, branch, flow.tails());
        node.fanOut(fan.kind() == FanOutDef.Kind.BROADCAST ? NodeAccount.FanOut.BROADCAST : NodeAccount.FanOut.ROUTE,
                branches.stream().map(BranchDef::name).toList());
        Flux<Object> in = merged(flow.lanes());
        if (flow.tracked() && fan.kind() == FanOutDef.Kind.BROADCAST && branches.size() > 1) {
            // every branch gets the same (immutable) item: it takes one share per extra copy
            // before the publish can hand it to any branch, so no branch can settle it alone
            int copies = branches.size() - 1;
            in = in.map(item -> {
                if (item instanceof Tracked t) {
                    t.ticket.retain(copies);
                }
                return item;
            });
        }
        Flux<Object> shared;
        Routes.Tags tags = fan.kind() == FanOutDef.Kind.ROUTE ? new Routes.Tags(branches.size()) : null;
        if (fan.kind() == FanOutDef.Kind.ROUTE) {
            NodeRun run = copyOf(node, fan.name(), fan.policy(), null, flow.tracked());
            shared = Routes.tag(in, fan, branches, run, tags).publish(FanOutDef.PREFETCH).refCount(branches.size());
        } else {
            shared = in.publish(FanOutDef.PREFETCH).refCount(branches.size());
        }
        List<Flux<Object>> lanes = new ArrayList<>();
        List<NodeAccount.Edge> tails = new ArrayList<>();
        for (int i = 0; i < branches.size(); i++) {
            BranchDef b = branches.get(i);
            Cell outlet = node.newOutletCell(i);
            // the outlet is counted by an inline operator: the branch's side of the publish stays cheap
            Flux<Object> items = fan.kind() == FanOutDef.Kind.ROUTE ? Routes.take(shared, i, outlet, ctx, tags)
                    : new InlineOperator(shared, null, outlet, new InlineOperator.Step[0]);
            String path = (branch.isEmpty() ? "" : branch + "/") + fan.name() + "/" + b.name();
            Flow out = steps(b.steps(), new Flow(List.of(items), List.of(new NodeAccount.Edge(node, i)), flow.tracked()), path);
            if (b.rejoins()) {
                lanes.addAll(out.lanes());
                tails.addAll(out.tails());
            } else {
                side.add(sink(b.sink(), out, path));
            }
        }
        return new Flow(lanes, tails, flow.tracked());
    }

    // ------------------------------------------------------------------ sinks

    /** A sink consuming a flow's lanes (merged here, after each was counted by its upstream). */
    private Mono<Object> sink(SinkDef sink, Flow flow, String branch) {
        NodeAccount node = node(sink.name(), "sink", true, branch, flow.tails());
        node.outputsAreEmitted(true);
        NodeRun run = copyOf(node, sink.name(), sink.options().policy(), sink.options().breaker(), flow.tracked());
        return consume(sink, merged(flow.lanes()), run);
    }

    private Mono<Object> consume(SinkDef sink, Flux<Object> items, NodeRun run) {
        return sink.consume(items, run)
                .doOnSuccess(r -> ctx.result(sink.name(), r))
                .onErrorMap(e -> e instanceof PipelineException ? e
                        : new PipelineException(sink.name(), "the sink failed: " + e, e));
    }

    private Mono<Void> withDeadLetters(Mono<Void> main) {
        Map<SinkDef, AsyncQueue<RunContext.Letter>> channels = ctx.channels();
        if (channels.isEmpty()) {
            return main;
        }
        // the dead-letter sinks drain what the run sent them before the run's own error is signalled
        List<Mono<?>> all = new ArrayList<>(deadLetterSinks(channels));
        all.add(main.doFinally(s -> shutdown(channels)));
        return Mono.whenDelayError(all).onErrorMap(e -> primary(e, channels));
    }

    /** The dead-letter sinks: nodes without upstream that count the letters they take themselves. */
    private List<Mono<?>> deadLetterSinks(Map<SinkDef, AsyncQueue<RunContext.Letter>> channels) {
        List<Mono<?>> sinks = new ArrayList<>();
        channels.forEach((sink, channel) -> {
            NodeAccount node = node(sink.name(), "sink", true, "", List.of());
            node.outputsAreEmitted(true);
            node.ownReceipt();
            boolean tracked = ctx.acknowledged();
            NodeRun run = copyOf(node, sink.name(), sink.options().policy(), sink.options().breaker(), tracked);
            Flux<Object> letters = channel.asFlux().handle((letter, s) -> {
                // one event: dead-lettered at the sender, received here
                DeadLetter<Object> taken = letter.take();
                run.copy.received();
                // a letter of an acknowledged item settles it as dead-lettered once this sink is done with it
                s.next(letter.ticket == null ? taken : new Tracked(taken, Ticket.deadLetter(letter.ticket)));
            });
            sinks.add(consume(sink, letters, run)
                    // a failed dead-letter sink stops taking letters: stages that still send one fail
                    .doOnError(e -> channel.shutdown(true)));
        });
        return sinks;
    }

    private static void shutdown(Map<SinkDef, AsyncQueue<RunContext.Letter>> channels) {
        channels.values().forEach(AsyncQueue::shutdown);
    }

    /** Of several errors, the one to report: a dead-letter sink's own failure, else the first pipeline error. */
    private static Throwable primary(Throwable e, Map<SinkDef, AsyncQueue<RunContext.Letter>> channels) {
        List<Throwable> errors = Exceptions.unwrapMultiple(e);
        if (errors.size() <= 1) {
            return errors.isEmpty() ? e : errors.get(0);
        }
        Set<String> deadLetterSinks = new HashSet<>();
        channels.keySet().forEach(s -> deadLetterSinks.add(s.name()));
        Throwable chosen = null;
        for (Throwable t : errors) {
            if (t instanceof PipelineException p && deadLetterSinks.contains(p.stage())) {
                chosen = t;
                break;
            }
        }
        if (chosen == null) {
            chosen = errors.stream().filter(t -> t instanceof PipelineException).findFirst().orElse(errors.get(0));
        }
        for (Throwable t : errors) {
            if (t != chosen) {
                chosen.addSuppressed(t);
            }
        }
        return chosen;
    }
}
