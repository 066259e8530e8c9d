package dev.pipeline.connectors.kafka;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaSourceOptionsTest {

    private final KafkaSourceOptions base = KafkaSourceOptions.of("127.0.0.1:9092", "g", "a", "b");

    @Test
    void eachOptionReturnsAChangedCopy() {
        KafkaSourceOptions changed = base.maxInFlight(100).maxInFlightPerPartition(10).revocationGrace(Duration.ofSeconds(1));
        assertThat(base.maxInFlight()).isEqualTo(KafkaSourceOptions.DEFAULT_MAX_IN_FLIGHT);
        assertThat(changed.maxInFlight()).isEqualTo(100);
        assertThat(changed.maxInFlightPerPartition()).isEqualTo(10);
        assertThat(changed.revocationGrace()).isEqualTo(Duration.ofSeconds(1));
        assertThat(changed.topics()).containsExactly("a", "b");
    }

    @Test
    void theDefaultPerPartitionBoundFollowsALowerTotal() {
        assertThat(base.maxInFlight(100).maxInFlightPerPartition()).isEqualTo(100);
        assertThat(base.maxInFlightPerPartition()).isEqualTo(KafkaSourceOptions.DEFAULT_MAX_IN_FLIGHT_PER_PARTITION);
    }

    @Test
    void toStringMasksSecrets() {
        KafkaSourceOptions o = base.property("sasl.jaas.config", "PlainLoginModule required username=\"u\" password=\"hunter2\";")
                .property("ssl.truststore.password", "s3cret").property("security.protocol", "SASL_SSL");
        assertThat(o.toString()).contains("sasl.jaas.config=****", "ssl.truststore.password=****", "security.protocol=SASL_SSL")
                .doesNotContain("hunter2", "s3cret");
    }

    @Test
    void refusesPropertiesTheSourceOwns() {
        assertThatThrownBy(() -> base.property("enable.auto.commit", true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("enable.auto.commit");
    }

    @Test
    void refusesAPerPartitionBoundAboveTheTotal() {
        assertThatThrownBy(() -> base.maxInFlight(10).maxInFlightPerPartition(20))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxInFlightPerPartition (20) exceeds maxInFlight (10)");
    }

    @Test
    void refusesMissingTopicsAndBadBounds() {
        assertThatThrownBy(() -> KafkaSourceOptions.of("h:1", "g")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("topics");
        assertThatThrownBy(() -> base.maxInFlight(0)).hasMessage("maxInFlight must be > 0, was 0");
    }
}
