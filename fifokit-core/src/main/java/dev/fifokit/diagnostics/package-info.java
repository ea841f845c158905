/**
 * Why a FIFO hangs, from {@code /proc}: who holds it and who is blocked opening it
 * ({@link dev.fifokit.diagnostics.FifoHolders#of(java.nio.file.Path)}, a
 * {@link dev.fifokit.diagnostics.WhoReport}), a process's status and wait channel in words
 * ({@link dev.fifokit.diagnostics.ProcessStatus#of(long)}), and a background
 * {@link dev.fifokit.diagnostics.Launcher} that runs a command and shows its output and state as
 * they come. Each answer is a snapshot read without opening the FIFO, so asking never wakes a
 * waiting peer; processes of other users are seen as far as {@code /proc} lets this one see.
 *
 * <p>The {@code who}, {@code status} and {@code launch} commands on top of them:
 * <a href="https://github.com/fifokit/fifokit/blob/main/docs/diagnostics.md">docs/diagnostics.md</a>.
 */
package dev.fifokit.diagnostics;
