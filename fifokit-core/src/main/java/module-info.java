/**
 * fifokit: Linux named pipes (FIFOs) and pipes for Java, through the FFM API.
 *
 * <ul>
 *   <li>{@code dev.fifokit.files}: create FIFOs with an exact mode, temporary FIFOs.</li>
 *   <li>{@code dev.fifokit.ends}: reader, writer and read-write ends, anonymous pipes, inherited descriptors.</li>
 *   <li>{@code dev.fifokit.spawn}: start a child process with ends as chosen descriptors.</li>
 *   <li>{@code dev.fifokit.diagnostics}: who holds a FIFO, process status, a background launcher.</li>
 *   <li>{@code dev.fifokit.messages}: messages over any end or channel, in {@code mesg} and {@code line} framing.</li>
 *   <li>{@code dev.fifokit}: the typed errors, limits and durations every package shares.</li>
 * </ul>
 *
 * <p>Native access must be enabled for this module ({@code --enable-native-access=dev.fifokit},
 * or {@code ALL-UNNAMED} on the class path, or {@code Enable-Native-Access} in a jar manifest).
 */
module dev.fifokit {
    exports dev.fifokit;
    exports dev.fifokit.ends;
    exports dev.fifokit.files;
    exports dev.fifokit.diagnostics;
    exports dev.fifokit.messages;
    exports dev.fifokit.spawn;
}
