package dev.pipeline.connectors.testing;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Netty 4.2's own BlockHound integration misses one short internal lock: the adaptive buffer
 * allocator takes a {@code StampedLock} write lock when it grows its set of magazines (on an
 * event loop, when many connections read at once). BlockHound then throws inside Netty's read
 * path, which stalls that connection (seen as a first request that never answers in a cold
 * JVM). Allowed here for tests only; production code does not run BlockHound. Registered through
 * {@code META-INF/services/reactor.blockhound.integration.BlockHoundIntegration}.
 */
public final class NettyBlockHoundGaps implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines");
    }
}
