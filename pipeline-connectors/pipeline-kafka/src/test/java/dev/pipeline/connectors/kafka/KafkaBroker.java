package dev.pipeline.connectors.kafka;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A single-node KRaft Kafka broker (broker and controller in one) for one test class, run as a
 * separate JVM ({@code java -Xmx192m kafka.Kafka server.properties}) from the jars Maven put on
 * the test classpath ({@code kafka_2.13}, {@code kafka-server}, slf4j-simple): nothing is
 * downloaded. Its storage is formatted first ({@code kafka.tools.StorageTool format}, what
 * {@code kafka-storage.sh format} runs), on free 127.0.0.1 ports, with its data and log under
 * {@code target/kafka/}. Register it as a static {@code @RegisterExtension}: started before the
 * class's first test (ready when an admin client can describe the cluster), stopped after its
 * last one (destroy, then destroyForcibly after 20 s).
 */
final class KafkaBroker implements BeforeAllCallback, AfterAllCallback {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private Process process;
    private Path dir;
    private int port;

    /** {@code host:port} of the broker's listener. */
    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Creates a topic with {@code partitions} partitions (replication 1) and waits for it. */
    void createTopic(String topic, int partitions) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("could not create topic " + topic + " at " + bootstrapServers(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The committed offset of each partition of {@code topic} for {@code group} (absent: none). */
    Map<Integer, Long> committed(String group, String topic) {
        try (Admin admin = admin()) {
            Map<Integer, Long> out = new java.util.TreeMap<>();
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(60, TimeUnit.SECONDS)
                    .forEach((tp, om) -> {
                        if (tp.topic().equals(topic) && om != null) {
                            out.put(tp.partition(), om.offset());
                        }
                    });
            return out;
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("could not read offsets of group " + group, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        return Admin.create(p);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        port = freePort();
        int controllerPort = freePort();
        dir = Paths.get("target", "kafka", context.getRequiredTestClass().getSimpleName() + "-" + UUID.randomUUID())
                .toAbsolutePath();
        Files.createDirectories(dir);
        Path config = dir.resolve("server.properties");
        Files.writeString(config, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                "num.partitions=1",
                "auto.create.topics.enable=true",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=3",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "log.cleaner.dedupe.buffer.size=8388608",
                "") , StandardCharsets.UTF_8);
        String clusterId = Uuid.randomUuid().toString();
        Path formatLog = dir.resolve("format.log");
        Process format = java("kafka.tools.StorageTool", "format", "-t", clusterId, "-c", config.toString())
                .redirectOutput(formatLog.toFile()).start();
        if (!format.waitFor(120, TimeUnit.SECONDS)) {
            format.destroyForcibly();
            throw new IllegalStateException("kafka storage format did not finish in 120 s; see " + formatLog);
        }
        if (format.exitValue() != 0) {
            throw new IllegalStateException("kafka storage format exited with " + format.exitValue() + ": "
                    + Files.readString(formatLog));
        }
        Path log = dir.resolve("broker.log");
        process = java("kafka.Kafka", config.toString()).redirectOutput(log.toFile()).start();
        awaitReady(log);
    }

    private void awaitReady(Path log) throws Exception {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("kafka broker exited with " + process.exitValue() + ": " + tail(log));
            }
            try (Admin admin = admin()) {
                admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                last = e;
            }
        }
        stop();
        throw new IllegalStateException("kafka broker not ready at " + bootstrapServers() + " after "
                + READY_TIMEOUT.toSeconds() + " s: " + tail(log), last);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    /** Stops the broker now (also done after the class): for tests of a lost connection. */
    void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    private static ProcessBuilder java(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("-Xmx192m", "-Xms64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djava.awt.headless=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", brokerClasspath(), mainClass));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true);
    }

    /** The test classpath (surefire sets java.class.path to it), which holds the broker's jars. */
    private static String brokerClasspath() {
        String cp = System.getProperty("java.class.path");
        if (!cp.contains("kafka_2.13")) {
            throw new IllegalStateException("the test classpath lacks kafka_2.13: " + cp);
        }
        return cp;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(File.separator.equals("/") ? "\n" : "\r\n",
                    lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
