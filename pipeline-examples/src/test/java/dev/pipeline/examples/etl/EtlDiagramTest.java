package dev.pipeline.examples.etl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import dev.pipeline.connectors.file.WriteOptions;
import dev.pipeline.connectors.r2dbc.R2dbc;
import io.r2dbc.pool.ConnectionPool;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The README's diagram of the ETL is the ETL's own pipeline drawn by {@code toMermaid()}, not a
 * drawing: this test fails when they differ ({@code -Ddocs.update=true} rewrites the README).
 */
class EtlDiagramTest {

    static final String MARKER = "<!-- etl-diagram: drawn from the pipeline by EtlDiagramTest -->";

    @Test
    void theReadmeShowsTheEtlsOwnDiagram() throws IOException {
        Etl etl = new Etl();
        new CommandLine(etl).setCaseInsensitiveEnumValuesAllowed(true).parseArgs();
        ConnectionPool pool = R2dbc.pool("r2dbc:h2:mem:///diagram;DB_CLOSE_DELAY=-1", 10);
        String mermaid;
        try {
            mermaid = etl.job(URI.create("http://127.0.0.1:1/"),
                    dev.pipeline.core.Source.fromIterable("pages", () -> java.util.stream.IntStream.rangeClosed(1, 50).boxed().iterator()), pool, Path.of("rejected.ndjson"), Path.of("audit.ndjson"),
                    WriteOptions.defaults()).toMermaid();
        } finally {
            pool.dispose();
        }
        assertThat(mermaid).contains("-->|audit|").contains("-.->|dead letters|");

        Path readme = root().resolve("README.md");
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int at = text.indexOf(MARKER);
        assertThat(at).as("README.md has the marker " + MARKER).isNotNegative();
        int open = text.indexOf("```mermaid\n", at);
        int close = text.indexOf("```", open + 11);
        String block = "```mermaid\n" + mermaid;
        String current = text.substring(open, close);
        if (Boolean.getBoolean("docs.update") && !current.equals(block)) {
            Files.writeString(readme, text.substring(0, open) + block + text.substring(close), StandardCharsets.UTF_8);
            return;
        }
        assertThat(current).as("README.md's ETL diagram (run with -Ddocs.update=true to redraw it)").isEqualTo(block);
    }

    private static Path root() {
        Path p = Paths.get("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("README.md"))) {
            p = p.getParent();
        }
        return p;
    }
}
