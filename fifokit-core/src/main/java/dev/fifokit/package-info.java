/**
 * What every fifokit package shares: the typed errors, the limits that shape pipes, and
 * durations as people write them.
 *
 * <p><b>Errors.</b> Every error is an {@link java.io.IOException} whose message is
 * {@code "<path>: <reason>"} and which implements {@link dev.fifokit.FifoProblem}
 * ({@code path()}, {@code reason()}), so a tool can print it after its own name. Most are a
 * {@link dev.fifokit.FifoException}, with a subtype per cause a caller may act on:
 * {@link dev.fifokit.NoSuchFifoException}, {@link dev.fifokit.NotAFifoException},
 * {@link dev.fifokit.SymlinkException}, {@link dev.fifokit.FifoAccessDeniedException},
 * {@link dev.fifokit.FifoExistsException}, {@link dev.fifokit.PeerTimeoutException} (the other
 * side never came), {@link dev.fifokit.NoReaderException}, {@link dev.fifokit.BrokenPipeException}
 * (never SIGPIPE), {@link dev.fifokit.NotSeekableException},
 * {@link dev.fifokit.PipeCapacityException}, {@link dev.fifokit.DescriptorLimitException}. The two
 * errors of a closed end are the JDK's channel exceptions, so code written for any NIO channel
 * recognises them: {@link dev.fifokit.FifoClosedException} is an
 * {@link java.nio.channels.AsynchronousCloseException} and
 * {@link dev.fifokit.FifoInterruptedException} a {@link java.nio.channels.ClosedByInterruptException}.
 *
 * <p><b>Limits.</b> {@link dev.fifokit.Limits#read()}: PIPE_BUF (the largest atomic write),
 * OPEN_MAX and the descriptor limit, the default and maximum pipe capacity, the page size.
 *
 * <p><b>Durations.</b> {@link dev.fifokit.Durations} reads {@code 500ms}, {@code 5s},
 * {@code 2m30s} and writes them back in messages.
 *
 * <p>How the layers fit, and how waiting and cancellation work:
 * <a href="https://github.com/fifokit/fifokit/blob/main/docs/architecture.md">docs/architecture.md</a>.
 */
package dev.fifokit;
