// The custom JFR setting "minDuration" of io.corewq.WorkExecution: items shorter than it are not recorded.
package io.corewq.observe.jfr;

import java.util.Locale;
import java.util.Set;
import jdk.jfr.Label;
import jdk.jfr.MetadataDefinition;
import jdk.jfr.Name;
import jdk.jfr.SettingControl;
import jdk.jfr.Timespan;

/**
 * A timespan setting in JFR's syntax ({@code "10 ms"}, {@code "0 ns"}, {@code "2 s"},
 * {@code "infinity"}). Several recordings asking for different values get the smallest one: every
 * recording then sees at least what it asked for.
 *
 * <p>Public only because JFR instantiates it; not an API. The value in force is also kept in a
 * static field, so {@link JfrEvents#work} can drop a short item before it allocates an event.
 */
@MetadataDefinition
@Name("io.corewq.MinDuration")
@Label("Minimum Duration")
@Timespan
public final class MinDurationSetting extends SettingControl {
    /** The default value. */
    public static final String DEFAULT = "10 ms";
    private static final long DEFAULT_NANOS = 10_000_000L;

    /** Written by JFR's setting thread, read by workers: the value in force, in nanoseconds. */
    private static volatile long current = DEFAULT_NANOS;

    /** Written by JFR (setValue), read on commit. */
    private volatile long nanos = DEFAULT_NANOS;
    private volatile String text = DEFAULT;

    /** For JFR. */
    public MinDurationSetting() {
    }

    /** The value in force for the (single) WorkExecution event type, in nanoseconds. */
    static long currentNanos() {
        return current;
    }

    long nanos() {
        return nanos;
    }

    @Override
    public String combine(Set<String> values) {
        String best = null;
        long min = Long.MAX_VALUE;
        for (String v : values) {
            long n = parse(v, -1);
            if (n >= 0 && (best == null || n < min)) {
                min = n;
                best = v;
            }
        }
        return best != null ? best : DEFAULT;
    }

    @Override
    public void setValue(String value) {
        long n = parse(value, -1);
        if (n < 0) {
            return; // not a timespan: keep the value in force
        }
        text = value;
        nanos = n;
        current = n;
    }

    @Override
    public String getValue() {
        return text;
    }

    /** JFR's timespan syntax to nanoseconds, or {@code fallback} when unparseable. */
    static long parse(String value, long fallback) {
        if (value == null) {
            return fallback;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("infinity") || v.equals("forever")) {
            return Long.MAX_VALUE;
        }
        int i = 0;
        while (i < v.length() && Character.isDigit(v.charAt(i))) {
            i++;
        }
        if (i == 0) {
            return fallback;
        }
        long n;
        try {
            n = Long.parseLong(v.substring(0, i));
        } catch (NumberFormatException e) {
            return fallback;
        }
        long unit;
        switch (v.substring(i).trim()) {
            case "ns": unit = 1L; break;
            case "us": unit = 1_000L; break;
            case "ms": unit = 1_000_000L; break;
            case "s": unit = 1_000_000_000L; break;
            case "m": unit = 60_000_000_000L; break;
            case "h": unit = 3_600_000_000_000L; break;
            case "d": unit = 86_400_000_000_000L; break;
            case "": unit = n == 0 ? 1L : -1L; break; // a bare 0 is fine, other bare numbers are not
            default: unit = -1L; break;
        }
        if (unit < 0) {
            return fallback;
        }
        return n > Long.MAX_VALUE / unit ? Long.MAX_VALUE : n * unit;
    }
}
