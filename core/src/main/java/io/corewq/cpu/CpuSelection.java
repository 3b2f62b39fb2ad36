// Chooses the CPUs a runtime uses: the process's allowed CPUs, narrowed and with exclusions (API or system properties).
package io.corewq.cpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

/**
 * An immutable recipe for the CPU set a runtime uses.
 *
 * <pre>
 *   used = allowed  ∩ only₁ ∩ only₂ ...  \ exclude₁ \ exclude₂ ...
 *   allowed = the process's affinity mask ∩ online CPUs   ({@link #processCpus})
 * </pre>
 *
 * Narrowings come from {@link #only(CpuSet)} and the system property {@value #CPUS_PROPERTY}
 * (e.g. {@code -Dcorewq.cpus=2-7,10}); exclusions (CPUs isolated or reserved for other work) from
 * {@link #exclude(CpuSet)} and {@value #EXCLUDE_PROPERTY}. Every narrowing applies, so a system
 * property can only narrow further what the code chose. CPU ids may be sparse.
 *
 * <p>{@link #resolve(CpuSet)} fails with an {@link IllegalArgumentException} that names the bad
 * values when a narrowing asks for a CPU the process may not use (offline, outside its cgroup or
 * {@code taskset} mask) or when nothing is left. Excluding a CPU the process may not use anyway is
 * not an error.
 */
public final class CpuSelection {
    /** System property narrowing the CPUs, in cpu-list syntax: {@code corewq.cpus=2-7,10}. */
    public static final String CPUS_PROPERTY = "corewq.cpus";
    /** System property excluding CPUs, in cpu-list syntax: {@code corewq.cpus.exclude=0}. */
    public static final String EXCLUDE_PROPERTY = "corewq.cpus.exclude";

    private static final CpuSelection ALL = new CpuSelection(List.of(), List.of());

    /** One narrowing or exclusion and where it came from, for error messages. */
    private record Term(String origin, CpuSet cpus) {
    }

    private final List<Term> only;      // immutable
    private final List<Term> excluded;  // immutable

    private CpuSelection(List<Term> only, List<Term> excluded) {
        this.only = only;
        this.excluded = excluded;
    }

    /** Every allowed CPU. */
    public static CpuSelection all() {
        return ALL;
    }

    /** {@link #all()} with the system properties {@value #CPUS_PROPERTY} and {@value #EXCLUDE_PROPERTY} applied. */
    public static CpuSelection fromSystemProperties() {
        return ALL.withSystemProperties();
    }

    /** Narrows to {@code cpus} (intersected with earlier narrowings). */
    public CpuSelection only(CpuSet cpus) {
        Objects.requireNonNull(cpus, "cpus");
        return new CpuSelection(append(only, new Term("only(" + cpus + ")", cpus)), excluded);
    }

    /** Narrows to a cpu list such as {@code "2-7,10"}; throws {@link IllegalArgumentException} if malformed. */
    public CpuSelection only(String cpuList) {
        return only(CpuSet.parse(cpuList));
    }

    /** Removes {@code cpus}. */
    public CpuSelection exclude(CpuSet cpus) {
        Objects.requireNonNull(cpus, "cpus");
        return new CpuSelection(only, append(excluded, new Term("exclude(" + cpus + ")", cpus)));
    }

    /** Removes a cpu list such as {@code "0,1"}; throws {@link IllegalArgumentException} if malformed. */
    public CpuSelection exclude(String cpuList) {
        return exclude(CpuSet.parse(cpuList));
    }

    /** This selection with {@value #CPUS_PROPERTY} / {@value #EXCLUDE_PROPERTY} from {@link System#getProperties()}. */
    public CpuSelection withSystemProperties() {
        return withProperties(System.getProperties());
    }

    /**
     * This selection with {@value #CPUS_PROPERTY} and {@value #EXCLUDE_PROPERTY} taken from
     * {@code props}; blank or absent properties change nothing.
     *
     * @throws IllegalArgumentException naming the property and its bad value
     */
    public CpuSelection withProperties(Properties props) {
        List<Term> o = only;
        List<Term> x = excluded;
        String cpus = props.getProperty(CPUS_PROPERTY);
        if (cpus != null && !cpus.isBlank()) {
            o = append(o, new Term(CPUS_PROPERTY + "=" + cpus.trim(), parseProperty(CPUS_PROPERTY, cpus)));
        }
        String ex = props.getProperty(EXCLUDE_PROPERTY);
        if (ex != null && !ex.isBlank()) {
            x = append(x, new Term(EXCLUDE_PROPERTY + "=" + ex.trim(), parseProperty(EXCLUDE_PROPERTY, ex)));
        }
        return new CpuSelection(o, x);
    }

    private static CpuSet parseProperty(String name, String value) {
        try {
            return CpuSet.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("system property " + name + "='" + value + "': " + e.getMessage(), e);
        }
    }

    private static List<Term> append(List<Term> l, Term t) {
        List<Term> n = new ArrayList<>(l);
        n.add(t);
        return List.copyOf(n);
    }

    /** Whether this selection narrows or excludes anything. */
    public boolean isDefault() {
        return only.isEmpty() && excluded.isEmpty();
    }

    /**
     * The CPUs to use, out of {@code allowed}.
     *
     * @param allowed the CPUs the process may use (see {@link #processCpus})
     * @return a non-empty subset of {@code allowed}
     * @throws IllegalArgumentException if a narrowing names CPUs outside {@code allowed} (the
     *     message lists them, where they were asked for, and the allowed set), or nothing is left
     */
    public CpuSet resolve(CpuSet allowed) {
        Objects.requireNonNull(allowed, "allowed");
        CpuSet used = allowed;
        for (Term t : only) {
            CpuSet missing = t.cpus().andNot(allowed);
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("corewq: " + t.origin() + " asks for CPU"
                        + (missing.size() == 1 ? " " : "s ") + missing
                        + " that this process may not use (allowed CPUs: " + allowed + ")");
            }
            used = used.and(t.cpus());
        }
        for (Term t : excluded) {
            used = used.andNot(t.cpus());
        }
        if (used.isEmpty()) {
            throw new IllegalArgumentException("corewq: no CPUs left to use: allowed " + allowed + ", " + this);
        }
        return used;
    }

    /** {@link #resolve(CpuSet)} against {@link #processCpus(CpuBinder) processCpus(CpuBinders.load())}. */
    public CpuSet resolve() {
        return resolve(processCpus(CpuBinders.load()));
    }

    /**
     * The CPUs this process may use: the binder's answer if it has one, else the core's detection
     * ({@code Cpus_allowed_list} of {@code /proc/self/status} ∩ online CPUs), see
     * {@link CpuBinders#processAllowedCpus()}.
     */
    public static CpuSet processCpus(CpuBinder binder) {
        CpuSet s = null;
        if (binder != null) {
            try {
                s = binder.processAllowedCpus();
            } catch (RuntimeException | LinkageError e) {
                s = null;
            }
        }
        return s == null || s.isEmpty() ? CpuBinders.processAllowedCpus() : s;
    }

    /**
     * The {@code Cpus_allowed_list} of a {@code /proc/<pid>/status} file, or {@code null} if the
     * file is missing or has no such line. Used by binders and tests with fake files.
     */
    public static CpuSet readCpusAllowed(Path procStatus) {
        try {
            return cpusAllowedOf(Files.readString(procStatus, java.nio.charset.StandardCharsets.ISO_8859_1));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The {@code Cpus_allowed_list} of the text of a {@code /proc/<pid>/status} file, or
     * {@code null} if it has no such line or the list does not parse.
     */
    public static CpuSet cpusAllowedOf(String status) {
        final String key = "Cpus_allowed_list:";
        int at = status.startsWith(key) ? 0 : status.indexOf("\n" + key);
        if (at < 0) {
            return null;
        }
        int from = status.indexOf(':', at) + 1;
        int to = status.indexOf('\n', from);
        try {
            return CpuSet.parse(status.substring(from, to < 0 ? status.length() : to));
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        if (isDefault()) {
            return "all allowed CPUs";
        }
        StringBuilder sb = new StringBuilder();
        for (Term t : only) {
            sb.append(sb.length() == 0 ? "" : ", ").append(t.origin());
        }
        for (Term t : excluded) {
            sb.append(sb.length() == 0 ? "" : ", ").append(t.origin());
        }
        return sb.toString();
    }
}
