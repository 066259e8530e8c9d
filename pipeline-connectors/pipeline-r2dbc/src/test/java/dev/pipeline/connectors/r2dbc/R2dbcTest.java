package dev.pipeline.connectors.r2dbc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.pipeline.connectors.r2dbc.internal.SqlScript;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.Source;
import io.r2dbc.pool.ConnectionPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class R2dbcTest {

    @TempDir
    Path dir;

    @Test
    void anUnreachableDatabaseFailsNamingHostAndPortButNeverThePassword() {
        ConnectionPool pool = R2dbc.pool("r2dbc:postgresql://postgres:s3cr3t-pw@127.0.0.1:1/test", 2);
        try {
            StepVerifier.create(Pipeline.from(Source.fromIterable("n", List.of(1)))
                            .to(R2dbcSinks.insert(pool, "INSERT INTO t (id) VALUES ($1)", (Integer i) -> List.of(i))).run())
                    .expectErrorSatisfies(e -> {
                        assertThat(e).hasStackTraceContaining("127.0.0.1:1")
                                .hasStackTraceContaining("cannot connect to postgresql database 'test' at 127.0.0.1:1 as user 'postgres'");
                        assertThat(stackTrace(e)).doesNotContain("s3cr3t-pw");
                        assertThat(e).hasRootCauseInstanceOf(Throwable.class);
                    })
                    .verify(Duration.ofSeconds(30));
            assertThat(pool.toString()).doesNotContain("s3cr3t-pw");
            assertThat(pool.getMetrics().orElseThrow().acquiredSize()).isZero();
        } finally {
            pool.dispose();
        }
    }

    @Test
    void aMalformedUrlOrAMissingDriverSaysSoWithoutThePassword() {
        assertThatThrownBy(() -> R2dbc.pool("r2dbc:nosuchdb://u:topsecret@host:5/db"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no R2DBC driver for nosuchdb")
                .hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> R2dbc.pool("not a url password=topsecret"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("topsecret");
    }

    @Test
    void redactsPasswordsInUrls() {
        assertThat(R2dbc.redact("r2dbc:postgresql://app:pa55@db:5432/shop")).isEqualTo("r2dbc:postgresql://app:****@db:5432/shop");
        assertThat(R2dbc.redact("r2dbc:postgresql://db/shop?user=app&password=pa55&ssl=true"))
                .isEqualTo("r2dbc:postgresql://db/shop?user=app&password=****&ssl=true");
        assertThat(R2dbc.redact("r2dbc:h2:mem:///x")).isEqualTo("r2dbc:h2:mem:///x");
    }

    @Test
    void upsertRefusesNamesThatAreNotPlainIdentifiers() {
        assertThatThrownBy(() -> R2dbcSinks.upsert(io.r2dbc.spi.ConnectionFactories.get("r2dbc:h2:mem:///never"), "t; DROP TABLE x", List.of("id"),
                List.of("id"), (Integer i) -> List.of(i)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("plain SQL identifier");
        assertThatThrownBy(() -> R2dbcSinks.upsert(io.r2dbc.spi.ConnectionFactories.get("r2dbc:h2:mem:///never"), "t", List.of("key"),
                List.of("id"), (Integer i) -> List.of(i)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key column 'key' is not among the columns");
    }

    @Test
    void splitsScriptsOnSemicolonsOutsideQuotesCommentsAndDollarQuotes() {
        assertThat(SqlScript.split("""
                -- comment; here
                CREATE TABLE a (x INT); INSERT INTO a VALUES (1);
                INSERT INTO b VALUES ('x;y', "we;ird");
                CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;
                /* ; */ ;
                """)).containsExactly("CREATE TABLE a (x INT)", "INSERT INTO a VALUES (1)",
                "INSERT INTO b VALUES ('x;y', \"we;ird\")", "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql");
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void executesAScriptFileAndAClasspathResource(Db db) throws IOException {
        try (Db.Fixture f = db.open(2)) {
            String suffix = Long.toHexString(System.nanoTime());
            String text = new String(getClass().getResourceAsStream("/sql/schema.sql").readAllBytes()).replace("REPLACE", suffix);
            Path script = Files.writeString(dir.resolve("schema.sql"), text);
            StepVerifier.create(R2dbc.executeScript(f.pool, script)).expectNext(4).verifyComplete();
            List<String> notes = R2dbcSources.query(f.pool, "SELECT note FROM script_items_" + suffix + " ORDER BY id", List.of(),
                    row -> row.get("note", String.class)).flux().collectList().block(Duration.ofSeconds(30));
            assertThat(notes).containsExactly("one, with comma", "it's two");
            f.sql("DROP TABLE script_items_" + suffix);
            StepVerifier.create(R2dbc.executeScript(f.pool, "sql/check.sql"))
                    .expectNext(2)
                    .verifyComplete();
            StepVerifier.create(R2dbc.executeScript(f.pool, "sql/missing.sql"))
                    .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("no classpath resource 'sql/missing.sql'"))
                    .verify(Duration.ofSeconds(10));
            StepVerifier.create(R2dbc.executeScript(f.pool, dir.resolve("missing.sql")))
                    .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("missing.sql"))
                    .verify(Duration.ofSeconds(10));
        }
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void aFailingScriptStatementIsNamed(Db db) throws IOException {
        try (Db.Fixture f = db.open(2)) {
            Path script = Files.writeString(dir.resolve("bad.sql"), "SELECT 1;\nSELEC oops;\n");
            StepVerifier.create(R2dbc.executeScript(f.pool, script))
                    .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("bad.sql").hasMessageContaining("SELEC oops"))
                    .verify(Duration.ofSeconds(30));
        }
    }

    private static String stackTrace(Throwable e) {
        java.io.StringWriter out = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }
}
