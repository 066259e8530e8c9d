package dev.pipeline.examples.etl;

import java.io.IOException;

import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The terminal's width in columns, asked at most once a second (so a resize shows within a
 * second), through a JLine terminal of our own for the whole display.
 *
 * <p>progressbar asks JLine itself otherwise, and that costs twice: its JLine terminal sets
 * SIGINT to the operating system's default, so Ctrl-C killed the JVM at once with no report
 * and no cleanup; and each bar that finishes closes that terminal, so the next one builds a new
 * one (about a quarter of a second each, at the end of every run). This terminal is built with
 * {@code nativeSignals(false)}: it leaves the signals alone.
 */
final class TerminalWidth implements AutoCloseable {

    /** What is assumed when the terminal does not say. */
    static final int DEFAULT = 80;

    private final Terminal terminal;
    private volatile int columns;
    private volatile long askedNanos;

    private TerminalWidth(Terminal terminal) {
        this.terminal = terminal;
        this.columns = ask();
        this.askedNanos = System.nanoTime();
    }

    /** Opens the system terminal, or a dumb one when there is none (its width is then {@link #DEFAULT}). */
    static TerminalWidth open() {
        try {
            return new TerminalWidth(TerminalBuilder.builder().system(true).dumb(true).nativeSignals(false).build());
        } catch (IOException e) {
            return new TerminalWidth(null);
        }
    }

    /** The width now (at most a second old). */
    int columns() {
        if (System.nanoTime() - askedNanos > 1_000_000_000L) {
            columns = ask();
            askedNanos = System.nanoTime();
        }
        return columns;
    }

    private int ask() {
        int width = terminal == null ? 0 : terminal.getWidth();
        return width >= 10 ? width : DEFAULT;
    }

    @Override
    public void close() {
        if (terminal != null) {
            try {
                terminal.close();
            } catch (IOException e) {
                // the display is over; nothing to keep
            }
        }
    }
}
