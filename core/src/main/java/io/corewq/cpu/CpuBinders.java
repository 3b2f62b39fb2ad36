// Finds the CpuBinder to use (ServiceLoader, highest priority) and detects the CPUs this process may use.
package io.corewq.cpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Static helpers: binder discovery and the process's allowed CPU set. */
public final class CpuBinders {
    private static final Logger LOG = LoggerFactory.getLogger(CpuBinders.class);

    private CpuBinders() {
    }

    /** The available binder with the highest priority, or {@link UnpinnedBinder}. */
    public static CpuBinder load() {
        CpuBinder best = UnpinnedBinder.INSTANCE;
        try {
            for (CpuBinder b : ServiceLoader.load(CpuBinder.class, CpuBinders.class.getClassLoader())) {
                try {
                    if (b.isAvailable() && b.priority() > best.priority()) {
                        best = b;
                    }
                } catch (RuntimeException | LinkageError e) {
                    LOG.warn("corewq: CPU binder {} is unusable: {}", b.getClass().getName(), e.toString());
                }
            }
        } catch (java.util.ServiceConfigurationError e) {
            LOG.warn("corewq: could not load CPU binders: {}", e.toString());
        }
        return best;
    }

    /**
     * The CPUs this process may run on: {@code Cpus_allowed_list} of {@code /proc/self/status}
     * intersected with {@code /sys/devices/system/cpu/online}; off Linux, {@code 0..n-1} with
     * n = {@link Runtime#availableProcessors()}.
     */
    public static CpuSet processAllowedCpus() {
        return processAllowedCpus(Path.of("/proc/self/status"), Path.of("/sys/devices/system/cpu/online"));
    }

    /** As {@link #processAllowedCpus()}, reading the given files (tests use fake ones). */
    public static CpuSet processAllowedCpus(Path procStatus, Path sysOnline) {
        CpuSet allowed = null;
        try {
            List<String> lines = Files.readAllLines(procStatus);
            for (String l : lines) {
                if (l.startsWith("Cpus_allowed_list:")) {
                    allowed = CpuSet.parse(l.substring("Cpus_allowed_list:".length()));
                }
            }
        } catch (IOException | RuntimeException e) {
            allowed = null;
        }
        if (allowed != null) {
            try {
                CpuSet online = CpuSet.parse(Files.readString(sysOnline));
                if (!online.isEmpty()) {
                    allowed = allowed.and(online);
                }
            } catch (IOException | RuntimeException e) {
                // no sysfs: trust the affinity list alone
            }
        }
        if (allowed == null || allowed.isEmpty()) {
            allowed = CpuSet.range(0, Runtime.getRuntime().availableProcessors());
        }
        return allowed;
    }
}
