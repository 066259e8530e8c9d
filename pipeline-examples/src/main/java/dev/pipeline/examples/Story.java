package dev.pipeline.examples;

import java.io.Console;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What a tutorial example prints, and the clock it prints with. Sleeps are scaled by
 * {@code --time-scale} and elapsed times are scaled back, so {@code --time-scale 0.1} tells the
 * same story ten times faster: "Two (1.00 s)" still reads 1.00.
 *
 * <p>Lines are printed by one printer thread of its own, in the order {@link #say} was called:
 * examples say things from Reactor's timer threads, which must never wait on a slow terminal, a
 * pipe or a lock. {@code say} only adds the line to a lock-free queue and wakes the printer. The
 * queue has no bound of its own: a story is a fixed, small number of lines (the longest, asyncq,
 * a few hundred). {@link #close()} prints what is left.
 */
public final class Story implements AutoCloseable {

    private final PrintWriter out;
    private final double scale;
    private final long start = System.nanoTime();
    private final Queue<String> lines = new ConcurrentLinkedQueue<>();
    private final Thread printer;
    private volatile boolean closed;

    /** A story printed to {@code out}, with sleeps multiplied by {@code scale} (0 &lt; scale). */
    public Story(PrintWriter out, double scale) {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("--time-scale must be a positive number, was " + scale);
        }
        this.out = out;
        this.scale = scale;
        this.printer = new Thread(this::print, "story-printer");
        printer.setDaemon(true);
        printer.start();
    }

    private void print() {
        while (true) {
            boolean last = closed; // read before draining: every line said before close() is in the queue
            for (String line = lines.poll(); line != null; line = lines.poll()) {
                out.println(line);
            }
            out.flush();
            if (last) {
                return;
            }
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(50)); // say() unparks at once
        }
    }

    /** Prints one line, from any thread, after every line said before it; never waits. */
    public void say(String format, Object... args) {
        lines.add(args.length == 0 ? format : String.format(Locale.ROOT, format, args));
        LockSupport.unpark(printer);
    }

    /** Prints every line said so far (waiting up to 10 seconds), then stops the printer. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(printer);
        try {
            printer.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A story-time duration as real time: {@code seconds * scale}. */
    public Duration seconds(double seconds) {
        return Duration.ofNanos(Math.round(seconds * scale * 1e9));
    }

    /** Story seconds since the story began. */
    public double elapsed() {
        return since(start);
    }

    /** Story seconds since {@code nanoTime}, a value of {@link System#nanoTime()}. */
    public double since(long nanoTime) {
        return (System.nanoTime() - nanoTime) / 1e9 / scale;
    }

    /** The time scale. */
    public double scale() {
        return scale;
    }

    /**
     * True when standard output is an interactive terminal (colours, progress bars). On JDK 22
     * and later {@code System.console()} exists even when output is redirected, so there
     * {@code Console.isTerminal()} decides.
     */
    public static boolean isTerminal() {
        Console console = System.console();
        if (console == null || "dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException e) {
            return true; // JDK 17-21: a console means a terminal on both ends
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
