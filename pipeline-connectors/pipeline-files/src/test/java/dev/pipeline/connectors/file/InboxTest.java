package dev.pipeline.connectors.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

import dev.pipeline.test.SourceContract;
import dev.pipeline.connectors.testing.OpenFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class InboxTest implements SourceContract<Path> {

    @TempDir
    Path dir;

    Path inbox;
    int inotifyBefore;

    @BeforeEach
    void setUp() throws IOException {
        inbox = Files.createDirectories(dir.resolve("inbox"));
        for (String name : List.of("a.csv", "b.csv", "c.csv", "skip.txt")) {
            Files.writeString(inbox.resolve(name), name);
        }
        inotifyBefore = OpenFiles.under(null);
    }

    @Override
    public Flux<Path> subject() {
        return FileSources.inboxOnce(inbox, "*.csv").flux().map(InboxFile::path);
    }

    @Override
    public Flux<Path> failingSubject() {
        return FileSources.inbox(dir.resolve("missing"), "*").flux().map(InboxFile::path);
    }

    @Override
    public Mono<Boolean> released() {
        return OpenFiles.eventually(() -> OpenFiles.under(null) <= inotifyBefore && OpenFiles.under(dir) == 0);
    }

    @AfterEach
    void nothingLeftOpen() {
        assertThat(released().block(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void emitsTheFilesThereThenNewOnesAsTheyArriveAndReleasesTheWatchOnCancel() throws IOException {
        Path staging = Files.createDirectories(dir.resolve("staging"));
        Path late = Files.writeString(staging.resolve("d.csv"), "d");
        StepVerifier.create(FileSources.inbox(inbox, "*.csv").flux().map(f -> f.path().getFileName().toString()))
                .expectNext("a.csv", "b.csv", "c.csv")
                .then(() -> move(late, inbox.resolve("d.csv")))
                .expectNext("d.csv")
                .thenCancel()
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void movesEachFileToDoneOrFailed() {
        StepVerifier.create(FileSources.inboxOnce(inbox, "*.csv").flux()
                        .concatMap(f -> f.path().getFileName().toString().startsWith("b") ? f.failed() : f.done()))
                .expectNext(inbox.resolve("done/a.csv"), inbox.resolve("failed/b.csv"), inbox.resolve("done/c.csv"))
                .verifyComplete();
        assertThat(inbox.resolve("a.csv")).doesNotExist();
        assertThat(inbox.resolve("skip.txt")).exists();
        StepVerifier.create(FileSources.inboxOnce(inbox, "*.csv").flux()).verifyComplete();
    }

    @Test
    void processMovesToDoneOnSuccessAndToFailedOnErrorPassingTheErrorOn() {
        StepVerifier.create(FileSources.inboxOnce(inbox, "*.csv").flux()
                        .concatMap(f -> f.process(p -> p.getFileName().toString().startsWith("b")
                                ? Mono.<String>error(new IllegalStateException("bad " + p.getFileName()))
                                : Mono.just(p.getFileName().toString()))
                                .onErrorResume(e -> Mono.just(e.getMessage()))))
                .expectNext("a.csv", "bad b.csv", "c.csv")
                .verifyComplete();
        assertThat(inbox.resolve("done/a.csv")).exists();
        assertThat(inbox.resolve("failed/b.csv")).exists();
        assertThat(inbox.resolve("done/c.csv")).exists();
    }

    @Test
    void aDoneOrFailedDirectoryThatIsALinkIsRefusedAndTheFileStaysInTheInbox() throws IOException {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("a.csv"), "precious");
        Files.createSymbolicLink(inbox.resolve("done"), outside);
        Files.createSymbolicLink(inbox.resolve("failed"), dir.resolve("nowhere"));
        StepVerifier.create(FileSources.inboxOnce(inbox, "a.csv").flux().concatMap(InboxFile::done))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining(inbox.resolve("done").toString()).hasMessageContaining("symbolic link"))
                .verify(Duration.ofSeconds(10));
        StepVerifier.create(FileSources.inboxOnce(inbox, "a.csv").flux().concatMap(InboxFile::failed))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining(inbox.resolve("failed").toString()).hasMessageContaining("symbolic link"))
                .verify(Duration.ofSeconds(10));
        assertThat(Files.readString(outside.resolve("a.csv"))).isEqualTo("precious");
        assertThat(dir.resolve("nowhere")).doesNotExist();
        assertThat(Files.readString(inbox.resolve("a.csv"))).isEqualTo("a.csv");
    }

    @Test
    void aFileMovedToDoneReplacesALinkThereWithoutFollowingIt() throws IOException {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Path precious = Files.writeString(outside.resolve("precious.csv"), "precious");
        Files.createDirectories(inbox.resolve("done"));
        Files.createSymbolicLink(inbox.resolve("done/a.csv"), precious);
        StepVerifier.create(FileSources.inboxOnce(inbox, "a.csv").flux().concatMap(InboxFile::done))
                .expectNext(inbox.resolve("done/a.csv"))
                .verifyComplete();
        assertThat(Files.readString(precious)).isEqualTo("precious");
        assertThat(Files.isSymbolicLink(inbox.resolve("done/a.csv"))).isFalse();
        assertThat(Files.readString(inbox.resolve("done/a.csv"))).isEqualTo("a.csv");
    }

    private static void move(Path from, Path to) {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
