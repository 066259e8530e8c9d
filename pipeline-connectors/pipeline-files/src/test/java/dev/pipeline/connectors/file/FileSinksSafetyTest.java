package dev.pipeline.connectors.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.pipeline.core.DeadLetter;
import dev.pipeline.core.ErrorPolicy;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

import static dev.pipeline.test.PipelineAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The promise of every file sink: it never creates, writes, truncates, renames or deletes anything
 * outside its base directory (a partitioned sink's {@code baseDir}, a single-file sink's directory),
 * whatever the names and links under it. Each test plants real links in a {@code @TempDir}, runs a
 * sink, and asserts that the directory outside is exactly as it was and that every item is
 * accounted for (written, or dead-lettered with an error that names it).
 */
class FileSinksSafetyTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    Path base;
    Path outside;
    Path precious;

    @BeforeEach
    void plantAnOutsideDirectory() throws IOException {
        base = Files.createDirectories(dir.resolve("base"));
        outside = Files.createDirectories(dir.resolve("outside"));
        precious = Files.writeString(outside.resolve("precious.txt"), "precious\n");
        Files.createDirectories(outside.resolve("existing"));
    }

    enum Mode {
        ATOMIC, APPEND;

        WriteOptions options() {
            return this == APPEND ? WriteOptions.defaults().append(true) : WriteOptions.defaults();
        }
    }

    /** Every file sink, writing items to {@code base/name}. */
    enum Kind {
        LINES, NDJSON, CSV, PARTITIONED;

        Sink<String, ?> sink(Path base, String name, WriteOptions options) {
            return switch (this) {
                case LINES -> FileSinks.lines(base.resolve(name), options);
                case NDJSON -> FileSinks.ndjson(base.resolve(name), options);
                case CSV -> FileSinks.csv(base.resolve(name), List.of("v"), (String s) -> List.of(s), options);
                case PARTITIONED -> FileSinks.partitioned(base, s -> name, FileFormat.lines(), options);
            };
        }
    }

    /** What a run ended with: its report or its error, and the dead letters its sink sent. */
    record Outcome(PipelineReport<?> report, Throwable error, List<DeadLetter<?>> dead) {

        long deadLettered() {
            return report.stages().stream().mapToLong(s -> s.deadLettered()).sum();
        }

        List<Object> deadItems() {
            return dead.stream().map(DeadLetter::item).collect(Collectors.toList());
        }
    }

    static Outcome run(Sink<String, ?> sink, Flux<String> items) {
        List<DeadLetter<?>> dead = new CopyOnWriteArrayList<>();
        try {
            PipelineReport<?> report = Pipeline.from(Source.of("items", items))
                    .to(sink.onError(ErrorPolicy.deadLetter(Sink.<DeadLetter<?>>forEach("dead", dead::add))))
                    .run().block(TIMEOUT);
            return new Outcome(report, null, dead);
        } catch (RuntimeException e) {
            return new Outcome(null, e, dead);
        }
    }

    static Outcome run(Sink<String, ?> sink, String... items) {
        return run(sink, Flux.just(items));
    }

    /** Every entry under {@code root} (links not followed), with its kind and content. */
    static Map<String, String> snapshot(Path root) {
        try (Stream<Path> entries = Files.walk(root)) {
            Map<String, String> all = new TreeMap<>();
            for (Path p : entries.collect(Collectors.toList())) {
                String what;
                if (Files.isSymbolicLink(p)) {
                    what = "link -> " + Files.readSymbolicLink(p);
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    what = "dir";
                } else {
                    what = "file: " + Files.readString(p);
                }
                all.put(root.relativize(p).toString(), what);
            }
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void move(Path from, Path to) {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void link(Path link, Path to) {
        try {
            Files.createSymbolicLink(link, to);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The one item a single-file sink refused fails its run; a partitioned sink dead-letters it. */
    static void assertRefused(Kind kind, Outcome outcome, String why) {
        if (kind == Kind.PARTITIONED) {
            assertThat(outcome.error()).as("the run's error").isNull();
            assertThat(outcome.deadLettered()).isEqualTo(1);
            assertThat(outcome.dead()).singleElement().satisfies(d -> assertThat(d.error())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(why));
        } else {
            assertThat(outcome.error()).as("the run's error").isNotNull().hasStackTraceContaining(why)
                    .hasStackTraceContaining("out.txt");
        }
    }

    @Nested
    class LinksUnderTheBaseDirectory {

        @ParameterizedTest
        @EnumSource(Mode.class)
        void aDirectoryLinkOutIsRefusedBeforeAnythingIsCreatedAtItsDestination(Mode mode) {
            link(base.resolve("link"), outside);
            Map<String, String> before = snapshot(outside);
            Outcome outcome = run(FileSinks.<String>partitioned(base, s -> s, FileFormat.lines(), mode.options()),
                    "ok/a.txt", "link/new/x.txt", "link/existing/x.txt", "link/x.txt", "ok/b.txt");
            assertThat(snapshot(outside)).isEqualTo(before);
            assertThat(outcome.error()).isNull();
            assertThat(outcome.deadItems()).containsExactly("link/new/x.txt", "link/existing/x.txt", "link/x.txt");
            assertThat(outcome.dead()).allSatisfy(d -> assertThat(d.error()).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("symbolic link").hasMessageContaining(base.resolve("link").toString()));
            assertThat(outcome.deadLettered()).isEqualTo(3);
            assertThat(read(base.resolve("ok/a.txt")) + read(base.resolve("ok/b.txt"))).isEqualTo("ok/a.txt\nok/b.txt\n");
        }

        @ParameterizedTest
        @EnumSource(Mode.class)
        void aLinkDeeperInThePathIsRefusedToo(Mode mode) throws IOException {
            Files.createDirectories(base.resolve("a/b"));
            link(base.resolve("a/b/link"), outside);
            Map<String, String> before = snapshot(outside);
            Outcome outcome = run(FileSinks.<String>partitioned(base, s -> s, FileFormat.lines(), mode.options()),
                    "a/b/link/c/d/x.txt", "a/b/link/existing/x.txt", "a/b/ok.txt");
            assertThat(snapshot(outside)).isEqualTo(before);
            assertThat(outcome.deadItems()).containsExactly("a/b/link/c/d/x.txt", "a/b/link/existing/x.txt");
            assertThat(read(base.resolve("a/b/ok.txt"))).isEqualTo("a/b/ok.txt\n");
        }

        @ParameterizedTest
        @EnumSource(Mode.class)
        void aDanglingDirectoryLinkIsRefusedAndItsDestinationNeverCreated(Mode mode) {
            link(base.resolve("dangling"), outside.resolve("missing"));
            Map<String, String> before = snapshot(outside);
            Outcome outcome = run(FileSinks.<String>partitioned(base, s -> s, FileFormat.lines(), mode.options()),
                    "dangling/x.txt", "dangling/sub/x.txt", "fine.txt");
            assertThat(snapshot(outside)).isEqualTo(before);
            assertThat(outside.resolve("missing")).doesNotExist();
            assertThat(outcome.error()).isNull();
            assertThat(outcome.deadItems()).containsExactly("dangling/x.txt", "dangling/sub/x.txt");
            assertThat(read(base.resolve("fine.txt"))).isEqualTo("fine.txt\n");
        }

        @ParameterizedTest
        @EnumSource(Mode.class)
        void aLinkToAFileUsedAsADirectoryIsRefused(Mode mode) {
            link(base.resolve("flink"), precious);
            Map<String, String> before = snapshot(outside);
            Outcome outcome = run(FileSinks.<String>partitioned(base, s -> s, FileFormat.lines(), mode.options()),
                    "flink/x.txt");
            assertThat(snapshot(outside)).isEqualTo(before);
            assertThat(outcome.deadItems()).containsExactly("flink/x.txt");
        }
    }

    @Nested
    class LinksAtTheFileName {

        @ParameterizedTest
        @EnumSource(Kind.class)
        void appendRefusesALinkToAFileOutside(Kind kind) {
            link(base.resolve("out.txt"), precious);
            Map<String, String> before = snapshot(outside);
            Outcome outcome = run(kind.sink(base, "out.txt", Mode.APPEND.options()), "evil.txt");
            assertThat(snapshot(outside)).isEqualTo(before);
            assertThat(read(precious)).isEqualTo("precious\n");
            assertRefused(kind, outcome, "symbolic link");
            assertThat(Files.isSymbolicLink(base.resolve("out.txt"))).isTrue();
        }

        @ParameterizedTest
        @EnumSource(Kind.class)
        void appendRefusesADanglingLinkAndCreatesNothingAtItsDestination(Kind kind) {
            link(base.resolve("out.txt"), outside.resolve("new.txt"));
            Map<String, String> before = snapshot(outside);
            Outcome outcome = run(kind.sink(base, "out.txt", Mode.APPEND.options()), "evil.txt");
            assertThat(snapshot(outside)).isEqualTo(before);
            assertThat(outside.resolve("new.txt")).doesNotExist();
            assertRefused(kind, outcome, "symbolic link");
        }

        @ParameterizedTest
        @EnumSource(Kind.class)
        void appendRefusesAFileWithAnotherHardLinkWhichMayBeOutside(Kind kind) throws IOException {
            Files.createLink(base.resolve("out.txt"), precious);
            Outcome outcome = run(kind.sink(base, "out.txt", Mode.APPEND.options()), "evil.txt");
            assertThat(read(precious)).isEqualTo("precious\n");
            assertRefused(kind, outcome, "hard links");
        }

        @ParameterizedTest
        @EnumSource(Kind.class)
        void appendRefusesAFifoInsteadOfWaitingForAReader(Kind kind) throws Exception {
            Path fifo = base.resolve("out.txt");
            Process mkfifo;
            try {
                mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
            } catch (IOException e) {
                assumeThat(e).as("mkfifo is not available").isNull();
                return;
            }
            assumeThat(mkfifo.waitFor()).as("mkfifo's exit code").isZero();
            Outcome outcome = run(kind.sink(base, "out.txt", Mode.APPEND.options()), "x");
            assertRefused(kind, outcome, "not a regular file");
        }

        @ParameterizedTest
        @EnumSource(Kind.class)
        void atomicReplacesALinkAtTheNameAndLeavesItsDestinationAlone(Kind kind) {
            link(base.resolve("out.txt"), precious);
            link(base.resolve("dangling.txt"), outside.resolve("new.txt"));
            Map<String, String> before = snapshot(outside);
            Outcome first = run(kind.sink(base, "out.txt", Mode.ATOMIC.options()), "mine");
            Outcome second = run(kind.sink(base, "dangling.txt", Mode.ATOMIC.options()), "mine");
            assertThat(snapshot(outside)).isEqualTo(before);
            assertThat(first.error()).isNull();
            assertThat(second.error()).isNull();
            for (String name : List.of("out.txt", "dangling.txt")) {
                assertThat(Files.isSymbolicLink(base.resolve(name))).as(name + " is a link").isFalse();
                assertThat(read(base.resolve(name))).contains("mine");
            }
        }
    }

    @Nested
    class NamesTheFileSystemRefuses {

        private final String overlong = "x".repeat(256) + ".txt";
        private final String longest = "y".repeat(255);

        @ParameterizedTest
        @EnumSource(Mode.class)
        void aNulByteAnOverlongNameOrADirectoryGoesToTheErrorPolicyAndEveryOtherPartitionIsWritten(Mode mode)
                throws IOException {
            Files.createDirectories(base.resolve("sub"));
            Outcome outcome = run(FileSinks.<String>partitioned(base, s -> s, FileFormat.lines(), mode.options()),
                    "good/a.txt", "bad\0.txt", "dir\0/x.txt", overlong, "deep/" + overlong + "/x.txt", "sub", longest, "good/b.txt");
            assertThat(outcome.error()).as("the run's error").isNull();
            assertThat(outcome.deadItems()).containsExactly("bad\0.txt", "dir\0/x.txt", overlong, "deep/" + overlong + "/x.txt", "sub");
            assertThat(outcome.deadLettered()).isEqualTo(5);
            assertThat(read(base.resolve("good/a.txt")) + read(base.resolve("good/b.txt"))).isEqualTo("good/a.txt\ngood/b.txt\n");
            assertThat(read(base.resolve(longest))).isEqualTo(longest + "\n");
            assertThat(FileSinkFixture.temporaries(base)).isZero();
        }

        @Test
        void theErrorNamesTheKeyThePathAndWhy() throws IOException {
            Files.createDirectories(base.resolve("sub"));
            Outcome outcome = run(FileSinks.<String>partitioned(base, s -> s, FileFormat.lines()), "bad\0.txt", overlong, "sub");
            assertThat(outcome.dead()).hasSize(3);
            assertThat(outcome.dead().get(0).error()).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'bad\\u0000.txt'").hasMessageContaining(base.toString())
                    .hasMessageContaining("Nul character not allowed");
            assertThat(outcome.dead().get(1).error()).isInstanceOf(FileAccessException.class)
                    .hasMessageContaining("'xxxxxxxx").hasMessageContaining("(260 chars)")
                    .hasMessageContaining(base.toString()).hasMessageContaining("File name too long");
            assertThat(((FileAccessException) outcome.dead().get(1).error()).path()).isEqualTo(base.resolve(overlong));
            assertThat(outcome.dead().get(2).error()).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'sub'").hasMessageContaining(base.resolve("sub").toString())
                    .hasMessageContaining("is a directory");
        }

        @Test
        void underTheDefaultFailFastTheRunFailsNamingTheKeyAndNoPartitionIsWritten() {
            Sink<String, PartitionedWriteResult> sink = FileSinks.partitioned(base, s -> s, FileFormat.lines());
            Throwable error = null;
            try {
                Pipeline.from(Source.fromIterable("items", List.of("a.txt", "bad\0.txt"))).to(sink).run().block(TIMEOUT);
            } catch (RuntimeException e) {
                error = e;
            }
            assertThat(error).isNotNull().hasStackTraceContaining("bad\\u0000.txt");
            assertThat(base.resolve("a.txt")).doesNotExist();
            assertThat(FileSinkFixture.temporaries(base)).isZero();
        }

        @Test
        void underSkipTheItemIsCountedAsSkipped() {
            PipelineReport<PartitionedWriteResult> report = Pipeline.from(Source.fromIterable("items", List.of("a.txt", "bad\0.txt")))
                    .to(FileSinks.<String>partitioned(base, s -> s, FileFormat.lines()).onError(ErrorPolicy.skip()))
                    .run().block(TIMEOUT);
            assertThat(report).reconciles().stage("partitioned(base)").skipped(1);
            assertThat(report.result().get().items()).isEqualTo(1);
            assertThat(report.balances()).isTrue();
        }

        @ParameterizedTest
        @EnumSource(Mode.class)
        void aFileAndADirectoryOfTheSameNameInOneRunRefuseTheLaterOneAndKeepTheOther(Mode mode) {
            Outcome fileFirst = run(FileSinks.<String>partitioned(base, s -> s, FileFormat.lines(), mode.options()),
                    "a", "a/b.txt", "a");
            assertThat(fileFirst.error()).isNull();
            assertThat(fileFirst.deadItems()).containsExactly("a/b.txt");
            assertThat(fileFirst.dead().get(0).error()).hasMessageContaining("'a'").hasMessageContaining("file");
            assertThat(read(base.resolve("a"))).isEqualTo("a\na\n");
            Outcome dirFirst = run(FileSinks.<String>partitioned(base, s -> s, FileFormat.lines(), mode.options()),
                    "c/d.txt", "c");
            assertThat(dirFirst.error()).isNull();
            assertThat(dirFirst.deadItems()).containsExactly("c");
            assertThat(read(base.resolve("c/d.txt"))).isEqualTo("c/d.txt\n");
        }

        @Test
        void aNameShapedLikeTheSinksTemporaryFilesIsRefused() {
            Outcome outcome = run(FileSinks.<String>partitioned(base, s -> s, FileFormat.lines()),
                    "a.txt", ".a.txt.0123456789abcdef.tmp");
            assertThat(outcome.deadItems()).containsExactly(".a.txt.0123456789abcdef.tmp");
            assertThat(outcome.dead().get(0).error()).hasMessageContaining("temporary");
            assertThat(read(base.resolve("a.txt"))).isEqualTo("a.txt\n");
        }

        @Test
        void aNameFunctionThatThrowsSendsItsItemToTheErrorPolicy() {
            Outcome outcome = run(FileSinks.<String>partitioned(base, s -> {
                if (s.equals("boom")) {
                    throw new IllegalStateException("no partition for boom");
                }
                return s;
            }, FileFormat.lines()), "a.txt", "boom", "b.txt");
            assertThat(outcome.error()).isNull();
            assertThat(outcome.deadItems()).containsExactly("boom");
            assertThat(outcome.dead().get(0).error()).hasMessage("no partition for boom");
            assertThat(read(base.resolve("a.txt")) + read(base.resolve("b.txt"))).isEqualTo("a.txt\nb.txt\n");
        }

        @Test
        void refusedNamesKeepNoDirectoryOpen() throws IOException {
            List<String> names = new java.util.ArrayList<>();
            for (int i = 0; i < 100; i++) {
                Files.createDirectories(base.resolve("d" + i + "/sub"));
                names.add("d" + i + "/sub");
            }
            names.add("probe");
            int[] openDuringTheRun = {-1};
            Outcome outcome = run(FileSinks.<String>partitioned(base, s -> {
                if (s.equals("probe")) {
                    openDuringTheRun[0] = dev.pipeline.connectors.testing.OpenFiles.under(base);
                }
                return s;
            }, FileFormat.lines()), Flux.fromIterable(names));
            assertThat(outcome.deadLettered()).isEqualTo(100);
            assertThat(openDuringTheRun[0]).as("descriptors under the base before the 101st item").isBetween(1, 2);
        }

        @ParameterizedTest
        @EnumSource(Kind.class)
        void aFileNameOfTheLongestLengthIsWrittenAtomically(Kind kind) {
            Outcome outcome = run(kind.sink(base, longest, Mode.ATOMIC.options()), "x");
            assertThat(outcome.error()).isNull();
            assertThat(read(base.resolve(longest))).contains("x");
            assertThat(FileSinkFixture.temporaries(base)).isZero();
        }
    }

    @Nested
    class LinksReplacedDuringTheRun {

        /**
         * Swaps {@code base/d} (holding an open partition) for a link to {@code outside}, after
         * planting there a file under the name of the sink's temporary file and a target of the
         * same name, so that a path-based rename or delete would hit them.
         */
        private void swapForALinkOutside(Path d) {
            try (Stream<Path> files = Files.list(d)) {
                for (Path temp : files.filter(p -> p.getFileName().toString().endsWith(".tmp")).collect(Collectors.toList())) {
                    Files.writeString(outside.resolve(temp.getFileName()), "planted\n");
                }
                Files.writeString(outside.resolve("x.txt"), "precious x\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            move(d, base.resolve("d-moved"));
            link(d, outside);
        }

        private Function<String, String> swappingOn(String trigger) {
            return s -> {
                if (s.equals(trigger)) {
                    swapForALinkOutside(base.resolve("d"));
                }
                return s.startsWith("new") ? "d/new.txt" : "d/x.txt";
            };
        }

        @ParameterizedTest
        @EnumSource(Mode.class)
        void aDirectorySwappedForALinkKeepsTheOpenFileInsideAndRefusesNewFilesThere(Mode mode) {
            Outcome outcome = run(FileSinks.partitioned(base, swappingOn("swap"), FileFormat.lines(), mode.options()),
                    "1", "swap", "2", "new");
            Map<String, String> outsideAfter = snapshot(outside);
            assertThat(outcome.error()).as("the run's error").isNull();
            assertThat(outsideAfter).containsEntry("x.txt", "file: precious x\n").containsEntry("precious.txt", "file: precious\n");
            assertThat(outsideAfter.values()).doesNotContain("file: 1\nswap\n2\n").allSatisfy(v -> assertThat(v).doesNotContain("swap"));
            assertThat(outsideAfter.keySet()).doesNotContain("new.txt");
            assertThat(read(base.resolve("d-moved/x.txt"))).isEqualTo("1\nswap\n2\n");
            assertThat(outcome.deadItems()).containsExactly("new");
            assertThat(FileSinkFixture.temporaries(base)).isZero();
        }

        @Test
        void aFailedRunAfterTheSwapDeletesOnlyItsOwnTemporaryFile() {
            Flux<String> items = Flux.just("1", "swap").concatWith(Flux.error(new IllegalStateException("upstream broke")));
            Outcome outcome = run(FileSinks.partitioned(base, swappingOn("swap"), FileFormat.lines()), items);
            assertThat(outcome.error()).isNotNull();
            Map<String, String> outsideAfter = snapshot(outside);
            assertThat(outsideAfter.entrySet().stream().filter(e -> e.getKey().endsWith(".tmp")))
                    .as("the planted file outside").singleElement()
                    .satisfies(e -> assertThat(e.getValue()).isEqualTo("file: planted\n"));
            assertThat(outsideAfter).containsEntry("x.txt", "file: precious x\n");
            assertThat(FileSinkFixture.temporaries(base)).isZero();
            assertThat(base.resolve("d-moved/x.txt")).doesNotExist();
        }

        @Test
        void aSingleFileSinksDirectorySwappedAfterItOpenedKeepsTheFileThere() throws IOException {
            Path d = Files.createDirectories(base.resolve("d"));
            Sinks.Many<String> feed = Sinks.many().unicast().onBackpressureBuffer();
            var running = Pipeline.from(Source.of("feed", feed.asFlux()))
                    .to(FileSinks.lines(d.resolve("x.txt"), WriteOptions.defaults().flushEvery(1))).run().toFuture();
            feed.tryEmitNext("1").orThrow();
            assertThat(dev.pipeline.connectors.testing.OpenFiles.eventually(() -> FileSinkFixture.temporaries(d) == 1)
                    .block(TIMEOUT)).as("the temporary file is open").isTrue();
            swapForALinkOutside(d);
            feed.tryEmitNext("2").orThrow();
            feed.tryEmitComplete().orThrow();
            running.join();
            Map<String, String> outsideAfter = snapshot(outside);
            assertThat(outsideAfter).containsEntry("x.txt", "file: precious x\n");
            assertThat(outsideAfter.entrySet().stream().filter(e -> e.getKey().endsWith(".tmp")))
                    .singleElement().satisfies(e -> assertThat(e.getValue()).isEqualTo("file: planted\n"));
            assertThat(read(base.resolve("d-moved/x.txt"))).isEqualTo("1\n2\n");
        }

        /**
         * A thread swaps {@code base/d} for a link out and back as fast as it can while the sink
         * opens a new file in it for every item: whatever the interleaving, nothing appears outside
         * and every item is either in a file under the base or dead-lettered.
         */
        @ParameterizedTest
        @EnumSource(Mode.class)
        void aDirectorySwappedBackAndForthForALinkNeverLetsTheSinkOut(Mode mode) throws Exception {
            for (int round = 0; round < 2; round++) {
                Raced raced = swapWhileWriting(mode, round, i -> "d/f" + i + ".txt");
                assertThat(snapshot(outside)).as("round " + round).isEqualTo(raced.outsideBefore());
            }
        }

        /**
         * The documented limit: the JDK has no {@code mkdirat}, so a directory the sink creates
         * ({@code base/d/e<i>}) is made by path, and {@code d} swapped for a link in that instant
         * makes it at the link's destination. Only that: empty directories, never a file.
         */
        @ParameterizedTest
        @EnumSource(Mode.class)
        void aDirectoryCreatedWhileItsParentIsSwappedCanOnlyLeaveAnEmptyDirectoryOutside(Mode mode) throws Exception {
            for (int round = 0; round < 2; round++) {
                Raced raced = swapWhileWriting(mode, round, i -> "d/e" + i + "/f.txt");
                Map<String, String> after = snapshot(outside);
                assertThat(after).as("round " + round).containsAllEntriesOf(raced.outsideBefore());
                after.keySet().removeAll(raced.outsideBefore().keySet());
                assertThat(after.values()).as("round " + round + ": new entries outside").allSatisfy(v -> assertThat(v).isEqualTo("dir"));
            }
        }

        /** What {@link #swapWhileWriting} saw. */
        record Raced(Map<String, String> outsideBefore, Outcome outcome) {
        }

        /** Runs a partitioned sink over 1,000 names while a thread swaps {@code d} for a link out; checks the accounting. */
        private Raced swapWhileWriting(Mode mode, int round, IntFunction<String> name) throws Exception {
            int items = 1000;
            Path roundBase = Files.createDirectories(base.resolve("round" + round));
            Path d = Files.createDirectories(roundBase.resolve("d"));
            Path linkAside = roundBase.resolve("d.link");
            link(linkAside, outside);
            Map<String, String> before = snapshot(outside);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger swaps = new AtomicInteger();
            Thread swapper = new Thread(() -> swapUntil(stop, swaps, roundBase, d, linkAside), "swapper");
            swapper.start();
            Outcome outcome;
            try {
                outcome = run(FileSinks.<String>partitioned(roundBase, s -> s, FileFormat.lines(), mode.options()),
                        Flux.range(0, items).map(name::apply));
            } finally {
                stop.set(true);
                swapper.join(TIMEOUT.toMillis());
            }
            assertThat(outcome.error()).as("round " + round + ": the run's error").isNull();
            long inFiles;
            try (Stream<Path> files = Files.walk(roundBase)) {
                inFiles = files.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).map(FileSinksSafetyTest::read)
                        .mapToLong(s -> s.lines().count()).sum();
            }
            assertThat(inFiles + outcome.deadLettered()).as("round " + round + ": written + dead-lettered").isEqualTo(items);
            assertThat(((PartitionedWriteResult) outcome.report().result().get()).items()).isEqualTo(inFiles);
            assertThat(FileSinkFixture.temporaries(roundBase)).isZero();
            assertThat(swaps.get()).as("round " + round + ": times d was a link").isPositive();
            return new Raced(before, outcome);
        }

        private void swapUntil(AtomicBoolean stop, AtomicInteger swaps, Path roundBase, Path d, Path linkAside) {
            int n = 0;
            while (!stop.get()) {
                int aside = ++n;
                // each step may lose a race with the sink creating d: then it does nothing this time
                tryTo(() -> {
                    if (Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
                        move(d, roundBase.resolve("d.real" + aside));
                    }
                });
                tryTo(() -> {
                    move(linkAside, d);
                    swaps.incrementAndGet();
                });
                tryTo(() -> {
                    if (Files.isSymbolicLink(d)) {
                        move(d, linkAside);
                    }
                });
                if (n % 2 == 0) {
                    tryTo(() -> Files.createDirectory(d));
                }
            }
        }
    }

    interface Step {
        void run() throws IOException;
    }

    /** For the swapping thread: whether the step was done (false: it lost a race, the next round tries again). */
    static boolean tryTo(Step step) {
        try {
            step.run();
            return true;
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }
}
