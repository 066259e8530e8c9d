package dev.pipeline.core.engine;

import java.util.function.Function;

/**
 * A fan-out node: a broadcast (every item to each branch) or a route (each item to the one
 * branch its selector names, or to {@code otherwise}; an item no branch takes goes to the
 * policy).
 *
 * @param name the node's name
 * @param kind broadcast or route
 * @param selector for a route: the name of an item's branch
 * @param otherwise for a route: the branch for names no branch has, or null
 * @param policy for a route: what happens to an item no branch takes, or whose selector throws
 */
public record FanOutDef(String name, Kind kind, Function<Object, String> selector, String otherwise, PolicyDef policy) {

    /** The two kinds of fan-out. */
    public enum Kind { BROADCAST, ROUTE }

    /** How many items a fan-out holds for its slowest branch (Reactor's {@code publish} prefetch). */
    public static final int PREFETCH = 256;

    public String label() {
        return kind == Kind.BROADCAST ? "broadcast" : "route";
    }

    public static FanOutDef broadcast(String name) {
        return new FanOutDef(name, Kind.BROADCAST, null, null, PolicyDef.FAIL_FAST);
    }
}
