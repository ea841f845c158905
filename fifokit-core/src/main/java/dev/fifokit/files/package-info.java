/**
 * Creating FIFO files, and naming existing ones: {@link dev.fifokit.files.Fifo}.
 *
 * <p>{@link dev.fifokit.files.Fifo#create(java.nio.file.Path, int)} makes a FIFO whose mode is
 * exactly the one asked for (the umask does not apply) and pins it, so no other user can swap
 * the file between its creation and its use; closing the {@code Fifo} unlinks it unless
 * {@link dev.fifokit.files.Fifo#keep()} was called. {@link dev.fifokit.files.Fifo#createTemp(String)}
 * makes one in a private 0700 directory, removed on close and at exit;
 * {@link dev.fifokit.files.Fifo#existing(java.nio.file.Path, boolean)} names one someone else made.
 * The ends are opened from a {@code Fifo} ({@code openReader}, {@code openWriter}) or from a path
 * ({@link dev.fifokit.ends}). Nothing here blocks: creating is one system call, and the waits
 * for a peer belong to the ends.
 */
package dev.fifokit.files;
