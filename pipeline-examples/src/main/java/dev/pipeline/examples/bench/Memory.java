package dev.pipeline.examples.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the process's memory from /proc (Linux); -1 where it is not available. */
public final class Memory {

    private Memory() {
    }

    /** Peak resident set size (VmHWM) in MB, or -1. */
    public static double peakRssMb() {
        return procStatusKb("VmHWM:") / 1024.0;
    }

    /** Current resident set size (VmRSS) in MB, or -1. */
    public static double rssMb() {
        return procStatusKb("VmRSS:") / 1024.0;
    }

    private static long procStatusKb(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1024;
        }
        return -1024;
    }
}
