package dev.pipeline.examples;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import reactor.core.Exceptions;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Schedulers;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Ends the program on a fatal JVM error ({@code OutOfMemoryError}, {@code StackOverflowError},
 * any {@code VirtualMachineError} or {@code LinkageError}: what Reactor calls "JVM fatal"),
 * wherever it is thrown, with a one-line reason on standard error and exit code
 * {@value #EXIT_CODE}. Without this, such an error kills the thread it hit (a Reactor worker,
 * Netty's event loop) and the program waits forever for work that thread will never do.
 *
 * <p>It sees the error where it escapes: a thread's uncaught-exception handler (the JVM's
 * default handler, which the main thread and Netty's threads use), Reactor's
 * {@link Schedulers#onHandleError} (its worker threads), Reactor's operator-error and
 * error-dropped hooks (a fatal error that a library caught and wrapped, as H2 does, counts by
 * its cause), and {@link #isFatal} for the commands' own error handling, when the error reached
 * the command as the cause of a failure. Then it
 * frees a reserve of memory kept for this moment, lets the running command clean up for at most
 * {@value #CLEANUP_SECONDS} seconds (on a thread of its own, started in advance), prints the
 * line, and halts the JVM: after such an error, shutdown hooks and the usual exit may hang.
 */
public final class FatalErrors {

    /** The exit code after a fatal JVM error. */
    public static final int EXIT_CODE = 4;

    static final int CLEANUP_SECONDS = 3;

    private static final AtomicBoolean INSTALLED = new AtomicBoolean();
    private static final AtomicBoolean FATAL = new AtomicBoolean();
    /** Printed if even the reason cannot be made (allocated now, while there is memory). */
    private static final byte[] FALLBACK = ("error: the JVM hit a fatal error (out of memory?) and stops" + System.lineSeparator())
            .getBytes(StandardCharsets.UTF_8);
    /** Memory held for the moment of a fatal error, and let go first, so that the reason can be made and printed. */
    private static volatile byte[] reserve;
    private static volatile Context context = new Context("pipeline", "", () -> { });
    private static Thread cleaner;

    /** Ends what {@link #during} began. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** What the command running now says and does on a fatal error. */
    private record Context(String command, String hint, Runnable cleanup) {
    }

    private FatalErrors() {
    }

    /** Watches for fatal JVM errors from now on, for the whole program (once; later calls do nothing). */
    public static void install() {
        if (!INSTALLED.compareAndSet(false, true)) {
            return;
        }
        reserve = new byte[(int) Math.min(4 << 20, Runtime.getRuntime().maxMemory() / 16)];
        cleaner = new Thread(FatalErrors::cleanUp, "fatal-error-cleanup");
        cleaner.setDaemon(true);
        cleaner.start();
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, error) -> {
            if (isFatal(error)) {
                fatal(thread, error);
            } else if (previous != null) {
                previous.uncaughtException(thread, error);
            } else {
                // what the JVM prints when nobody handles it
                System.err.print("Exception in thread \"" + thread.getName() + "\" ");
                error.printStackTrace(System.err);
            }
        });
        Schedulers.onHandleError(FatalErrors.class.getName(), (thread, error) -> {
            if (isFatal(error)) {
                fatal(thread, error);
            }
        });
        // a fatal error caught and wrapped by a library (H2 turns OutOfMemoryError into an SQL exception), where an
        // operator meets it; and one that Reactor drops because its subscriber has gone
        Hooks.onOperatorError(FatalErrors.class.getName(), (error, data) -> {
            if (isFatal(error)) {
                fatal(Thread.currentThread(), error);
            }
            return error;
        });
        Logger dropped = Loggers.getLogger(Operators.class);
        Hooks.onErrorDropped(error -> {
            if (isFatal(error)) {
                fatal(Thread.currentThread(), error);
            } else {
                dropped.error("Operator called default onErrorDropped", error); // what Reactor does without a hook
            }
        });
    }

    /**
     * Says, until the returned handle is closed, which command runs, what to tell the user on a
     * fatal error besides the error, and what to clean up before the JVM halts (for example:
     * cancel the run, so that file sinks delete their temporary files).
     */
    public static Scope during(String command, String hint, Runnable cleanup) {
        Context before = context;
        context = new Context(command, hint, cleanup);
        return () -> context = before;
    }

    /** Whether {@code error}, or one of its causes, is a fatal JVM error. */
    public static boolean isFatal(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (Exceptions.isJvmFatal(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Ends the program for a fatal {@code error} seen on {@code thread}: once {@link #install()}
     * has run, does not return (before, it returns at once: commands run in-process by tests).
     */
    public static void fatal(Thread thread, Throwable error) {
        if (!INSTALLED.get() || !FATAL.compareAndSet(false, true)) {
            return; // another thread is ending the program; this one's error is one more of the same
        }
        reserve = null;
        String reason = null;
        try {
            reason = reason(thread, error);
        } catch (Throwable again) {
            // printed as FALLBACK below
        }
        LockSupport.unpark(cleaner);
        try {
            cleaner.join(TimeUnit.SECONDS.toMillis(CLEANUP_SECONDS));
        } catch (Throwable interrupted) {
            // halting anyway
        }
        // printed last, after whatever the dying threads logged, and holding the stream until the JVM is gone:
        // PrintStream and the loggers that print to it take its lock, so nothing comes after this line
        PrintStream err = System.err;
        synchronized (err) {
            try {
                err.println(reason != null ? reason : new String(FALLBACK, StandardCharsets.UTF_8).strip());
            } catch (Throwable again) {
                err.write(FALLBACK, 0, FALLBACK.length);
            }
            err.flush();
            Runtime.getRuntime().halt(EXIT_CODE);
        }
    }

    private static String reason(Thread thread, Throwable error) {
        Throwable cause = error;
        while (!Exceptions.isJvmFatal(cause) && cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        Context c = context;
        String what = cause instanceof OutOfMemoryError ? "the JVM ran out of memory"
                : cause instanceof StackOverflowError ? "a thread ran out of stack" : "a fatal JVM error";
        return "error: " + c.command() + ": " + what + " (" + cause.getClass().getSimpleName() + ": " + cause.getMessage()
                + ", in thread " + thread.getName() + ")" + (c.hint().isEmpty() ? "" : "; " + c.hint());
    }

    /** The cleanup thread: parked until a fatal error, then runs the command's cleanup (the fatal thread halts). */
    private static void cleanUp() {
        while (!FATAL.get()) {
            LockSupport.park(FatalErrors.class);
        }
        try {
            context.cleanup().run();
        } catch (Throwable e) {
            // best effort: the reason is printed and the exit code set whatever happens here
        }
    }
}
