package dev.fifokit.ends;

/**
 * Options for opening a FIFO by its path; the type says which end: {@link ReaderOptions},
 * {@link WriterOptions} or {@link ReadWriteOptions}, each with only the options that apply to
 * that end. An anonymous {@link Pipe} and an {@linkplain Inherited inherited descriptor} are
 * already open and take {@link PipeOptions} alone.
 */
public sealed interface FifoOpenOptions permits ReaderOptions, WriterOptions, ReadWriteOptions {
}
