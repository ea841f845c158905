package dev.fifokit.bench;

/** Runs one contender once under a placement and returns what it measured. */
@FunctionalInterface
public interface Runner {
    Sample run(Env env, Settings settings, Placement placement) throws Exception;
}
