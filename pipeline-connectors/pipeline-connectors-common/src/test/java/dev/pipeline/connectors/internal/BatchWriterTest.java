package dev.pipeline.connectors.internal;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.pipeline.connectors.internal.BatchWriter.Counts;
import dev.pipeline.connectors.internal.BatchWriter.Row;
import dev.pipeline.connectors.testing.RecordingContext;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@link BatchWriter} does on the gathering thread before a batch reaches its target. */
class BatchWriterTest {

    /** {@code String.hash}, read through reflection (the test's JVM opens java.lang, see the pom). */
    private static int cachedHash(String s) throws ReflectiveOperationException {
        Field hash = String.class.getDeclaredField("hash");
        hash.setAccessible(true);
        return hash.getInt(s);
    }

    /** A target that records, for each row it is given, the non-empty strings whose hash is not computed yet. */
    private static BatchWriter.Target<Integer> recording(List<Integer> seen, List<String> unhashed) {
        return new BatchWriter.Target<>() {
            @Override
            public Mono<Long> execute(List<Row<Integer>> rows) {
                return Mono.fromCallable(() -> {
                    for (Row<Integer> row : rows) {
                        seen.add(row.item());
                        for (Object v : row.values()) {
                            // "" hashes to 0 and null is no String: only non-empty strings count
                            if (v instanceof String s && !s.isEmpty() && cachedHash(s) == 0) {
                                unhashed.add(s);
                            }
                        }
                    }
                    return (long) rows.size();
                });
            }

            @Override
            public boolean isDataError(Throwable e) {
                return false;
            }

            @Override
            public Throwable rejection(Throwable e) {
                return e;
            }
        };
    }

    /** Fresh strings, made on the gathering thread by the binder; a null, an empty string and a number beside them. */
    private static BatchWriter<Integer> writer() {
        return new BatchWriter<>(i -> {
            List<Object> values = new ArrayList<>();
            values.add(i);
            values.add("name-" + i);
            values.add(i % 3 == 0 ? null : "x".repeat(50) + i);
            values.add("");
            return values;
        }, 100, Duration.ofMinutes(5), 2, Schedulers.parallel());
    }

    @Test
    void everyStringValueHasItsHashComputedBeforeTheBatchReachesTheTargetOnItsLane() throws Exception {
        assertThat(cachedHash(new String("fresh"))).as("a new String's hash is not computed yet").isZero();
        List<String> unhashed = new CopyOnWriteArrayList<>();
        List<Integer> seen = new CopyOnWriteArrayList<>();
        Scheduler lanes = Schedulers.newBoundedElastic(2, 8, "batch-writer-test", 60, true);
        try {
            RecordingContext ctx = RecordingContext.inline();
            Counts counts = writer().run(Flux.range(0, 5_000), ctx, recording(seen, unhashed), lanes).block(Duration.ofSeconds(30));
            assertThat(counts).isEqualTo(new Counts(5_000, 0, 50));
            assertThat(seen).hasSize(5_000);
            assertThat(ctx.completed.get()).isEqualTo(5_000);
            assertThat(unhashed).as("strings whose hash the writing thread would have had to compute").isEmpty();
        } finally {
            lanes.dispose();
        }
    }

    @Test
    void theNonBlockingFormLeavesTheStringsAsTheBinderMadeThem() throws Exception {
        List<String> unhashed = new CopyOnWriteArrayList<>();
        List<Integer> seen = new CopyOnWriteArrayList<>();
        RecordingContext ctx = RecordingContext.inline();
        Counts counts = writer().run(Flux.range(0, 1_000), ctx, recording(seen, unhashed)).block(Duration.ofSeconds(30));
        assertThat(counts).isEqualTo(new Counts(1_000, 0, 10));
        assertThat(seen).hasSize(1_000);
        // two strings per row, but the payload only for rows not divisible by 3: 1,000 names and 666 payloads
        assertThat(unhashed).as("r2dbc-h2 binds strings through its CLOB codec: nothing to hash for it").hasSize(1_000 + 666);
    }

    @Test
    void hashingLeavesTheValuesAsTheyWere() throws Exception {
        String s = new String("payload-1");
        List<Object> values = new ArrayList<>();
        values.add(null);
        values.add(s);
        values.add(7L);
        List<Object> copy = new ArrayList<>(values);
        BatchWriter.hashStrings(values);
        assertThat(values).isEqualTo(copy);
        assertThat(values.get(1)).isSameAs(s);
        assertThat(cachedHash(s)).isEqualTo("payload-1".hashCode()).isNotZero();
    }
}
