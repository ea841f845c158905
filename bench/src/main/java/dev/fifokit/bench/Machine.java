package dev.fifokit.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the report says about the machine: CPU, vCPUs, kernel, JVM, load average. */
final class Machine {
    private Machine() {}

    static String cpu() {
        for (String line : proc("/proc/cpuinfo").split("\n")) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).strip();
            }
        }
        return System.getProperty("os.arch");
    }

    static int cpus() {
        return Runtime.getRuntime().availableProcessors();
    }

    static String kernel() {
        return System.getProperty("os.name") + " " + System.getProperty("os.version");
    }

    static String java() {
        return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
    }

    /** The 1, 5 and 15 minute load averages. */
    static String loadAverage() {
        String[] f = proc("/proc/loadavg").split("\\s+");
        return f.length >= 3 ? f[0] + " " + f[1] + " " + f[2] : "?";
    }

    static String describe() {
        return cpu() + ", " + cpus() + " vCPU, " + kernel() + ", " + java();
    }

    /** /proc files report size 0: read them as streams (see the brief's JDK pitfall). */
    private static String proc(String path) {
        try (InputStream in = Files.newInputStream(Path.of(path))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
