package dev.pipeline.connectors.file;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import dev.pipeline.test.SourceContract;
import dev.pipeline.connectors.testing.OpenFiles;
import org.junit.jupiter.api.AfterEach;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The connector contract for file sources reading under {@link #dir()}: released means no
 * descriptor open there, checked after every test too; {@link #write} makes input files.
 *
 * @param <T> the item type
 */
interface FileSourceContract<T> extends SourceContract<T> {

    /** The directory the test's input files live in. */
    Path dir();

    @Override
    default Mono<Boolean> released() {
        return OpenFiles.noneUnder(dir());
    }

    @AfterEach
    default void noHandleLeft() {
        assertThat(released().block(Duration.ofSeconds(10))).as("open descriptors under " + dir()).isTrue();
    }

    /** Writes {@code text} (UTF-8) to {@code name} under {@link #dir()}. */
    default Path write(String name, String text) {
        return write(name, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes {@code bytes} to {@code name} under {@link #dir()}. */
    default Path write(String name, byte[] bytes) {
        try {
            return Files.write(dir().resolve(name), bytes);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
