package dev.pipeline.examples;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.pipeline.connectors.http.demo.DemoApiOptions;
import dev.pipeline.connectors.http.demo.DemoApiServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every tutorial example runs in-process (sleeps scaled down with --time-scale, or in virtual
 * time) and tells its story. Times are checked only from below: a scaled sleep can run late on
 * a loaded machine, never early.
 */
class TutorialExamplesTest {

    private static final Pattern SECONDS = Pattern.compile("executed in ([0-9.]+) seconds");

    private static double executedIn(Cli.Run run) {
        Matcher m = SECONDS.matcher(run.out());
        assertThat(m.find()).as("an 'executed in' line in:%n%s", run.out()).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void countAsyncPrintsEveryOneBeforeAnyTwo() {
        Cli.Run run = Cli.run("run", "count", "--time-scale", "0.05");
        assertThat(run.code()).isZero();
        List<String> story = run.lines().stream().filter(l -> l.startsWith("One") || l.startsWith("Two")).toList();
        assertThat(story).hasSize(6);
        assertThat(story.subList(0, 3)).containsOnly("One");
        assertThat(story.subList(3, 6)).allMatch(l -> l.startsWith("Two ("));
        assertThat(executedIn(run)).isGreaterThanOrEqualTo(1.0);
    }

    @Test
    void countSyncAlternatesAndTakesThreeSeconds() {
        Cli.Run run = Cli.run("run", "count", "--sync", "--time-scale", "0.05");
        assertThat(run.code()).isZero();
        List<String> story = run.lines().stream().filter(l -> l.startsWith("One") || l.startsWith("Two")).toList();
        assertThat(story).hasSize(6);
        for (int i = 0; i < 6; i += 2) {
            assertThat(story.get(i)).isEqualTo("One");
            assertThat(story.get(i + 1)).startsWith("Two (");
        }
        assertThat(executedIn(run)).isGreaterThanOrEqualTo(3.0);
    }

    @Test
    void fetchDataShowsSequentialThenConcurrentThenACancelledChild() {
        Cli.Run run = Cli.run("run", "fetch-data", "--time-scale", "0.05");
        assertThat(run.code()).as(run.err()).isZero();
        List<String> lines = run.lines();
        int v1 = run.indexOf("== 1."), v2 = run.indexOf("== 2."), v3 = run.indexOf("== 3."), v4 = run.indexOf("== 4.");
        int v5 = run.indexOf("== 5.");
        // one after another: 1 is done before 3 starts
        List<String> first = lines.subList(v1, v2);
        assertThat(first.indexOf("Done with 1")).isLessThan(first.indexOf("Do something with 3..."));
        assertThat(seconds(first)).isGreaterThanOrEqualTo(4.0);
        // tasks, gather and TaskGroup: both start before either is done
        for (List<String> concurrent : List.of(lines.subList(v2, v3), lines.subList(v3, v4), lines.subList(v4, v5))) {
            assertThat(concurrent.indexOf("Do something with 3...")).isLessThan(concurrent.indexOf("Done with 1"));
            assertThat(concurrent).anyMatch(l -> l.startsWith("[Result of 1, Result of 3] in "));
            assertThat(seconds(concurrent)).isGreaterThanOrEqualTo(3.0);
        }
        List<String> failing = lines.subList(v5, lines.size());
        assertThat(failing).contains("  task fetch_data(1): done: Result of 1", "  task fetch_data(2): failed",
                "  task fetch_data(3): cancelled");
        assertThat(failing).noneMatch(l -> l.equals("Done with 3"));
    }

    private static double seconds(List<String> section) {
        Pattern p = Pattern.compile("in ([0-9.]+) seconds$");
        for (String line : section) {
            Matcher m = p.matcher(line);
            if (m.find()) {
                return Double.parseDouble(m.group(1));
            }
        }
        throw new AssertionError("no timing in " + section);
    }

    @Test
    void chainedRunsEachChainInOrderAndTheTotalCoversTheLongest() {
        Cli.Run run = Cli.run("run", "chained", "--time-scale", "0.02", "4", "5");
        assertThat(run.code()).isZero();
        for (int n : new int[] {4, 5}) {
            assertThat(run.indexOf("Returning part1(" + n + ")")).isLessThan(run.indexOf("part2(" + n + ", 'result" + n + "-1') sleeping"));
            assertThat(run.indexOf("-->Chained result" + n + " => result" + n + "-2 derived from result" + n + "-1"))
                    .isGreaterThan(run.indexOf("Returning part2(" + n + ","));
        }
        assertThat(run.out()).doesNotContain("result1-");
        Matcher m = Pattern.compile("finished in ([0-9.]+) seconds \\(longest chain ([0-9.]+) s\\)").matcher(run.out());
        assertThat(m.find()).isTrue();
        assertThat(Double.parseDouble(m.group(1))).isGreaterThanOrEqualTo(Double.parseDouble(m.group(2)));
    }

    @Test
    void chainedIsReproducibleForASeed() {
        List<String> a = sleeps(Cli.run("run", "chained", "--time-scale", "0.001", "--seed", "7"));
        List<String> b = sleeps(Cli.run("run", "chained", "--time-scale", "0.001", "--seed", "7"));
        assertThat(a).hasSize(6).containsExactlyInAnyOrderElementsOf(b);
    }

    private static List<String> sleeps(Cli.Run run) {
        return run.lines().stream().filter(l -> l.contains("sleeping for")).toList();
    }

    @Test
    void asyncqConsumesEveryProducedItemExactlyOnce() {
        for (String[] args : List.of(new String[] {"-p", "5", "-c", "10", "--seed", "1"},
                new String[] {"-p", "3", "-c", "1", "--seed", "2"}, new String[] {"-p", "1", "-c", "4", "--seed", "3"})) {
            List<String> all = new ArrayList<>(List.of("run", "asyncq", "--time-scale", "0.002"));
            all.addAll(List.of(args));
            Cli.Run run = Cli.run(all.toArray(String[]::new));
            assertThat(run.code()).as(run.err()).isZero();
            Map<String, Integer> produced = count(run, Pattern.compile("^Producer \\d+ added <([0-9a-f]{10})> to queue\\.$"));
            Map<String, Integer> consumed = count(run, Pattern.compile("^Consumer \\d+ got element <([0-9a-f]{10})> in [0-9.]+ seconds\\.$"));
            assertThat(consumed).isEqualTo(produced);
            assertThat(produced.values()).allMatch(n -> n == 1);
            int total = produced.size();
            assertThat(run.out()).contains("Produced " + total + " items").contains("Program completed in");
        }
    }

    private static Map<String, Integer> count(Cli.Run run, Pattern pattern) {
        Map<String, Integer> seen = new HashMap<>();
        for (String line : run.lines()) {
            Matcher m = pattern.matcher(line);
            if (m.matches()) {
                seen.merge(m.group(1), 1, Integer::sum);
            }
        }
        return seen;
    }

    @Test
    void makeRandomFinishesAboveEachThreshold() {
        Cli.Run run = Cli.run("run", "makerandom", "--time-scale", "0.002", "--seed", "5");
        assertThat(run.code()).isZero();
        Matcher m = Pattern.compile("r1: (\\d+), r2: (\\d+), r3: (\\d+)").matcher(run.out());
        assertThat(m.find()).isTrue();
        assertThat(Integer.parseInt(m.group(1))).isGreaterThan(9);
        assertThat(Integer.parseInt(m.group(2))).isGreaterThan(8);
        assertThat(Integer.parseInt(m.group(3))).isGreaterThan(7);
        assertThat(run.out()).doesNotContain("\033["); // no colours when not on a terminal
    }

    @Test
    void lockSerialisesTheIncrements() {
        Cli.Run run = Cli.run("run", "lock", "--time-scale", "0.05");
        assertThat(run.code()).isZero();
        List<Integer> values = new ArrayList<>();
        List<String> kinds = new ArrayList<>();
        Matcher m = Pattern.compile("worker \\d (before|after): +counter = (\\d)").matcher(run.out());
        while (m.find()) {
            kinds.add(m.group(1));
            values.add(Integer.parseInt(m.group(2)));
        }
        assertThat(kinds).containsExactly("before", "after", "before", "after", "before", "after", "before", "after",
                "before", "after");
        assertThat(values).containsExactly(0, 1, 1, 2, 2, 3, 3, 4, 4, 5);
    }

    @Test
    void semaphoreNeverHasMoreThanTwoInside() {
        Cli.Run run = Cli.run("run", "semaphore", "--time-scale", "0.05");
        assertThat(run.code()).isZero();
        int inside = 0;
        int most = 0;
        int accessed = 0;
        for (String line : run.lines()) {
            if (line.contains("accessing resource")) {
                inside++;
                accessed++;
            } else if (line.contains("released resource")) {
                inside--;
            }
            most = Math.max(most, inside);
        }
        assertThat(accessed).isEqualTo(5);
        assertThat(most).isEqualTo(2);
        assertThat(inside).isZero();
    }

    @Test
    void eventWaiterGoesOnOnlyAfterTheSetterSetsIt() {
        Cli.Run run = Cli.run("run", "event", "--time-scale", "0.05");
        assertThat(run.code()).isZero();
        assertThat(run.indexOf("waiter: waiting")).isLessThan(run.indexOf("setter: setting the event"));
        assertThat(run.indexOf("setter: setting the event")).isLessThan(run.indexOf("waiter: the event is set"));
    }

    @Test
    void futureIsAwaitedUntilSet() {
        Cli.Run run = Cli.run("run", "future", "--time-scale", "0.05");
        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("awaiting the future (done: false)");
        assertThat(run.indexOf("setting the future's result")).isLessThan(run.indexOf("the future says: hello ... world"));
    }

    @Test
    void waitReturnsTheFastestFetchAndTheRestAreCancelled() {
        Cli.Run run = Cli.run("run", "wait", "--time-scale", "0.25"); // steps 125 ms apart
        assertThat(run.code()).as(run.err()).isZero();
        // the timed wait returns with every fetch pending, and cancels none of them
        assertThat(run.out()).containsPattern("wait\\(timeout=0.5\\): done=\\[\\] pending=\\[mirror-a, mirror-b, mirror-c\\]");
        assertThat(run.indexOf("wait(timeout=0.5)")).isLessThan(run.indexOf("mirror-b: answered"));
        assertThat(run.out()).containsPattern("wait\\(FIRST_COMPLETED\\): done=\\[mirror-b\\] pending=\\[mirror-a, mirror-c\\]");
        assertThat(run.indexOf("mirror-b: answered")).isLessThan(run.indexOf("wait(FIRST_COMPLETED)"));
        assertThat(run.indexOf("wait(FIRST_COMPLETED)")).isLessThan(run.indexOf("mirror-a: cancelled"));
        assertThat(run.lines()).contains("winner: document from mirror-b", "  mirror-a: cancelled", "  mirror-b: done",
                "  mirror-c: cancelled");
        assertThat(run.out()).doesNotContain("mirror-a: answered", "mirror-c: answered");
        assertThat(executedIn(run)).isGreaterThanOrEqualTo(1.0);
    }

    @Test
    void toThreadKeepsTickingWhileTheCallBlocks() {
        Cli.Run run = Cli.run("run", "to-thread");
        assertThat(run.code()).isZero();
        List<String> during = run.lines().subList(run.indexOf("blocking call starts"), run.indexOf("blocking call done"));
        assertThat(during.stream().filter(l -> l.contains(": tick ")).count()).isGreaterThanOrEqualTo(2);
        assertThat(run.out()).contains("blocking call starts on boundedElastic");
    }

    @Test
    void chessTakesTwelveHoursOneBoardAtATimeAndAboutOneConcurrently() {
        Cli.Run run = Cli.run("run", "chess");
        assertThat(run.code()).isZero();
        assertThat(run.lines().get(run.indexOf("Synchronous"))).contains("12 h  0 min  0 s simulated");
        // the master is never idle: 24 x 30 x 5 s = 1 h, plus the last opponent's 55 s
        assertThat(run.lines().get(run.indexOf("Asynchronous"))).contains(" 1 h  0 min 55 s simulated");
    }

    @Test
    void chessComputesOtherExhibitionsToo() {
        Cli.Run run = Cli.run("run", "chess", "--boards", "2", "--moves", "3", "--master-seconds", "10",
                "--opponent-seconds", "30");
        // sync 2 x 3 x 40 = 240 s; async: opponents are slower than the master's round, so 3 x 40 + 10 = 130 s
        assertThat(run.lines().get(run.indexOf("Synchronous"))).contains(" 0 h  4 min  0 s");
        assertThat(run.lines().get(run.indexOf("Asynchronous"))).contains(" 0 h  2 min 10 s");
    }

    @Test
    void httpFetchGetsEveryDocumentInOrderFromTheEmbeddedApi() {
        Cli.Run run = Cli.run("run", "http-fetch", "--count", "40", "--concurrency", "8", "--show", "40");
        assertThat(run.code()).as(run.err()).isZero();
        List<Integer> ids = new ArrayList<>();
        Matcher m = Pattern.compile("^  \\{\"id\":(\\d+),", Pattern.MULTILINE).matcher(run.out());
        while (m.find()) {
            ids.add(Integer.parseInt(m.group(1)));
        }
        assertThat(ids).isEqualTo(java.util.stream.IntStream.rangeClosed(1, 40).boxed().toList());
        assertThat(run.out()).contains("fetched 40 JSON documents");
    }

    @Test
    void httpFetchTakesAUrlTemplate() {
        try (var api = DemoApiServer.start(DemoApiOptions.defaults().errorRate(0.2))) {
            Cli.Run run = Cli.run("run", "http-fetch", "--url", api.baseUri().resolve("/items/") + "{id}", "--count", "25");
            assertThat(run.code()).as(run.err()).isZero();
            assertThat(run.out()).contains("fetched 25 JSON documents");
            // every failed answer was retried: the server saw the 25 documents plus one request per fault
            assertThat(api.requests()).isEqualTo(25 + api.faults());
            assertThat(run.out()).contains(api.faults() + " retried");
        }
    }
}
