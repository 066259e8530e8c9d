package dev.pipeline.examples.bench;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;

/** S6 http-fetch (placeholder until its connector lands). */
@Command(name = "http-fetch", mixinStandardHelpOptions = true, description = "S6 http-fetch")
public final class HttpFetchBench implements Callable<Integer> {

    @Override
    public Integer call() {
        System.err.println("http-fetch: not implemented yet");
        return 2;
    }
}
