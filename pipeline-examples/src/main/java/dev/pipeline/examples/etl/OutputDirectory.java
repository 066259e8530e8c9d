package dev.pipeline.examples.etl;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The {@code --out} directory: {@link #check} before anything starts (it creates nothing), and
 * {@link #create} once the job knows it can run, so that a job that cannot start (an
 * unreachable database, say) leaves no empty directory behind. Both say in words what is wrong.
 */
final class OutputDirectory {

    private OutputDirectory() {
    }

    /**
     * Refuses an {@code out} that is a file, or that cannot be created because of what is
     * already there: a file where a directory should be, or a directory that cannot be written.
     */
    static void check(String option, Path out) {
        if (Files.exists(out)) {
            if (!Files.isDirectory(out)) {
                throw new IllegalArgumentException(option + " " + out + " is a file, not a directory; give a directory");
            }
            if (!Files.isWritable(out)) {
                throw new IllegalArgumentException(option + " " + out + " is a directory you cannot write to; give another");
            }
            return;
        }
        Path existing = out.toAbsolutePath().getParent();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return; // nothing exists above it: let create() say what the file system says
        }
        if (!Files.isDirectory(existing)) {
            throw cannotCreate(option, out, existing + " is a file, not a directory; give a directory");
        }
        if (!Files.isWritable(existing)) {
            throw cannotCreate(option, out, "you cannot write to " + existing + "; give a directory you can write to");
        }
    }

    /** Creates {@code out} and the directories above it, or says why it cannot. */
    static Path create(String option, Path out) {
        try {
            return Files.createDirectories(out);
        } catch (IOException e) {
            check(option, out); // what exists now may say it best
            Path parent = out.toAbsolutePath().getParent();
            String where = parent == null ? "it" : parent.toString();
            if (e instanceof NoSuchFileException) {
                throw cannotCreate(option, out, where + " refuses new directories (no such file or directory); give a directory elsewhere", e);
            }
            if (e instanceof AccessDeniedException) {
                throw cannotCreate(option, out, "permission denied in " + where + "; give a directory you can write to", e);
            }
            String reason = e instanceof FileSystemException && ((FileSystemException) e).getReason() != null
                    ? ((FileSystemException) e).getReason().toLowerCase(Locale.ROOT) : e.toString();
            throw cannotCreate(option, out, where + " refuses it (" + reason + "); give a directory elsewhere", e);
        }
    }

    private static IllegalArgumentException cannotCreate(String option, Path out, String why) {
        return cannotCreate(option, out, why, null);
    }

    private static IllegalArgumentException cannotCreate(String option, Path out, String why, IOException cause) {
        return new IllegalArgumentException(option + " " + out + " cannot be created: " + why, cause);
    }

    /**
     * Deletes what is left of the file sinks' temporary files for these outputs
     * ({@code .name.<random>.tmp}), when the JVM is about to halt after a fatal error and the
     * sinks' own clean-up on cancel may not get to run. Best effort: it never throws.
     */
    static void deleteTemporaries(Path out, List<String> names) {
        try (java.util.stream.Stream<Path> files = Files.list(out)) {
            files.filter(f -> names.stream().anyMatch(n -> {
                        String file = f.getFileName().toString();
                        return file.startsWith("." + n + ".") && file.endsWith(".tmp");
                    }))
                    .forEach(f -> {
                        try {
                            Files.deleteIfExists(f);
                        } catch (java.io.IOException | RuntimeException e) {
                            // the JVM halts next; nothing more can be done
                        }
                    });
        } catch (java.io.IOException | RuntimeException e) {
            // no directory (yet): nothing to delete
        }
    }
}
