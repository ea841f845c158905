package dev.fifokit.cli;

import dev.fifokit.messages.Framing;
import picocli.CommandLine;

import java.util.List;
import java.util.Locale;

/** {@code --format raw|line|mesg} of {@code cat} and {@code write}. */
enum StreamFormat {
    /** Bytes unchanged. */
    RAW,
    /** {@link Framing#LINE} on the FIFO. */
    LINE,
    /** {@link Framing#MESG} on the FIFO. */
    MESG;

    /** The framing on the FIFO; null for raw. */
    Framing framing() {
        return this == RAW ? null : Framing.valueOf(name());
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses raw, line or mesg (any case); anything else is a usage error. */
    static final class Converter implements CommandLine.ITypeConverter<StreamFormat> {
        @Override
        public StreamFormat convert(String value) {
            try {
                return valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("unknown format '" + value + "' (expected raw, line or mesg)");
            }
        }
    }

    /** Completion candidates. */
    static final class Names implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return List.of("raw", "line", "mesg").iterator();
        }
    }

    /** {@code --format line|mesg} of the echo commands. */
    static final class FramingConverter implements CommandLine.ITypeConverter<Framing> {
        @Override
        public Framing convert(String value) {
            try {
                return Framing.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("unknown format '" + value + "' (expected line or mesg)");
            }
        }
    }

    /** Completion candidates of the echo commands. */
    static final class FramingNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return List.of("line", "mesg").iterator();
        }
    }
}
