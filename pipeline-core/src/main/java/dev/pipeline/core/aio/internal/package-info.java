/**
 * Implementation details of the asyncio toolkit: the waiter state machine, the per-thread
 * trampoline, timers and the hand-written publishers behind {@code dev.pipeline.core.aio}.
 * <strong>Not API:</strong> anything here may change or disappear in any release.
 *
 * <p>The first-use path. A program's first thousands of sleeps, gathers and hand-offs run in
 * the interpreter and in C1's profiled code while the JIT compiles them, and there a
 * {@code VarHandle} operation is an expensive call chain (guards, access-mode checks, a cast:
 * about 650 ns per CAS interpreted, against 230 ns through an
 * {@link java.util.concurrent.atomic.AtomicIntegerFieldUpdater} and 10 ns for a plain volatile
 * write; the same few ns once C2 has compiled either). So the state fields that every sleep,
 * gathered source, semaphore scope and waiter touches use field updaters, as Reactor's own
 * operators do, and subscriptions are set and cancelled with Reactor's
 * {@code Operators.setOnce}/{@code terminate}, which Reactor's operators have already had
 * compiled; a field that starts at its default value is not written in the constructor.
 */
package dev.pipeline.core.aio.internal;
