package dev.pipeline.connectors.file.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;

/**
 * An {@link OpenDirectory} that is an open descriptor ({@link SecureDirectoryStream}): every
 * operation is relative to it and none follows a link.
 */
final class DescriptorDirectory extends OpenDirectory {
    private final SecureDirectoryStream<Path> dir;

    DescriptorDirectory(Path path, SecureDirectoryStream<Path> dir) {
        super(path);
        this.dir = dir;
    }

    private Path name(String name) {
        requireName(name);
        return path.getFileSystem().getPath(name);
    }

    @Override
    public boolean isDescriptorBased() {
        return true;
    }

    @Override
    public Object fileKey() throws IOException {
        return dir.getFileAttributeView(BasicFileAttributeView.class).readAttributes().fileKey();
    }

    @Override
    BasicFileAttributes stat(String name) throws IOException {
        return dir.getFileAttributeView(name(name), BasicFileAttributeView.class, NOFOLLOW).readAttributes();
    }

    @Override
    Path pathHere(String name) throws IOException {
        requireName(name);
        Object here = fileKey();
        Object named;
        try {
            named = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException e) {
            named = null;
        }
        if (here != null && !here.equals(named)) {
            throw new Refused(path, "was moved or replaced during the run, so " + name + " cannot be created in it by path");
        }
        return path.resolve(name);
    }

    @Override
    OpenDirectory openChild(String name) throws IOException {
        return new DescriptorDirectory(resolve(name), dir.newDirectoryStream(name(name), NOFOLLOW));
    }

    @Override
    FileChannel channel(String name, Set<? extends OpenOption> options) throws IOException {
        SeekableByteChannel c = dir.newByteChannel(name(name), noFollow(options));
        if (c instanceof FileChannel) {
            return (FileChannel) c;
        }
        c.close();
        throw new IOException("the file system opened " + resolve(name) + " as a " + c.getClass().getName()
                + ", not a FileChannel");
    }

    @Override
    public void move(String from, OpenDirectory target, String to) throws IOException {
        if (!(target instanceof DescriptorDirectory)) {
            throw new IllegalArgumentException("target must be opened like this directory, was " + target);
        }
        dir.move(name(from), ((DescriptorDirectory) target).dir, name(to));
    }

    @Override
    public boolean delete(String name) throws IOException {
        try {
            dir.deleteFile(name(name));
            return true;
        } catch (NoSuchFileException gone) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        dir.close();
    }

    @Override
    public String toString() {
        return "OpenDirectory[descriptor, " + path + "]";
    }
}
