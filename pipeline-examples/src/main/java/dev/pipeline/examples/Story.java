package dev.pipeline.examples;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * What a tutorial example prints, and the clock it prints with. Sleeps are scaled by
 * {@code --time-scale} and elapsed times are scaled back, so {@code --time-scale 0.1} tells the
 * same story ten times faster: "Two (1.00 s)" still reads 1.00.
 */
public final class Story {

    private final PrintWriter out;
    private final double scale;
    private final long start = System.nanoTime();

    /** A story printed to {@code out}, with sleeps multiplied by {@code scale} (0 < scale). */
    public Story(PrintWriter out, double scale) {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("--time-scale must be a positive number, was " + scale);
        }
        this.out = out;
        this.scale = scale;
    }

    /** Prints one line and flushes it, from any thread. */
    public void say(String format, Object... args) {
        String line = args.length == 0 ? format : String.format(Locale.ROOT, format, args);
        synchronized (out) {
            out.println(line);
            out.flush();
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

    /** True when standard output is an interactive terminal (colours, progress bars). */
    public static boolean isTerminal() {
        return System.console() != null && !"dumb".equals(System.getenv("TERM"));
    }
}
