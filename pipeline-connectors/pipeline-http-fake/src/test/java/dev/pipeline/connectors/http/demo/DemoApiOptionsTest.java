package dev.pipeline.connectors.http.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class DemoApiOptionsTest {

    @Test
    void faultRatesAddingUpToMoreThanOneAreRefusedNamingEachRate() {
        assertThatThrownBy(() -> DemoApiOptions.defaults().errorRate(0.5).dropRate(0.25).malformedRate(0.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("DemoApiOptions: errorRate (0.5) + dropRate (0.25) + malformedRate (0.5) must be <= 1, was 1.25;"
                        + " each request meets at most one fault");
        DemoApiOptions full = DemoApiOptions.defaults().errorRate(0.5).dropRate(0.25).malformedRate(0.25);
        assertThat(full.errorRate() + full.dropRate() + full.malformedRate()).isEqualTo(1.0);
    }

    @Test
    void aLatencyRangeEndingBeforeItStartsIsRefused() {
        assertThatThrownBy(() -> DemoApiOptions.defaults().latency(Duration.ofMillis(50), Duration.ofMillis(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("DemoApiOptions.latency: max must be >= min (PT0.05S), was PT0.005S");
    }

    @Test
    void oneOptionsValueStartsSeveralServers() {
        DemoApiOptions small = DemoApiOptions.defaults().totalRecords(10).seed(7);
        try (DemoApiServer a = DemoApiServer.start(small); DemoApiServer b = DemoApiServer.start(small)) {
            assertThat(a.port()).isNotEqualTo(b.port());
            assertThat(a.options()).isSameAs(small);
            assertThat(a.invalidRecords()).isEqualTo(b.invalidRecords());
        }
    }
}
