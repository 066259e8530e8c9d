package dev.pipeline.connectors.process;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import dev.pipeline.connectors.internal.Fields;
import dev.pipeline.connectors.internal.Require;
import dev.pipeline.connectors.process.internal.ProcessScheduler;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A command to run: its argument vector and how it is run (directory, environment, output
 * bounds, timeout, the schedulers). Immutable: each option method returns a changed copy, so one
 * configured command can serve as a template; each option's value is read back by the method of
 * the same name without arguments.
 *
 * <p>The arguments are a list, passed to the program as they are (asyncio's
 * {@code create_subprocess_exec}): no shell parses them, so an item's text can never inject a
 * command. A shell runs only when asked for by name, with {@link #shell(String)} (asyncio's
 * {@code create_subprocess_shell}).
 *
 * <pre>{@code
 * Command grep = Command.of("grep", "-c", "error")
 *         .timeout(Duration.ofSeconds(10))
 *         .maxOutputBytes(64 * 1024);
 * Command script = Command.shell("sort | uniq -c");
 * }</pre>
 */
public final class Command {

    /** Default bound on captured standard output, in bytes (1 MiB). */
    public static final int DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;
    /** Default bound on the standard error kept (its tail), in bytes (64 KiB). */
    public static final int DEFAULT_MAX_ERROR_BYTES = 64 * 1024;
    /** Default longest stdout line of a {@linkplain ProcessStages#pipe piped} process, in bytes (1 MiB). */
    public static final int DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

    private static final int ABBREVIATE_ARG = 40;
    private static final int ABBREVIATE_TOTAL = 160;

    /** The options' values; the field initializers are the defaults. */
    private static final class Values extends Fields<Values> {
        List<String> argv;
        Path directory;
        Map<String, String> environment = Map.of();
        Charset charset = StandardCharsets.UTF_8;
        int maxOutputBytes = DEFAULT_MAX_OUTPUT_BYTES;
        Overflow onOutputOverflow = Overflow.FAIL;
        int maxErrorBytes = DEFAULT_MAX_ERROR_BYTES;
        int maxLineBytes = DEFAULT_MAX_LINE_BYTES;
        boolean checkExitCode = true;
        boolean logStderr = true;
        Duration timeout;
        Duration killGrace = Duration.ofSeconds(2);
        /** Null: the shared process scheduler, looked up at use. */
        Scheduler scheduler;
        /** Null: {@link Schedulers#parallel()}, looked up at use. */
        Scheduler timer;
    }

    /** What to do when a process writes more standard output than {@link #maxOutputBytes}. */
    public enum Overflow {
        /** Kill the process and fail with a {@link ProcessOutputLimitException}. */
        FAIL,
        /** Keep the first {@code maxOutputBytes}, read and drop the rest; {@link ProcessResult#truncated()} says so. */
        TRUNCATE
    }

    private final Values v;

    private Command(Values v) {
        this.v = v;
    }

    private Command with(Consumer<Values> change) {
        return new Command(v.with(change));
    }

    /**
     * A command from its program and arguments, run without a shell.
     *
     * @param program the program, looked up on {@code PATH} when it has no slash
     * @param args its arguments, passed as they are
     * @return the command with default options
     */
    public static Command of(String program, String... args) {
        Require.nonBlank(program, "program");
        Require.nonNull(args, "args");
        List<String> argv = new java.util.ArrayList<>(args.length + 1);
        argv.add(program);
        for (String arg : args) {
            argv.add(Require.nonNull(arg, "each argument"));
        }
        return fromArgv(List.copyOf(argv));
    }

    /**
     * A command from its argument vector, run without a shell.
     *
     * @param argv the program followed by its arguments, not empty
     * @return the command with default options
     */
    public static Command of(List<String> argv) {
        Require.nonNull(argv, "argv");
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("argv must not be empty: it starts with the program");
        }
        for (String arg : argv) {
            Require.nonNull(arg, "each argument");
        }
        Require.nonBlank(argv.get(0), "program");
        return fromArgv(List.copyOf(argv));
    }

    /**
     * A shell script, run as {@code /bin/sh -c script} (asyncio's {@code create_subprocess_shell}).
     * Never build the script from untrusted text: the shell interprets it.
     *
     * @param script the script
     * @return the command with default options
     */
    public static Command shell(String script) {
        Require.nonBlank(script, "script");
        return fromArgv(List.of("/bin/sh", "-c", script));
    }

    private static Command fromArgv(List<String> argv) {
        return new Command(new Values().with(o -> o.argv = argv));
    }

    /**
     * The working directory. Defaults to this JVM's.
     *
     * @param directory the directory
     * @return a copy with that directory
     */
    public Command directory(Path directory) {
        Require.nonNull(directory, "directory");
        return with(o -> o.directory = directory);
    }

    /**
     * Adds environment variables to the inherited environment. Defaults to none added.
     *
     * @param variables names and values
     * @return a copy with those variables added
     */
    public Command environment(Map<String, String> variables) {
        Require.nonNull(variables, "variables");
        Map<String, String> merged = new LinkedHashMap<>(v.environment);
        variables.forEach((k, val) -> merged.put(Require.nonBlank(k, "variable name"), Require.nonNull(val, "value of " + k)));
        Map<String, String> copy = Map.copyOf(merged);
        return with(o -> o.environment = copy);
    }

    /**
     * The charset of the text written to stdin and read from stdout and stderr. Defaults to UTF-8.
     *
     * @param charset the charset
     * @return a copy with that charset
     */
    public Command charset(Charset charset) {
        Require.nonNull(charset, "charset");
        return with(o -> o.charset = charset);
    }

    /**
     * The most standard output captured per run of the command, in bytes. Defaults to
     * {@value #DEFAULT_MAX_OUTPUT_BYTES}. What happens past it: {@link #onOutputOverflow}.
     *
     * @param bytes the bound, {@code > 0}
     * @return a copy with that bound
     */
    public Command maxOutputBytes(int bytes) {
        Require.positive(bytes, "maxOutputBytes");
        return with(o -> o.maxOutputBytes = bytes);
    }

    /**
     * What to do when standard output exceeds {@link #maxOutputBytes(int)}. Defaults to
     * {@link Overflow#FAIL}.
     *
     * @param overflow fail or truncate
     * @return a copy with that choice
     */
    public Command onOutputOverflow(Overflow overflow) {
        Require.nonNull(overflow, "overflow");
        return with(o -> o.onOutputOverflow = overflow);
    }

    /**
     * How much standard error is kept, in bytes: its last bytes, for the error messages and
     * {@link ProcessResult#stderr()}; earlier bytes are dropped. Defaults to
     * {@value #DEFAULT_MAX_ERROR_BYTES}.
     *
     * @param bytes the bound, {@code > 0}
     * @return a copy with that bound
     */
    public Command maxErrorBytes(int bytes) {
        Require.positive(bytes, "maxErrorBytes");
        return with(o -> o.maxErrorBytes = bytes);
    }

    /**
     * The longest line a {@linkplain ProcessStages#pipe piped} process may write to stdout, in
     * bytes; a longer one kills it and fails with a {@link ProcessOutputLimitException}.
     * Defaults to {@value #DEFAULT_MAX_LINE_BYTES}.
     *
     * @param bytes the bound, {@code > 0}
     * @return a copy with that bound
     */
    public Command maxLineBytes(int bytes) {
        Require.positive(bytes, "maxLineBytes");
        return with(o -> o.maxLineBytes = bytes);
    }

    /**
     * Whether a non-zero exit code is an error ({@link ProcessException}). Defaults to true; when
     * false, the code is in {@link ProcessResult#exitCode()}.
     *
     * @param check true to fail on a non-zero exit
     * @return a copy with that choice
     */
    public Command checkExitCode(boolean check) {
        return with(o -> o.checkExitCode = check);
    }

    /**
     * Whether each standard error line is logged (slf4j, logger
     * {@code dev.pipeline.connectors.process}, level WARN, prefixed by the command). Defaults to
     * true. The tail is kept either way ({@link #maxErrorBytes}).
     *
     * @param log true to log stderr lines
     * @return a copy with that choice
     */
    public Command logStderr(boolean log) {
        return with(o -> o.logStderr = log);
    }

    /**
     * The longest one run of the command may take; past it the process tree is killed and the
     * run fails with a {@link ProcessTimeoutException}. Timed on {@link #timer}. Not set by
     * default (a {@linkplain ProcessStages#pipe piped} process runs as long as its stage).
     *
     * @param timeout the limit, {@code > 0}
     * @return a copy with that timeout
     */
    public Command timeout(Duration timeout) {
        Require.positive(timeout, "timeout");
        return with(o -> o.timeout = timeout);
    }

    /**
     * How long a killed process is given to exit after SIGTERM ({@code destroy}) before SIGKILL
     * ({@code destroyForcibly}). Defaults to 2 seconds. Timed on {@link #timer}.
     *
     * @param grace the grace period, {@code >= 0}
     * @return a copy with that grace period
     */
    public Command killGrace(Duration grace) {
        Require.nonNegative(grace, "killGrace");
        return with(o -> o.killGrace = grace);
    }

    /**
     * The scheduler that runs the blocking pipe I/O (each running process takes up to three of
     * its threads: stdin, stdout, stderr). Defaults to a shared bounded-elastic scheduler named
     * {@code pipeline-process}, on which at most {@code threads / 3 - 1} processes (20 with the
     * default 64 threads) run at once, across all runs: a further run waits for one to end, so
     * no stage concurrency can starve it. A custom scheduler is not capped: it needs at least
     * three threads per concurrent process, or the processes deadlock on their full pipes.
     *
     * @param scheduler a scheduler that may block
     * @return a copy with that scheduler
     */
    public Command scheduler(Scheduler scheduler) {
        Require.nonNull(scheduler, "scheduler");
        return with(o -> o.scheduler = scheduler);
    }

    /**
     * The scheduler that times {@link #timeout} and {@link #killGrace}. Defaults to
     * {@link Schedulers#parallel()} (a virtual-time scheduler in tests).
     *
     * @param timer the time source
     * @return a copy with that timer
     */
    public Command timer(Scheduler timer) {
        Require.nonNull(timer, "timer");
        return with(o -> o.timer = timer);
    }

    /**
     * The program followed by its arguments.
     *
     * @return the argument vector, immutable
     */
    public List<String> argv() {
        return v.argv;
    }

    /**
     * The working directory.
     *
     * @return the directory, empty for this JVM's
     */
    public Optional<Path> directory() {
        return Optional.ofNullable(v.directory);
    }

    /**
     * The variables added to the inherited environment.
     *
     * @return the variables, immutable
     */
    public Map<String, String> environment() {
        return v.environment;
    }

    /**
     * The text charset.
     *
     * @return the charset
     */
    public Charset charset() {
        return v.charset;
    }

    /**
     * The bound on captured standard output.
     *
     * @return bytes
     */
    public int maxOutputBytes() {
        return v.maxOutputBytes;
    }

    /**
     * What happens past {@link #maxOutputBytes()}.
     *
     * @return the choice
     */
    public Overflow onOutputOverflow() {
        return v.onOutputOverflow;
    }

    /**
     * The bound on kept standard error.
     *
     * @return bytes
     */
    public int maxErrorBytes() {
        return v.maxErrorBytes;
    }

    /**
     * The longest stdout line of a piped process.
     *
     * @return bytes
     */
    public int maxLineBytes() {
        return v.maxLineBytes;
    }

    /**
     * Whether a non-zero exit code is an error.
     *
     * @return true when checked
     */
    public boolean checkExitCode() {
        return v.checkExitCode;
    }

    /**
     * Whether stderr lines are logged.
     *
     * @return true when logged
     */
    public boolean logStderr() {
        return v.logStderr;
    }

    /**
     * The timeout of one run.
     *
     * @return the timeout, empty when none
     */
    public Optional<Duration> timeout() {
        return Optional.ofNullable(v.timeout);
    }

    /**
     * The grace period between SIGTERM and SIGKILL.
     *
     * @return the grace period
     */
    public Duration killGrace() {
        return v.killGrace;
    }

    /**
     * The scheduler of the blocking pipe I/O.
     *
     * @return the scheduler
     */
    public Scheduler scheduler() {
        return v.scheduler != null ? v.scheduler : ProcessScheduler.shared();
    }

    /**
     * The scheduler of timeouts and grace periods.
     *
     * @return the timer
     */
    public Scheduler timer() {
        return v.timer != null ? v.timer : Schedulers.parallel();
    }

    /**
     * The command line for messages: arguments longer than 40 characters and lines longer than
     * 160 are abbreviated, arguments with spaces quoted. Environment values are never shown.
     *
     * @return the abbreviated command line
     */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (String arg : v.argv) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            String a = arg.length() > ABBREVIATE_ARG ? arg.substring(0, ABBREVIATE_ARG - 3) + "..." : arg;
            sb.append(a.isEmpty() || a.chars().anyMatch(Character::isWhitespace) ? "'" + a + "'" : a);
            if (sb.length() > ABBREVIATE_TOTAL) {
                return sb.substring(0, ABBREVIATE_TOTAL - 3) + "...";
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "Command[" + describe() + "]";
    }
}
