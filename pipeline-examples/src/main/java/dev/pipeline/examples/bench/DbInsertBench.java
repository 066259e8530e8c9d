package dev.pipeline.examples.bench;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;

/** S7 db-insert (placeholder until its connector lands). */
@Command(name = "db-insert", mixinStandardHelpOptions = true, description = "S7 db-insert")
public final class DbInsertBench implements Callable<Integer> {

    @Override
    public Integer call() {
        System.err.println("db-insert: not implemented yet");
        return 2;
    }
}
