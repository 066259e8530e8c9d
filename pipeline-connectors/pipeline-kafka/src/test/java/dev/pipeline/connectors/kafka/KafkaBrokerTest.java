package dev.pipeline.connectors.kafka;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** The test broker starts, serves, and is stopped after the class. */
class KafkaBrokerTest {

    @RegisterExtension
    static final KafkaBroker BROKER = new KafkaBroker();

    @Test
    void createsTopicsAndReportsNoOffsetsForANewGroup() {
        BROKER.createTopic("broker-test", 2);
        assertThat(BROKER.committed("nobody", "broker-test")).isEmpty();
    }
}
