package dev.pipeline.core;

import java.util.function.Function;

import dev.pipeline.core.engine.FanOutDef;
import dev.pipeline.core.internal.Require;

/**
 * How a {@link PipelineBuilder#route(Route, Branch[]) route} sends each item to exactly one
 * branch: a selector that names the item's branch, the branch for names no branch has
 * ({@link #otherwise}), and the policy for an item no branch takes (the selector throws, or
 * names an unknown branch and there is no {@code otherwise}). Immutable: each option returns a
 * copy.
 *
 * <pre>{@code
 * Route<Order> byCountry = Route.by("by-country", (Order o) -> o.country())
 *         .otherwise("rest")
 *         .onError(ErrorPolicy.deadLetter(unroutable));
 * }</pre>
 *
 * @param <T> the item type
 */
public final class Route<T> {

    final FanOutDef def;

    private Route(FanOutDef def) {
        this.def = def;
    }

    /**
     * A route named {@code name} that sends each item to the branch {@code selector} names.
     * No {@code otherwise} and fail-fast by default.
     *
     * @param name the route's name in the report
     * @param selector the name of an item's branch; called once per item on the thread that delivers it
     * @param <T> the item type
     * @return the route
     */
    @SuppressWarnings("unchecked")
    public static <T> Route<T> by(String name, Function<? super T, String> selector) {
        Require.nonNull(selector, "selector");
        return new Route<>(new FanOutDef(Require.nonBlank(name, "name"), FanOutDef.Kind.ROUTE,
                (Function<Object, String>) (Function<?, String>) selector, null, ErrorPolicy.failFast().def));
    }

    /**
     * The branch that takes the items whose name no branch has. Not set by default.
     *
     * @param branch the name of one of the route's branches
     * @return a copy with that default branch
     */
    public Route<T> otherwise(String branch) {
        return new Route<>(new FanOutDef(def.name(), def.kind(), def.selector(), Require.nonBlank(branch, "branch"),
                def.policy()));
    }

    /**
     * What happens to an item no branch takes: its selector threw, or it named no branch and
     * there is no {@link #otherwise}. Defaults to {@link ErrorPolicy#failFast()}: the run fails
     * naming the route, the item and the branches there are.
     *
     * @param policy the policy
     * @return a copy with that policy
     */
    public Route<T> onError(ErrorPolicy policy) {
        return new Route<>(new FanOutDef(def.name(), def.kind(), def.selector(), def.otherwise(),
                Require.nonNull(policy, "policy").def));
    }

    /** @return the route's name */
    public String name() {
        return def.name();
    }

    @Override
    public String toString() {
        return "Route[" + def.name() + (def.otherwise() != null ? ", otherwise " + def.otherwise() : "") + "]";
    }
}
