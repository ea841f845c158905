package dev.fifokit.bench;

/** A run that did not produce a result: a peer failed, hung or printed no result line. */
public final class BenchFailure extends Exception {
    private static final long serialVersionUID = 1L;

    public BenchFailure(String message) {
        super(message);
    }
}
