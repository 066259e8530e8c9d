package dev.pipeline.examples.bench;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.pipeline.core.aio.Tasks;
import dev.pipeline.examples.tutorial.Chess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * S5 chess in real time: the master's move is busy CPU on one coordinating thread, an
 * opponent's move a sleep. Synchronous (blocking sleeps, one board after another) vs
 * asynchronous (the same exhibition gathered over the boards).
 */
@Command(name = "chess", mixinStandardHelpOptions = true,
        description = "S5: the chess exhibition in real time, sync vs async (speed-up).")
public final class ChessBench implements Callable<Integer> {

    @Option(names = "--boards", defaultValue = "24", description = "boards (default ${DEFAULT-VALUE})")
    int boards;

    @Option(names = "--moves", defaultValue = "30", description = "pair-moves per board (default ${DEFAULT-VALUE})")
    int moves;

    @Option(names = "--master-ms", defaultValue = "0.5", description = "busy ms per master move (default ${DEFAULT-VALUE})")
    double masterMs;

    @Option(names = "--opponent-ms", defaultValue = "5.5", description = "sleep ms per opponent move (default ${DEFAULT-VALUE})")
    double opponentMs;

    @Option(names = "--rounds", defaultValue = "2",
            description = "asynchronous rounds in this JVM; the first is cold, the last is reported (default ${DEFAULT-VALUE})")
    int rounds;

    @Override
    public Integer call() {
        long busy = (long) (masterMs * 1e6);
        long sleep = (long) (opponentMs * 1e6);
        AtomicLong masterMoves = new AtomicLong();
        Runnable masterMove = () -> {
            long end = System.nanoTime() + busy;
            while (System.nanoTime() < end) {
                // busy: this is CPU work (no onSpinWait: BlockHound counts it as blocking)
            }
            masterMoves.incrementAndGet();
        };

        System.gc();
        long t0 = System.nanoTime();
        for (int b = 0; b < boards; b++) {
            for (int m = 0; m < moves; m++) {
                masterMove.run();
                LockSupport.parkNanos(sleep);
            }
        }
        double syncS = (System.nanoTime() - t0) / 1e9;

        Scheduler master = Schedulers.newSingle("master");
        try {
            Duration opponent = Duration.ofNanos(sleep);
            var all = Rounds.run(rounds, () -> {
                masterMoves.set(0);
                Tasks.run(Chess.exhibition(boards, moves, true,
                        () -> Mono.<Void>fromRunnable(masterMove).subscribeOn(master),
                        () -> Tasks.sleep(opponent)));
                return masterMoves.get();
            });
            double asyncS = Rounds.warm(all).seconds();
            double coldS = Rounds.cold(all).seconds();
            long total = (long) boards * moves;
            double idealSync = total * (masterMs + opponentMs) / 1000;
            double idealAsync = Math.max(total * masterMs, moves * (masterMs + opponentMs)) / 1000;
            boolean ok = all.stream().allMatch(r -> r.value() == total);
            System.out.println(BenchResult.of("chess", "pipeline")
                    .put("boards", boards).put("moves", moves).put("sync_s", syncS).put("async_s", asyncS).put("cold_async_s", coldS)
                    .put("speedup", syncS / asyncS).put("ideal_sync_s", idealSync).put("ideal_async_s", idealAsync)
                    .put("ratio", asyncS / idealAsync).put("wall_s", asyncS).put("ok", ok).line());
            return ok ? 0 : 1;
        } finally {
            master.dispose();
        }
    }
}
