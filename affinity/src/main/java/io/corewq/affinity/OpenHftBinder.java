// CpuBinder that really pins threads on Linux through OpenHFT Java-Thread-Affinity (JNA sched_setaffinity).
package io.corewq.affinity;

import io.corewq.cpu.CpuBinder;
import io.corewq.cpu.CpuSelection;
import io.corewq.cpu.CpuSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import net.openhft.affinity.Affinity;
import net.openhft.affinity.IAffinity;
import net.openhft.affinity.impl.LinuxJNAAffinity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pins corewq's threads with OpenHFT's {@link Affinity#setAffinity(BitSet)} (Linux
 * {@code sched_setaffinity} of the calling thread through JNA) and reads placement back with
 * {@link Affinity#getAffinity()} and {@link Affinity#getCpu()} ({@code sched_getcpu}). Registered
 * for {@link java.util.ServiceLoader}: putting {@code corewq-affinity} on the class path turns
 * pinning on with no code change.
 *
 * <p>No lock files: OpenHFT's {@code AffinityLock} (CPU reservation through files in a shared
 * temporary folder, CPU count taken from {@code /proc/cpuinfo}) is never touched. Which CPUs
 * a runtime uses is corewq's decision ({@link io.corewq.cpu.CpuSelection}).
 *
 * <h2>Implementation Overview</h2>
 * The constructor touches nothing native, so {@code ServiceLoader} can always instantiate it. The
 * first call to {@link #isAvailable()} (or any other method) initialises {@link Probe}, which loads
 * OpenHFT and JNA, checks that OpenHFT chose its Linux JNA implementation, and makes one real
 * {@code sched_getaffinity}/{@code sched_getcpu} round trip. Any {@link Throwable} there (no JNA,
 * {@link LinkageError}, a native failure, not Linux) makes the binder unavailable for the life of
 * the class loader, logged once as a warning; the core then falls back to running unpinned. All
 * OpenHFT references live in {@link Native}, so a missing OpenHFT or JNA surfaces as a caught
 * {@link LinkageError} in {@link Probe}, not while loading this class.
 *
 * <p>Works with no JVM flags on JDK 17 and later: JNA loads its native stub with
 * {@link System#load}; JDK 24+ prints a one-time "restricted method" warning for that unless
 * the application passes {@code --enable-native-access=ALL-UNNAMED} or its executable jar's
 * manifest says {@code Enable-Native-Access: ALL-UNNAMED}.
 *
 * <p>Thread-safe: every method acts on the calling thread only.
 */
public final class OpenHftBinder implements CpuBinder {
    private static final Logger LOG = LoggerFactory.getLogger(OpenHftBinder.class);

    /** Above the core's unpinned binder and any provider of default priority. */
    public static final int PRIORITY = 100;

    /** Tries to let the kernel finish migrating the thread before {@code sched_getcpu} is trusted. */
    private static final int CPU_CHECK_ATTEMPTS = 8;

    /** For ServiceLoader. Cheap: nothing native happens until a method is called. */
    public OpenHftBinder() {
    }

    @Override
    public String name() {
        return "openhft";
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    /** Whether OpenHFT's Linux JNA implementation loaded and answered; computed once. */
    @Override
    public boolean isAvailable() {
        return Probe.AVAILABLE;
    }

    /** Why the binder is unavailable, or {@code null} if it is available. */
    public static String unavailableReason() {
        return Probe.REASON;
    }

    @Override
    public boolean isPinning() {
        return Probe.AVAILABLE;
    }

    /**
     * Restricts the calling thread to {@code cpus} and verifies it: the mask must read back exactly,
     * and for a single CPU {@code sched_getcpu} must report it. If the mask could not be applied
     * exactly, the thread's previous mask is restored. If the mask applied but the thread was not
     * seen on its single CPU, the mask is kept (the kernel will move the thread there) and
     * {@code false} is returned so the caller reports the CPU as unverified.
     *
     * @return {@code true} only if applied and verified; never throws
     */
    @Override
    public boolean bind(CpuSet cpus) {
        if (!Probe.AVAILABLE || cpus == null || cpus.isEmpty()) {
            return false;
        }
        BitSet want = toBits(cpus);
        BitSet before = null;
        try {
            before = Native.getAffinity();
            Native.setAffinity(want);
            BitSet got = Native.getAffinity();
            if (!want.equals(got)) {
                LOG.debug("corewq: asked for cpus {} but the thread's mask reads {}", cpus, toCpuSet(got));
                restore(before);
                return false;
            }
            if (cpus.size() == 1) {
                int cpu = cpus.first();
                int now = Native.getCpu();
                for (int i = 1; i < CPU_CHECK_ATTEMPTS && now != cpu; i++) {
                    Thread.yield();
                    now = Native.getCpu();
                }
                if (now != cpu) {
                    LOG.debug("corewq: bound to cpu {} but sched_getcpu reports {}", cpu, now);
                    return false;
                }
            }
            return true;
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("corewq: binding to cpus {} failed: {}", cpus, e.toString());
            restore(before);
            return false;
        }
    }

    private static void restore(BitSet before) {
        if (before == null || before.isEmpty()) {
            return;
        }
        try {
            Native.setAffinity(before);
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("corewq: could not restore thread mask {}: {}", toCpuSet(before), e.toString());
        }
    }

    @Override
    public int currentCpu() {
        if (!Probe.AVAILABLE) {
            return -1;
        }
        try {
            return Native.getCpu();
        } catch (RuntimeException | LinkageError e) {
            return -1;
        }
    }

    @Override
    public CpuSet currentAffinity() {
        if (!Probe.AVAILABLE) {
            return null;
        }
        try {
            BitSet b = Native.getAffinity();
            return b == null || b.isEmpty() ? null : toCpuSet(b);
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /**
     * The process's CPUs: {@code Cpus_allowed_list} of {@code /proc/self/status} (the process's
     * main-thread mask, not the calling thread's, which may be pinned already), or, without
     * {@code /proc}, the mask of the thread that first probed this binder; intersected with
     * {@code /sys/devices/system/cpu/online}. {@code null} (use the core's detection) if neither is
     * known.
     */
    @Override
    public CpuSet processAllowedCpus() {
        CpuSet allowed = CpuSelection.readCpusAllowed(Path.of("/proc/self/status"));
        if (allowed == null || allowed.isEmpty()) {
            allowed = Probe.INITIAL_MASK;
        }
        if (allowed == null || allowed.isEmpty()) {
            return null;
        }
        try {
            CpuSet online = CpuSet.parse(Files.readString(Path.of("/sys/devices/system/cpu/online")));
            CpuSet both = allowed.and(online);
            return both.isEmpty() ? allowed : both;
        } catch (IOException | RuntimeException e) {
            return allowed;
        }
    }

    static BitSet toBits(CpuSet cpus) {
        BitSet b = new BitSet(cpus.last() + 1);
        for (int c : cpus.toArray()) {
            b.set(c);
        }
        return b;
    }

    static CpuSet toCpuSet(BitSet b) {
        return b == null ? CpuSet.empty() : CpuSet.of(b.stream().toArray());
    }

    @Override
    public String toString() {
        return "OpenHftBinder[" + (Probe.AVAILABLE ? "available" : "unavailable: " + Probe.REASON) + "]";
    }

    /** The one place that names OpenHFT classes; loading it may throw {@link LinkageError}. */
    private static final class Native {
        static boolean isLinuxJna() {
            IAffinity impl = Affinity.getAffinityImpl();
            return impl instanceof LinuxJNAAffinity && LinuxJNAAffinity.LOADED;
        }

        static String implName() {
            return String.valueOf(Affinity.getAffinityImpl().getClass().getName());
        }

        static BitSet getAffinity() {
            return Affinity.getAffinity();
        }

        static void setAffinity(BitSet cpus) {
            Affinity.setAffinity(cpus);
        }

        static int getCpu() {
            return Affinity.getCpu();
        }
    }

    /** Decides availability once per class loader (lazy holder idiom: the JVM runs this at most once). */
    private static final class Probe {
        static final boolean AVAILABLE;
        static final String REASON;        // null when available
        static final CpuSet INITIAL_MASK;  // the probing thread's mask, null if unknown

        static {
            String reason = null;
            CpuSet mask = null;
            String os = System.getProperty("os.name", "?");
            if (!os.startsWith("Linux")) {
                reason = "not Linux (os.name=" + os + ")";
            } else {
                try {
                    if (!Native.isLinuxJna()) {
                        reason = "OpenHFT fell back to " + Native.implName() + " (JNA or libc unusable)";
                    } else {
                        BitSet b = Native.getAffinity();
                        int cpu = Native.getCpu();
                        if (b == null || b.isEmpty()) {
                            reason = "sched_getaffinity returned an empty mask";
                        } else if (cpu < 0 || !b.get(cpu)) {
                            reason = "sched_getcpu returned " + cpu + ", outside the thread's mask " + toCpuSet(b);
                        } else {
                            mask = toCpuSet(b);
                        }
                    }
                } catch (Throwable t) {   // NoClassDefFoundError (no JNA), UnsatisfiedLinkError, native errors
                    reason = t.toString();
                }
            }
            AVAILABLE = reason == null;
            REASON = reason;
            INITIAL_MASK = mask;
            if (AVAILABLE) {
                LOG.debug("corewq: CPU pinning through OpenHFT Java-Thread-Affinity is available");
            } else {
                LOG.warn("corewq: CPU pinning unavailable ({}); corewq will run unpinned", reason);
            }
        }
    }
}
