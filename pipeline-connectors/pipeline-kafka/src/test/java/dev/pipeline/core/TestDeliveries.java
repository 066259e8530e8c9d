package dev.pipeline.core;

/**
 * Settles a {@link Delivery} as the engine would, for tests that drive a connector's delivery
 * Flux directly (the engine's settling is not what they test).
 */
public final class TestDeliveries {

    private TestDeliveries() {
    }

    /** Tells {@code delivery}'s source it left the pipeline as {@code how}. */
    public static void settle(Delivery<?> delivery, Settlement how) {
        delivery.settle(how);
    }

    /** Tells {@code delivery}'s source it was stored. */
    public static void stored(Delivery<?> delivery) {
        delivery.settle(Settlement.STORED);
    }
}
