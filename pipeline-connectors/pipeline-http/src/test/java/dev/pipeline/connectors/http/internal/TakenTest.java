package dev.pipeline.connectors.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonFactory;
import org.junit.jupiter.api.Test;

class TakenTest {

    static final JsonFactory JSON = new JsonFactory();

    static Taken read(String body, int sent) {
        return Taken.read(JSON, body.getBytes(StandardCharsets.UTF_8), sent);
    }

    @Test
    void readsTheIngestServersCountsWhereverTheyAreInTheObject() {
        assertThat(read("{\"accepted\":37,\"rejected\":2,\"error\":\"queue full\"}", 100)).isEqualTo(new Taken(37, 2));
        assertThat(read("{\"error\":{\"detail\":[1,{\"accepted\":99}]},\"accepted\":5}", 100))
                .as("nested fields are not the counts; rejected defaults to 0").isEqualTo(new Taken(5, 0));
        assertThat(read("{\"accepted\":60,\"rejected\":40}", 100)).isEqualTo(new Taken(60, 40));
    }

    @Test
    void givesNoCountsForABodyThatDoesNotStateThemAsIntegersThatFitTheRequest() {
        assertThat(read("", 10)).isNull();
        assertThat(read("bad gateway", 10)).isNull();
        assertThat(read("[{\"accepted\":1}]", 10)).isNull();
        assertThat(read("{\"error\":503}", 10)).isNull();
        assertThat(read("{\"rejected\":1}", 10)).as("no accepted").isNull();
        assertThat(read("{\"accepted\":\"3\"}", 10)).isNull();
        assertThat(read("{\"accepted\":3.0}", 10)).isNull();
        assertThat(read("{\"accepted\":3,\"rejected\":null}", 10)).isNull();
        assertThat(read("{\"accepted\":-1}", 10)).isNull();
        assertThat(read("{\"accepted\":11}", 10)).isNull();
        assertThat(read("{\"accepted\":6,\"rejected\":5}", 10)).isNull();
        assertThat(read("{\"accepted\":9223372036854775807,\"rejected\":9223372036854775807}", 10)).isNull();
        assertThat(read("{\"accepted\":99999999999999999999999}", 10)).isNull();
        assertThat(read("{\"accepted\":3,", 10)).as("a body cut short").isNull();
    }
}
