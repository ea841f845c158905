package dev.fifokit.cli;

import picocli.CommandLine;

/** The version from the jar manifest (the build's project version). */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = VersionProvider.class.getPackage().getImplementationVersion(); // no command class to load
        return new String[] {"fifokit " + (v != null ? v : "0.1.0-SNAPSHOT") + " (Java " + Runtime.version() + ")"};
    }
}
