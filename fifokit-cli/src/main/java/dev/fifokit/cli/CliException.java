package dev.fifokit.cli;

/** A failure a command reports with its own message (already {@code <path>: <reason>}) and code. */
public final class CliException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public CliException(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public CliException(String message) {
        this(message, ExitCodes.FAILURE);
    }

    public int exitCode() {
        return exitCode;
    }
}
