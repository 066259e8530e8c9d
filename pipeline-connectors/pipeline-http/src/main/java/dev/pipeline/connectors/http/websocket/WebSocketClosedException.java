package dev.pipeline.connectors.http.websocket;

import java.net.URI;

/**
 * The server closed the WebSocket connection with a close code other than 1000 (normal) or 1005
 * (a close frame without a code), or the
 * connection dropped without a close frame (reported as 1006, as RFC 6455 says). Carries the
 * code and the reason the server gave.
 *
 * <pre>{@code
 * if (error instanceof WebSocketClosedException c && c.code() == 1008) { ... policy violation ... }
 * }</pre>
 */
public final class WebSocketClosedException extends WebSocketException {

    private static final long serialVersionUID = 1L;

    /** The code of a connection that dropped without a close frame. */
    public static final int ABNORMAL = 1006;

    private final int code;
    private final String reason;

    /**
     * Creates the exception.
     *
     * @param uri the WebSocket URL
     * @param code the close code
     * @param reason the reason the server gave (empty if none)
     * @param context what was going on, such as {@code "with 2 request(s) unanswered"}, or empty
     */
    public WebSocketClosedException(URI uri, int code, String reason, String context) {
        super(uri, message(code, reason, context), null);
        this.code = code;
        this.reason = reason;
    }

    private static String message(int code, String reason, String context) {
        String what = code == ABNORMAL ? "the connection dropped without a close frame (1006)"
                : "the server closed the connection with code " + code + name(code)
                        + (reason == null || reason.isEmpty() ? "" : " '" + reason + "'");
        return what + (context == null || context.isEmpty() ? "" : " " + context);
    }

    private static String name(int code) {
        return switch (code) {
            case 1001 -> " (going away)";
            case 1002 -> " (protocol error)";
            case 1003 -> " (unsupported data)";
            case 1007 -> " (invalid payload)";
            case 1008 -> " (policy violation)";
            case 1009 -> " (message too big)";
            case 1011 -> " (internal error)";
            case 1012 -> " (service restart)";
            case 1013 -> " (try again later)";
            default -> "";
        };
    }

    /**
     * The close code, such as 1001 (going away) or 1011 (internal error); 1006 when the
     * connection dropped without a close frame.
     *
     * @return the code
     */
    public int code() {
        return code;
    }

    /**
     * The reason the server gave with its close frame.
     *
     * @return the reason, empty if none
     */
    public String reason() {
        return reason == null ? "" : reason;
    }

    /**
     * Whether a reconnect may help: 1001 (going away), 1006 (dropped), 1011 (internal error),
     * 1012 (service restart), 1013 (try again later) and 1014 (bad gateway). Other codes say the
     * server will not take this client as it is (a protocol error, a policy violation, a
     * message too big).
     *
     * @return true for the codes a reconnect is worth trying for
     */
    public boolean transientClose() {
        return code == 1001 || code == ABNORMAL || code == 1011 || code == 1012 || code == 1013 || code == 1014;
    }
}
