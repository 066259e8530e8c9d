package dev.pipeline.examples;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Ctrl-C (SIGINT) and SIGTERM for a command that stops gracefully: the first signal asks it to
 * stop ({@link #stopped()}), the second to abort at once ({@link #aborted()}), a third halts the
 * JVM, and so does a stop that takes longer than the limit given to {@link #install}. The exit
 * code is the shell's for the first signal: 128 + its number (130, 143).
 *
 * <p>A JVM shutdown hook cannot tell a first signal from a second (the JVM ignores signals
 * once it is shutting down), so this replaces the JVM's handlers while it is open, through
 * {@code sun.misc.Signal} (module jdk.unsupported). It is reached by reflection because javac
 * warns on every use of that class and the build turns warnings into errors. Where the class
 * is missing, or a signal was ignored when the JVM started ({@code nohup}, a background job),
 * the JVM's own handling stays. {@link #close()} puts the JVM's handlers back.
 */
public final class Signals implements AutoCloseable {

    private static final List<String> HANDLED = List.of("INT", "TERM");

    private final AtomicInteger received = new AtomicInteger();
    private final Sinks.One<String> stop = Sinks.one();
    private final Sinks.One<String> abort = Sinks.one();
    private final List<Runnable> restore = new ArrayList<>();
    private final Duration limit;
    private volatile String first;
    private volatile int exitCode;

    private Signals(Duration limit) {
        this.limit = limit;
    }

    /**
     * Handles SIGINT and SIGTERM from now until {@link #close()}.
     *
     * @param limit how long the command may take to end after the first signal; then the JVM
     *     halts (a stop that hangs must not keep a SIGTERM from ending the program)
     */
    public static Signals install(Duration limit) {
        Signals signals = new Signals(limit);
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
            Method handle = signal.getMethod("handle", signal, handlerType);
            Method name = signal.getMethod("getName");
            Method number = signal.getMethod("getNumber");
            InvocationHandler onSignal = (proxy, method, args) -> {
                switch (method.getName()) {
                    case "handle":
                        signals.received("SIG" + name.invoke(args[0]), (Integer) number.invoke(args[0]));
                        return null;
                    case "equals":
                        return proxy == args[0];
                    case "hashCode":
                        return System.identityHashCode(proxy);
                    default:
                        return "Signals.handler";
                }
            };
            Object handler = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handlerType}, onSignal);
            for (String handled : HANDLED) {
                Object sig = signal.getConstructor(String.class).newInstance(handled);
                Object previous = handle.invoke(null, sig, handler);
                signals.restore.add(() -> invoke(handle, sig, previous));
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // no sun.misc.Signal on this JVM, or the signal is reserved: the JVM's own handling stays (exit at once)
        }
        return signals;
    }

    private static void invoke(Method handle, Object signal, Object handler) {
        try {
            handle.invoke(null, signal, handler);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("could not set the handler of " + signal, e);
        }
    }

    private void received(String signal, int number) {
        int n = received.incrementAndGet();
        if (n == 1) {
            first = signal;
            exitCode = 128 + number;
            haltAfter(limit, signal);
            emit(stop, signal);
        } else if (n == 2) {
            emit(abort, signal);
        } else {
            Runtime.getRuntime().halt(exitCode);
        }
    }

    /** Halts the JVM {@code limit} after {@code signal} unless it has exited by then (a daemon thread does not keep it). */
    private void haltAfter(Duration limit, String signal) {
        Thread watchdog = new Thread(() -> {
            long deadline = System.nanoTime() + limit.toNanos();
            for (long left = limit.toNanos(); left > 0; left = deadline - System.nanoTime()) {
                LockSupport.parkNanos(this, left);
            }
            System.err.println("error: still running " + limit.toSeconds() + " s after " + signal + "; halting");
            System.err.flush();
            Runtime.getRuntime().halt(exitCode);
        }, "signals-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    private static void emit(Sinks.One<String> sink, String signal) {
        Sinks.EmitResult result = sink.tryEmitValue(signal);
        if (result.isFailure()) {
            // cannot happen: the count gives each signal its own number, so each sink has one emitter, once
            throw new IllegalStateException("the handler of " + signal + " could not emit: " + result);
        }
    }

    /** Emits the first signal's name ({@code SIGINT}, {@code SIGTERM}) when it comes: stop gracefully. */
    public Mono<String> stopped() {
        return stop.asMono();
    }

    /** Emits the second signal's name when it comes: abort now. */
    public Mono<String> aborted() {
        return abort.asMono();
    }

    /** The first signal's name, or null if none came. */
    public String first() {
        return first;
    }

    /** Whether a second signal came. */
    public boolean isAborted() {
        return received.get() >= 2;
    }

    /** 128 + the first signal's number (130 for SIGINT, 143 for SIGTERM), or 0 if none came. */
    public int exitCode() {
        return exitCode;
    }

    /** Gives the signals back to the JVM. */
    @Override
    public void close() {
        restore.forEach(Runnable::run);
        restore.clear();
    }
}
