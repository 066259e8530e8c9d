package dev.pipeline.connectors.file.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import dev.pipeline.connectors.testing.OpenFiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpenDirectoryTest {

    @TempDir
    Path tmp;

    Path dir;
    Path outside;
    Path precious;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createDirectories(tmp.resolve("dir"));
        outside = Files.createDirectories(tmp.resolve("outside"));
        precious = Files.writeString(outside.resolve("precious.txt"), "precious");
        Files.createSymbolicLink(dir.resolve("dirlink"), outside);
        Files.createSymbolicLink(dir.resolve("filelink"), precious);
        Files.createSymbolicLink(dir.resolve("dangling"), outside.resolve("missing"));
        Files.writeString(dir.resolve("file.txt"), "file");
        Files.createDirectories(dir.resolve("sub"));
    }

    enum Impl {
        DESCRIPTOR, PATH;

        OpenDirectory open(Path dir) throws IOException {
            return this == DESCRIPTOR ? OpenDirectory.open(dir) : OpenDirectory.pathBased(dir);
        }
    }

    private static void write(FileChannel c, String text) throws IOException {
        try (c) {
            c.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void opensADescriptorOnTheDefaultFileSystemOfLinux() throws IOException {
        try (OpenDirectory d = OpenDirectory.open(dir)) {
            assertThat(d.isDescriptorBased()).isTrue();
            assertThat(OpenFiles.under(dir)).isPositive();
        }
        assertThat(OpenFiles.under(dir)).isZero();
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void subdirectoryCreatesAMissingDirectoryAndOpensAnExistingOne(Impl impl) throws IOException {
        try (OpenDirectory d = impl.open(dir); OpenDirectory fresh = d.subdirectory("fresh"); OpenDirectory sub = d.subdirectory("sub")) {
            write(fresh.createNew("a.txt"), "a");
            write(sub.createNew("b.txt"), "b");
        }
        assertThat(dir.resolve("fresh/a.txt")).hasContent("a");
        assertThat(dir.resolve("sub/b.txt")).hasContent("b");
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void subdirectoryRefusesALinkADanglingLinkAndAFile(Impl impl) throws IOException {
        try (OpenDirectory d = impl.open(dir)) {
            assertThatThrownBy(() -> d.subdirectory("dirlink")).isInstanceOf(OpenDirectory.Refused.class)
                    .hasMessage(dir.resolve("dirlink") + " is a symbolic link; file connectors never follow a link where they write");
            assertThatThrownBy(() -> d.subdirectory("dangling")).isInstanceOf(OpenDirectory.Refused.class)
                    .hasMessageContaining("symbolic link");
            assertThatThrownBy(() -> d.subdirectory("file.txt")).isInstanceOf(OpenDirectory.Refused.class)
                    .hasMessage(dir.resolve("file.txt") + " is not a directory")
                    .satisfies(e -> assertThat(((OpenDirectory.Refused) e).path()).isEqualTo(dir.resolve("file.txt")));
        }
        assertThat(outside.resolve("missing")).doesNotExist();
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void openAppendRefusesLinksHardLinksAndDirectoriesAndCreatesAMissingFile(Impl impl) throws IOException {
        Files.createLink(dir.resolve("hard.txt"), precious);
        try (OpenDirectory d = impl.open(dir)) {
            for (String name : new String[] {"filelink", "dangling"}) {
                assertThatThrownBy(() -> d.openAppend(name)).as(name).isInstanceOf(OpenDirectory.Refused.class)
                        .hasMessageContaining("symbolic link");
            }
            assertThatThrownBy(() -> d.openAppend("hard.txt")).isInstanceOf(OpenDirectory.Refused.class)
                    .hasMessageContaining("has 2 hard links");
            assertThatThrownBy(() -> d.openAppend("sub")).isInstanceOf(OpenDirectory.Refused.class)
                    .hasMessageContaining("is a directory");
            write(d.openAppend("file.txt"), "+more");
            write(d.openAppend("new.txt"), "new");
        }
        assertThat(precious).hasContent("precious");
        assertThat(outside.resolve("missing")).doesNotExist();
        assertThat(dir.resolve("file.txt")).hasContent("file+more");
        assertThat(dir.resolve("new.txt")).hasContent("new");
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void createNewNeverOpensThroughALink(Impl impl) throws IOException {
        try (OpenDirectory d = impl.open(dir)) {
            assertThatThrownBy(() -> d.createNew("dangling")).isInstanceOf(FileAlreadyExistsException.class);
            assertThatThrownBy(() -> d.createNew("filelink")).isInstanceOf(FileAlreadyExistsException.class);
        }
        assertThat(outside.resolve("missing")).doesNotExist();
        assertThat(precious).hasContent("precious");
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void moveReplacesALinkWithoutFollowingItAndDeleteRemovesTheLinkNotItsDestination(Impl impl) throws IOException {
        try (OpenDirectory d = impl.open(dir); OpenDirectory sub = d.subdirectory("sub")) {
            write(d.createNew("t.tmp"), "mine");
            d.requireReplaceable("filelink");
            d.move("t.tmp", d, "filelink");
            write(d.createNew("u.tmp"), "moved");
            d.move("u.tmp", sub, "u.txt");
            assertThat(d.delete("dangling")).isTrue();
            assertThat(d.delete("dangling")).isFalse();
            assertThatThrownBy(() -> d.requireReplaceable("sub")).isInstanceOf(OpenDirectory.Refused.class)
                    .hasMessageContaining("is a directory");
        }
        assertThat(Files.isSymbolicLink(dir.resolve("filelink"))).isFalse();
        assertThat(dir.resolve("filelink")).hasContent("mine");
        assertThat(dir.resolve("sub/u.txt")).hasContent("moved");
        assertThat(precious).hasContent("precious");
        assertThat(dir.resolve("dangling")).doesNotExist();
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void namesMustBeOnePathComponent(Impl impl) throws IOException {
        try (OpenDirectory d = impl.open(dir)) {
            for (String name : new String[] {"a/b", "..", ".", "", "/etc"}) {
                assertThatThrownBy(() -> d.createNew(name)).as(name).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("one path component");
            }
        }
    }

    @Test
    void aDescriptorKeepsWorkingInTheDirectoryItOpenedAfterItIsSwappedForALink() throws IOException {
        try (OpenDirectory d = OpenDirectory.open(dir); OpenDirectory sub = d.subdirectory("sub")) {
            write(sub.createNew("before.tmp"), "x");
            write(sub.openAppend("file.txt"), "y");
            Files.move(dir.resolve("sub"), dir.resolve("sub-moved"), StandardCopyOption.ATOMIC_MOVE);
            Files.createSymbolicLink(dir.resolve("sub"), outside);
            Files.writeString(outside.resolve("before.tmp"), "planted");
            sub.move("before.tmp", sub, "after.txt");
            // the hard-link count can only be read by path (no fstat in the JDK): now a path leads elsewhere
            assertThatThrownBy(() -> sub.openAppend("file.txt")).isInstanceOf(OpenDirectory.Refused.class)
                    .hasMessageContaining("moved or replaced");
            assertThat(sub.delete("before.tmp")).isFalse();
            assertThatThrownBy(() -> sub.subdirectory("new")).isInstanceOf(OpenDirectory.Refused.class)
                    .hasMessageContaining("moved or replaced");
        }
        assertThat(dir.resolve("sub-moved/after.txt")).hasContent("x");
        assertThat(dir.resolve("sub-moved/file.txt")).hasContent("y");
        assertThat(outside.resolve("before.tmp")).hasContent("planted");
        assertThat(outside.resolve("after.txt")).doesNotExist();
        assertThat(outside.resolve("new")).doesNotExist();
    }

    @Test
    void byPathItRefusesToGoOnOnceItsDirectoryIsSwappedForALink() throws IOException {
        try (OpenDirectory d = OpenDirectory.pathBased(dir); OpenDirectory sub = d.subdirectory("sub")) {
            Files.move(dir.resolve("sub"), dir.resolve("sub-moved"), StandardCopyOption.ATOMIC_MOVE);
            Files.createSymbolicLink(dir.resolve("sub"), outside);
            assertThatThrownBy(() -> sub.createNew("x.tmp")).isInstanceOf(OpenDirectory.Refused.class)
                    .hasMessageContaining("was replaced during the run");
            assertThatThrownBy(() -> sub.openAppend("x.txt")).isInstanceOf(OpenDirectory.Refused.class);
            assertThatThrownBy(() -> sub.delete("precious.txt")).isInstanceOf(OpenDirectory.Refused.class);
        }
        assertThat(precious).hasContent("precious");
        assertThat(outside.resolve("x.tmp")).doesNotExist();
        assertThat(outside.resolve("x.txt")).doesNotExist();
    }
}
