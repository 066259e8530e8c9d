package dev.pipeline.connectors.r2dbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class InsertOptionsTest {

    private static final String MESSAGE = "InsertOptions: maxWait (PT0.05S) does nothing with batchSize 1:"
            + " each row is written at once; leave maxWait unset or raise batchSize";

    @Test
    void aWaitWithBatchesOfOneIsRefusedInEitherOrder() {
        assertThatThrownBy(() -> InsertOptions.defaults().batchSize(1).maxWait(Duration.ofMillis(50)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(MESSAGE);
        assertThatThrownBy(() -> InsertOptions.defaults().maxWait(Duration.ofMillis(50)).concurrency(2).batchSize(1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(MESSAGE);
    }

    @Test
    void batchesOfOneKeepTheDefaultWaitWhichTheyNeverUse() {
        InsertOptions one = InsertOptions.defaults().batchSize(1);
        assertThat(one.maxWait()).isEqualTo(InsertOptions.DEFAULT_MAX_WAIT);
        assertThat(InsertOptions.defaults().maxWait(Duration.ofMillis(50)).batchSize(2).maxWait()).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void theNameIsTheSinksNotAnOption() {
        assertThat(java.util.Arrays.stream(InsertOptions.class.getMethods()).map(java.lang.reflect.Method::getName))
                .doesNotContain("name", "nameOr");
        assertThat(java.util.Arrays.stream(QueryOptions.class.getMethods()).map(java.lang.reflect.Method::getName))
                .doesNotContain("name", "nameOr");
    }
}
