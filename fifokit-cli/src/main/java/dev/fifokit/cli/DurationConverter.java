package dev.fifokit.cli;

import dev.fifokit.Durations;
import picocli.CommandLine;

import java.time.Duration;

/** {@code 500ms}, {@code 5s}, {@code 2m} for picocli; a bad value is a usage error (exit 2). */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
