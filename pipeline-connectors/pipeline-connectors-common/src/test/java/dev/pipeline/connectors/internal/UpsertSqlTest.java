package dev.pipeline.connectors.internal;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The upsert statement both database modules build, per product and marker style. */
class UpsertSqlTest {

    private final UpsertSql people = new UpsertSql("shop.people", List.of("id"), List.of("id", "name", "payload"));

    @Test
    void h2GetsMergeWithTheDriversMarkers() {
        assertThat(people.sql("H2", UpsertSql.QUESTION))
                .isEqualTo("MERGE INTO shop.people (id, name, payload) KEY (id) VALUES (?, ?, ?)");
        assertThat(people.sql("H2", UpsertSql.DOLLAR))
                .isEqualTo("MERGE INTO shop.people (id, name, payload) KEY (id) VALUES ($1, $2, $3)");
    }

    @Test
    void postgresGetsOnConflictUpdatingEveryNonKeyColumnOrNothingWhenAllAreKeys() {
        assertThat(people.sql("PostgreSQL", UpsertSql.QUESTION)).isEqualTo("INSERT INTO shop.people (id, name, payload) VALUES (?, ?, ?)"
                + " ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, payload = EXCLUDED.payload");
        assertThat(new UpsertSql("tags", List.of("a", "b"), List.of("a", "b")).sql("PostgreSQL", UpsertSql.DOLLAR))
                .isEqualTo("INSERT INTO tags (a, b) VALUES ($1, $2) ON CONFLICT (a, b) DO NOTHING");
    }

    @Test
    void anotherDatabaseIsRefusedWithWhatToDoInstead() {
        assertThatThrownBy(() -> people.sql("MySQL", UpsertSql.QUESTION))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("upsert supports H2 and PostgreSQL, not MySQL; use insert() with your database's upsert statement");
    }

    @Test
    void namesMustBePlainIdentifiersAndKeysAmongTheColumns() {
        assertThatThrownBy(() -> new UpsertSql("people; DROP TABLE x", List.of("id"), List.of("id")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("table must be a plain SQL identifier (letters, digits, _), was 'people; DROP TABLE x'");
        assertThatThrownBy(() -> new UpsertSql("people", List.of("id"), List.of("id", "na me")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("column must be a plain SQL identifier");
        assertThatThrownBy(() -> new UpsertSql("people", List.of("key"), List.of("id", "name")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("key column 'key' is not among the columns [id, name]");
        assertThatThrownBy(() -> new UpsertSql("people", List.of(), List.of("id")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("keyColumns and columns must not be empty");
        assertThatThrownBy(() -> new UpsertSql("people", null, List.of("id")))
                .isInstanceOf(NullPointerException.class).hasMessage("keyColumns must not be null");
    }
}
