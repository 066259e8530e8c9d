package dev.pipeline.connectors.file;

import java.io.IOException;

import dev.pipeline.connectors.file.internal.OpenDirectory;
import dev.pipeline.connectors.file.internal.TargetFile;

/** One open file of a sink and its encoder. */
final class Writing<T> {

    final TargetFile file;
    final FileFormat.Encoder<T> encoder;

    private Writing(TargetFile file, FileFormat.Encoder<T> encoder) {
        this.file = file;
        this.encoder = encoder;
    }

    /** Opens {@code name} in {@code dir} and writes the format's header; the caller closes {@code dir} after the file. */
    static <T> Writing<T> open(OpenDirectory dir, String name, FileFormat<T> format, WriteOptions options) throws IOException {
        TargetFile file = TargetFile.open(dir, name, options);
        try {
            String header = format.headerLine();
            if (header != null) {
                file.writeHeader(header);
            }
            return new Writing<>(file, format.encoder(options));
        } catch (RuntimeException e) {
            try {
                file.abort();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }
}
