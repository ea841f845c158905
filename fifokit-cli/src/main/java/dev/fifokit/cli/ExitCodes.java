package dev.fifokit.cli;

/** The exit codes of the {@code fifokit} command (the table in the README's command-line section), one place. */
public final class ExitCodes {
    private ExitCodes() {}

    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;
    /** The peer is absent and the caller asked not to wait ({@code --no-wait}, or no server). */
    public static final int PEER_ABSENT = 3;
    /** A deadline passed ({@code -t}), as timeout(1) reports. */
    public static final int TIMEOUT = 124;
    /** The reader went away: 128 + SIGPIPE, as a shell reports a process killed by SIGPIPE. */
    public static final int BROKEN_PIPE = 141;
}
