package dev.pipeline.core.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * {@code Stage.batch}: lists of at most {@code maxSize}, emitted when full or {@code maxWait}
 * after their first item, with fair backpressure (Reactor's {@code bufferTimeout(..., true)}).
 * Counted in items; the lists are its outputs.
 */
public record BatchStage(StageOptions options, int maxSize, Duration maxWait) implements StageDef {

    @Override
    public BatchStage withOptions(StageOptions options) {
        return new BatchStage(options, maxSize, maxWait);
    }

    @Override
    public String label() {
        return "batch";
    }

    @Override
    public Set<Option> accepts() {
        return Set.of();
    }

    @Override
    public boolean oneToOne() {
        return false;
    }

    @Override
    public Flux<Object> apply(Flux<Object> in, NodeRun node) {
        return in
                .bufferTimeout(maxSize, maxWait, Schedulers.parallel(), true)
                .map(list -> {
                    node.copy.emitted(list.size());
                    node.copy.output();
                    return node.tracked ? grouped(list) : (Object) list;
                });
    }

    /** A batch of tracked items: the list of their values, with one ticket that settles every member. */
    private static Object grouped(List<Object> items) {
        List<Ticket> members = null;
        List<Object> values = new ArrayList<>(items.size());
        for (Object item : items) {
            if (item instanceof Tracked t) {
                if (members == null) {
                    members = new ArrayList<>(items.size());
                }
                members.add(t.ticket);
                values.add(t.value);
            } else {
                values.add(item);
            }
        }
        return members == null ? items : new Tracked(values, Ticket.group(members));
    }
}
