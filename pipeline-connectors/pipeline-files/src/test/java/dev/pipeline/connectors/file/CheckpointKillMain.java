package dev.pipeline.connectors.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import dev.pipeline.core.AckReport;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.Sink;

/**
 * The child JVM of {@link CheckpointTest}'s kill test: copies the lines of a file into another
 * (each written straight to the OS, so a SIGKILL loses none that were written) through a
 * checkpointed source, prints {@code READY} once {@code readyAfter} lines are stored, and at the
 * end prints {@code REDELIVERED <n>}.
 * Arguments: input output checkpoint readyAfter.
 */
public final class CheckpointKillMain {

    private CheckpointKillMain() {
    }

    public static void main(String[] args) throws IOException {
        Path input = Path.of(args[0]);
        Path output = Path.of(args[1]);
        Path checkpoint = Path.of(args[2]);
        long readyAfter = Long.parseLong(args[3]);
        AtomicLong stored = new AtomicLong();
        try (FileChannel out = FileChannel.open(output, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            PipelineReport<Void> report = Pipeline.from(FileSources.lines(input, ReadOptions.defaults()
                            .checkpoint(checkpoint).checkpointEvery(Duration.ofMillis(20))))
                    .to(Sink.forEach("copy", (String line) -> {
                        try {
                            out.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                        if (stored.incrementAndGet() == readyAfter) {
                            System.out.println("READY");
                            System.out.flush();
                        }
                    }))
                    .run().block();
            AckReport acks = report.acks().get(0);
            System.out.println("REDELIVERED " + acks.redelivered());
            System.out.flush();
        }
    }
}
