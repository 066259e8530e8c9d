package dev.pipeline.examples.tutorial;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.pipeline.core.aio.AsyncLock;
import dev.pipeline.core.aio.Tasks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The chess exhibition that explains asyncio: a master plays 24 boards, 30 pair-moves each,
 * taking 5 s per move against opponents who take 55 s. One board after another takes 12 hours;
 * moving on to the next board while each opponent thinks takes about 1 hour. Run in virtual
 * time: the simulated totals print in well under a second of real time.
 */
@Command(name = "chess", mixinStandardHelpOptions = true,
        description = "The chess exhibition in virtual time: synchronous 12 h vs asynchronous 1 h.")
public final class Chess implements java.util.concurrent.Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--boards", defaultValue = "24", description = "boards (default ${DEFAULT-VALUE})")
    int boards;

    @Option(names = "--moves", defaultValue = "30", description = "pair-moves per board (default ${DEFAULT-VALUE})")
    int moves;

    @Option(names = "--master-seconds", defaultValue = "5", description = "the master's move (default ${DEFAULT-VALUE})")
    long masterSeconds;

    @Option(names = "--opponent-seconds", defaultValue = "55", description = "an opponent's move (default ${DEFAULT-VALUE})")
    long opponentSeconds;

    @Override
    public Integer call() {
        if (boards < 1 || moves < 1 || masterSeconds < 1 || opponentSeconds < 0) {
            throw new IllegalArgumentException("--boards, --moves and --master-seconds must be at least 1, --opponent-seconds at least 0");
        }
        var out = spec.commandLine().getOut();
        long start = System.nanoTime();
        out.printf("Simultaneous exhibition: %d boards, %d pair-moves each; the master moves in %d s, each opponent in %d s.%n",
                boards, moves, masterSeconds, opponentSeconds);
        Duration sync = simulate(false);
        out.printf("Synchronous (one board after another):        %s simulated%n", hms(sync));
        Duration async = simulate(true);
        out.printf("Asynchronous (next board while they think):    %s simulated%n", hms(async));
        out.printf("Speed-up %.1fx, in %.3f s of real time (virtual time).%n",
                (double) sync.toMillis() / async.toMillis(), (System.nanoTime() - start) / 1e9);
        out.flush();
        return 0;
    }

    /** Plays the exhibition on a virtual clock and returns how long it took there. */
    Duration simulate(boolean concurrently) {
        VirtualTimeScheduler clock = VirtualTimeScheduler.create();
        AsyncLock master = AsyncLock.create();
        Duration masterMove = Duration.ofSeconds(masterSeconds);
        Duration opponentMove = Duration.ofSeconds(opponentSeconds);
        long[] finishedAt = {-1};
        exhibition(boards, moves, concurrently,
                () -> master.withLock(() -> Tasks.sleep(masterMove, true, clock)).then(),
                () -> Tasks.sleep(opponentMove, clock))
                .doOnSuccess(v -> finishedAt[0] = clock.now(TimeUnit.MILLISECONDS))
                .subscribe();
        clock.advanceTimeBy(Duration.ofDays(365));
        clock.dispose();
        if (finishedAt[0] < 0) {
            throw new IllegalStateException("the exhibition did not finish within a simulated year");
        }
        return Duration.ofMillis(finishedAt[0]);
    }

    /**
     * The exhibition: each board plays {@code moves} times master-move-then-opponent-move; the
     * boards are played one after another, or concurrently (gathered).
     */
    public static Mono<Void> exhibition(int boards, int moves, boolean concurrently,
            Supplier<Mono<Void>> masterMove, Supplier<Mono<Void>> opponentMove) {
        List<Mono<Integer>> games = new ArrayList<>();
        for (int b = 0; b < boards; b++) {
            int board = b;
            games.add(Flux.range(0, moves)
                    .concatMap(m -> masterMove.get().then(opponentMove.get()))
                    .then(Mono.just(board)));
        }
        return concurrently ? Tasks.gather(games).then() : Flux.concat(games).then();
    }

    static String hms(Duration d) {
        return String.format("%2d h %2d min %2d s", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
    }
}
