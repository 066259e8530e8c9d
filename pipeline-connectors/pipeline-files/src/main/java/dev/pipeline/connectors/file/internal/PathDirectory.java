package dev.pipeline.connectors.file.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;

/**
 * An {@link OpenDirectory} by path, for file systems without a {@link java.nio.file.SecureDirectoryStream}:
 * before each operation it checks that the directory's real path is still the one it had when
 * opened, and it opens files without following links.
 */
final class PathDirectory extends OpenDirectory {
    private final Path real;

    PathDirectory(Path path, Path real) {
        super(path);
        this.real = real;
    }

    private Path at(String name) throws IOException {
        requireName(name);
        Path now;
        try {
            now = path.toRealPath();
        } catch (NoSuchFileException e) {
            throw new Refused(path, "was removed during the run");
        }
        if (!now.equals(real)) {
            throw new Refused(path, "was replaced during the run (now leads to " + now + ")");
        }
        return path.resolve(name);
    }

    @Override
    public boolean isDescriptorBased() {
        return false;
    }

    @Override
    public Object fileKey() throws IOException {
        return Files.readAttributes(real, BasicFileAttributes.class, NOFOLLOW).fileKey();
    }

    @Override
    BasicFileAttributes stat(String name) throws IOException {
        return Files.readAttributes(at(name), BasicFileAttributes.class, NOFOLLOW);
    }

    @Override
    Path pathHere(String name) throws IOException {
        return at(name);
    }

    @Override
    OpenDirectory openChild(String name) throws IOException {
        Path child = at(name);
        BasicFileAttributes a = Files.readAttributes(child, BasicFileAttributes.class, NOFOLLOW);
        if (a.isSymbolicLink() || !a.isDirectory()) {
            throw new NotDirectoryException(child.toString());
        }
        return new PathDirectory(child, real.resolve(name));
    }

    @Override
    FileChannel channel(String name, Set<? extends OpenOption> options) throws IOException {
        FileChannel c = FileChannel.open(at(name), noFollow(options));
        try {
            at(name);
            return c;
        } catch (IOException e) {
            closeAfter(c, e);
            throw e;
        }
    }

    @Override
    public void move(String from, OpenDirectory target, String to) throws IOException {
        if (!(target instanceof PathDirectory)) {
            throw new IllegalArgumentException("target must be opened like this directory, was " + target);
        }
        Files.move(at(from), ((PathDirectory) target).at(to), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public boolean delete(String name) throws IOException {
        return Files.deleteIfExists(at(name));
    }

    @Override
    public void close() {
        // nothing is held open
    }

    @Override
    public String toString() {
        return "OpenDirectory[path, " + path + "]";
    }
}
