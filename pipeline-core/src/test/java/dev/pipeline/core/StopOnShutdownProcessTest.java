package dev.pipeline.core;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link RunningPipeline#stopOnShutdown} in a real JVM that receives SIGTERM. */
class StopOnShutdownProcessTest {

    @Test
    void onSigtermTheHookStopsTheRunPrintsItsReportAndTheJvmExitsWith143() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                StopOnShutdownMain.class.getName()).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            StringBuilder seen = new StringBuilder();
            for (String line = out.readLine(); line != null && !line.equals("running"); line = out.readLine()) {
                seen.append(line).append('\n');
            }
            assertThat(child.isAlive()).as("the child runs; it printed:\n" + seen).isTrue();

            long signalled = System.nanoTime();
            child.toHandle().destroy();     // SIGTERM, as Process.destroy() sends, without closing our end of its output
            assertThat(child.waitFor(15, TimeUnit.SECONDS)).as("exited within 15 s").isTrue();
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);

            List<String> printed = out.lines().toList();
            assertThat(child.exitValue()).as(String.join("\n", printed)).isEqualTo(143);
            String report = String.join("\n", printed);
            assertThat(report).contains("Pipeline 'until-sigterm' STOPPED");
            assertThat(report).doesNotContain("cut off").as("the 300 ms items finished within the 5 s grace");
            assertThat(tookMillis).as("the items in flight take 300 ms, far less than the grace").isLessThan(5000);
            String work = printed.stream().filter(l -> l.startsWith("work ")).findFirst().orElseThrow();
            assertThat(work.trim().split("\\s+")[2]).as("received").isNotEqualTo("0");
        } finally {
            child.destroyForcibly();
        }
    }
}
