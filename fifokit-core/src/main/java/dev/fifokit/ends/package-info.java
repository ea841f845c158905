/**
 * The ends of FIFOs and pipes, as {@link java.nio.channels.ByteChannel}s whose type says the
 * direction: {@link dev.fifokit.ends.FifoReader}, {@link dev.fifokit.ends.FifoWriter}, and the
 * explicit read-write end {@link dev.fifokit.ends.FifoReadWrite}; anonymous pipes
 * ({@link dev.fifokit.ends.Pipe}), descriptors inherited from a parent or a service manager
 * ({@link dev.fifokit.ends.Inherited}, {@link dev.fifokit.ends.ListenFds}) and this process's
 * standard streams ({@link dev.fifokit.ends.StandardStreams}) give the same types.
 *
 * <p><b>Opening.</b> {@code FifoReader.open(path)} and {@code FifoWriter.open(path)} wait for the
 * other side, as open(2) does, but with a deadline ({@link dev.fifokit.ends.ReaderOptions},
 * {@link dev.fifokit.ends.WriterOptions}: {@code timeout}, or a writer's
 * {@code failIfNoReader()}), and the wait ends when the end is closed or the thread interrupted.
 * No thread ever sits in open(2): every descriptor is opened non-blocking and close-on-exec.
 *
 * <p><b>Reading and writing.</b> A read waits for data and returns -1 once every writer has
 * closed; a write of at most PIPE_BUF bytes is one atomic write(2); a write to a FIFO no one
 * reads any more throws {@link dev.fifokit.BrokenPipeException}. A waiting platform thread sits
 * in poll(2), a waiting virtual thread parks (its carrier is free). {@code close()} wakes every
 * thread waiting on the end. {@link dev.fifokit.ends.PipeOptions} tunes the I/O: non-blocking
 * mode, spinning before parking, the pipe's capacity.
 *
 * <p>How waiting and cancellation work underneath:
 * <a href="https://github.com/fifokit/fifokit/blob/main/docs/architecture.md">docs/architecture.md</a>; ends as a child process's
 * descriptors: {@link dev.fifokit.spawn}.
 */
package dev.fifokit.ends;
