/**
 * Implementation details of the asyncio toolkit: the waiter state machine, the per-thread
 * trampoline, timers and the hand-written publishers behind {@code dev.pipeline.core.aio}.
 * <strong>Not API:</strong> anything here may change or disappear in any release.
 */
package dev.pipeline.core.aio.internal;
