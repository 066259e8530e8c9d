package dev.pipeline.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

/**
 * resilience4j and Micrometer are optional: a pipeline runs, and reports, with only this
 * module, reactor-core and slf4j-api on the class path.
 */
class OptionalDependenciesTest {

    private static URL location(Class<?> type) {
        return type.getProtectionDomain().getCodeSource().getLocation();
    }

    @Test
    void aPipelineRunsWithoutResilience4jOrMicrometer() throws Exception {
        URL[] path = {location(Pipeline.class), location(Flux.class), location(Publisher.class), location(LoggerFactory.class)};
        try (URLClassLoader bare = new URLClassLoader(path, ClassLoader.getPlatformClassLoader())) {
            assertThat(bare.getResource("io/github/resilience4j/circuitbreaker/CircuitBreaker.class")).isNull();
            Class<?> source = bare.loadClass(Source.class.getName());
            Class<?> stage = bare.loadClass(Stage.class.getName());
            Class<?> sink = bare.loadClass(Sink.class.getName());
            Class<?> pipeline = bare.loadClass(Pipeline.class.getName());
            Class<?> builder = bare.loadClass(PipelineBuilder.class.getName());
            // frameworks reflect on API types: their signatures must not name an optional type
            for (Class<?> api : List.of(source, stage, sink, pipeline, builder, bare.loadClass(PipelineReport.class.getName()),
                    bare.loadClass(StageContext.class.getName()), bare.loadClass(StageReport.class.getName()))) {
                assertThat(api.getMethods()).isNotEmpty();
            }

            Object numbers = source.getMethod("fromIterable", String.class, Iterable.class).invoke(null, "n", List.of(1, 2, 3));
            Function<Integer, Integer> twice = n -> n * 2;
            Object doubled = stage.getMethod("mapAsync", String.class, Function.class).invoke(null, "double",
                    (Function<Integer, Object>) n -> monoJust(bare, twice.apply(n)));
            Object b = pipeline.getMethod("from", source).invoke(null, numbers);
            b = builder.getMethod("then", stage).invoke(b, doubled);
            Object p = builder.getMethod("to", sink).invoke(b, sink.getMethod("collect", String.class).invoke(null, "out"));
            Object mono = pipeline.getMethod("run").invoke(p);
            Object report = mono.getClass().getMethod("block", Duration.class).invoke(mono, Duration.ofSeconds(10));

            assertThat(((Optional<?>) report.getClass().getMethod("result").invoke(report)).orElseThrow()).isEqualTo(List.of(2, 4, 6));
            assertThat((List<?>) report.getClass().getMethod("breakers").invoke(report)).isEmpty();
            assertThat(report.toString()).contains("double");
        }
    }

    private static Object monoJust(ClassLoader loader, Object value) {
        try {
            Method just = loader.loadClass("reactor.core.publisher.Mono").getMethod("just", Object.class);
            return just.invoke(null, value);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
