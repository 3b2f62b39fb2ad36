// Option values of corewq.jar's commands: a missing or bad value throws IllegalArgumentException naming the option and the value.
package io.corewq.bench;

/**
 * What every command's option parsing shares. A command parses its arguments inside one
 * {@code try}, prints {@code "<command>: " + e.getMessage()} and its usage for an
 * {@link IllegalArgumentException}, and exits with {@link Main#USAGE}.
 */
public final class Args {
    private Args() {
    }

    /** {@code value}, the argument after {@code flag}; throws when the command line ended first. */
    public static String required(String flag, String value) {
        if (value == null) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return value;
    }

    /** The number after {@code flag}, within {@code min..max}. */
    public static long number(String flag, String value, long min, long max) {
        long v;
        try {
            v = Long.parseLong(required(flag, value));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " '" + value + "' is not a number");
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException(flag + " " + v + " must be between " + min + " and " + max);
        }
        return v;
    }

    /** The argument after index {@code i}, or null when {@code args[i]} is the last. */
    public static String after(String[] args, int i) {
        return i + 1 < args.length ? args[i + 1] : null;
    }
}
