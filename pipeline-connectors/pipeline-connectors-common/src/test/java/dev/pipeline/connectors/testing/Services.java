package dev.pipeline.connectors.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

import org.junit.jupiter.api.Assumptions;

/**
 * Local services the tests may use (PostgreSQL on 127.0.0.1:5432, ...). When one is not
 * reachable, its tests are skipped with a visible reason, unless the environment variable
 * {@code PIPELINE_REQUIRE_SERVICES=1} is set (as {@code .ci/run} does): then they fail.
 */
public final class Services {

    private Services() {
    }

    /** Whether missing services fail the tests instead of skipping them. */
    public static boolean required() {
        return "1".equals(System.getenv("PIPELINE_REQUIRE_SERVICES"));
    }

    /** Skips (or fails, when services are required) unless {@code host:port} accepts a TCP connection. */
    public static void require(String service, String host, int port) {
        String reason = reachable(host, port);
        if (reason == null) {
            return;
        }
        String message = service + " is not reachable at " + host + ":" + port + " (" + reason + ")";
        if (required()) {
            throw new AssertionError(message + "; PIPELINE_REQUIRE_SERVICES=1 makes this a failure");
        }
        Assumptions.abort(message + "; skipped (set PIPELINE_REQUIRE_SERVICES=1 to fail instead)");
    }

    /** PostgreSQL for the tests: 127.0.0.1:5432, user postgres, database test, trust auth. */
    public static void requirePostgres() {
        require("PostgreSQL", "127.0.0.1", 5432);
    }

    private static String reachable(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1000);
            return null;
        } catch (IOException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }
}
