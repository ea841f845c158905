/**
 * Child processes with fifokit ends as chosen descriptors: {@link dev.fifokit.spawn.Spawn}
 * starts one (posix_spawn) with an end as its standard input, output or error or as any
 * descriptor N, which {@link ProcessBuilder} cannot do; every other descriptor of this process
 * stays closed in the child. {@link dev.fifokit.spawn.ChildProcess} waits for it with a deadline
 * and stops it with its descendants; a program that cannot be started is a
 * {@link dev.fifokit.spawn.SpawnException} ({@code "nosuch: command not found"}).
 *
 * <p>Descriptors, inheritance and service managers:
 * <a href="https://github.com/fifokit/fifokit/blob/main/docs/descriptors.md">docs/descriptors.md</a>.
 */
package dev.fifokit.spawn;
