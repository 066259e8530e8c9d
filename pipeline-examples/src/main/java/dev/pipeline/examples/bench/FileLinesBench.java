package dev.pipeline.examples.bench;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;

/** S8 file-lines (placeholder until its connector lands). */
@Command(name = "file-lines", mixinStandardHelpOptions = true, description = "S8 file-lines")
public final class FileLinesBench implements Callable<Integer> {

    @Override
    public Integer call() {
        System.err.println("file-lines: not implemented yet");
        return 2;
    }
}
