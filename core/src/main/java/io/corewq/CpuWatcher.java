// Follows the OS's CPU changes (affinity mask, cgroup cpuset, sysfs online) and offlines/onlines CPUs to match.
package io.corewq;

import io.corewq.cpu.CpuSelection;
import io.corewq.cpu.CpuSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Every interval (and at once when a carrier finds itself displaced) compares what the OS lets
 * the process use with the runtime's online set:
 * <ul>
 *   <li>{@code affinity}: {@code Cpus_allowed_list} of {@code /proc/self/status};</li>
 *   <li>{@code cpuset}: the effective CPUs of the process's cgroup (v1 {@code cpuset.effective_cpus},
 *       v2 {@code cpuset.cpus.effective});</li>
 *   <li>{@code sysfs}: {@code /sys/devices/system/cpu/online} (hot-removed CPUs).</li>
 * </ul>
 * A CPU of the runtime that the OS took away goes offline with that cause; one it gave back comes
 * online again, if it was this watcher that took it offline (a CPU the user offlined stays
 * offline). The last online CPU is never taken offline.
 */
final class CpuWatcher implements Runnable {
    private final CpuRuntime rt;
    private final long intervalNanos;
    private final Path procStatus = Path.of("/proc/self/status");
    private final Path sysOnline = Path.of("/sys/devices/system/cpu/online");
    private final Path procCgroup = Path.of("/proc/self/cgroup");
    /** Watcher thread only: /proc/self/cgroup at the last check, and the cpuset file it led to. */
    private String lastCgroup;
    private Path lastCpuset;
    /** Watcher thread only: the buffer {@link #readSmall} reads into (grown if a file needs it). */
    private byte[] buf = new byte[4096];
    /** Watcher thread only: CPUs this watcher took offline, with the cause and the transition count it left. */
    private final Map<Integer, Claim> offlinedByOs = new HashMap<>();

    /** A CPU the watcher took offline: why, and the CPU's hotplug transition count right after. */
    private record Claim(String cause, long transitions) {
    }
    private final Thread thread;
    private volatile boolean stop;
    private volatile boolean poked;
    private CpuSet lastAllowed;

    CpuWatcher(CpuRuntime rt, long intervalNanos) {
        this.rt = rt;
        this.intervalNanos = intervalNanos;
        this.thread = new Thread(this, "corewq-cpuwatch-" + rt.id);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void stop() {
        stop = true;
        LockSupport.unpark(thread);
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A carrier saw itself on the wrong CPU: check now. */
    void poke() {
        poked = true;
        LockSupport.unpark(thread);
    }

    /** The cgroup cpuset file of this process, v1 first, or null. */
    private Path findCpuset() {
        String cgroup = readSmall(procCgroup);
        if (cgroup == null) {
            return null;
        }
        if (lastCpuset != null && cgroup.equals(lastCgroup)) {
            return lastCpuset; // the process did not move: no need to probe the files again
        }
        Path found = probeCpuset(cgroup);
        lastCgroup = cgroup;
        lastCpuset = found;
        return found;
    }

    private static Path probeCpuset(String cgroup) {
        try {
            String[] lines = cgroup.split("\n");
            for (String l : lines) {
                String[] f = l.split(":", 3);
                if (f.length == 3 && List.of(f[1].split(",")).contains("cpuset")) {
                    Path p = Path.of("/sys/fs/cgroup/cpuset" + f[2], "cpuset.effective_cpus");
                    if (Files.isReadable(p)) {
                        return p;
                    }
                }
            }
            for (String l : lines) {
                String[] f = l.split(":", 3);
                if (f.length == 3 && f[0].equals("0") && f[1].isEmpty()) {
                    for (String root : new String[] {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"}) {
                        Path p = Path.of(root + f[2], "cpuset.cpus.effective");
                        if (Files.isReadable(p)) {
                            return p;
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            return null;
        }
        return null;
    }

    private CpuSet read(Path p) {
        if (p == null) {
            return null;
        }
        String s = readSmall(p);
        try {
            return s == null || s.isBlank() ? null : CpuSet.parse(s.trim());
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * The contents of a small text file (procfs, sysfs, cgroupfs) as ASCII, or null if unreadable.
     * Reads into a reused buffer: a check every 100 ms must not make tens of kilobytes of garbage
     * (as Files.readAllLines does with its 8 KiB reader buffers) in a latency-sensitive process.
     */
    private String readSmall(Path p) {
        try (java.io.FileInputStream in = new java.io.FileInputStream(p.toFile())) {
            int n = 0;
            for (int r; (r = in.read(buf, n, buf.length - n)) > 0; ) {
                n += r;
                if (n == buf.length) {
                    buf = java.util.Arrays.copyOf(buf, buf.length * 2);
                }
            }
            return new String(buf, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public void run() {
        while (!stop) {
            try {
                check();
            } catch (Throwable t) {
                rt.log.error("corewq: CPU watcher error", t);
            }
            if (!poked) {
                LockSupport.parkNanos(this, intervalNanos);
            }
            poked = false;
        }
    }

    private void check() {
        if (rt.isClosed()) {
            return;
        }
        String status = readSmall(procStatus);
        CpuSet affinity = status == null ? null : CpuSelection.cpusAllowedOf(status);
        CpuSet cpuset = read(findCpuset()); // re-resolved each time: the process may move between cgroups
        CpuSet sys = read(sysOnline);
        apply(sys, cpuset, affinity);
    }

    /**
     * Follows what the OS allows ({@code null}: unknown): offlines each online CPU it excludes, and
     * brings back a CPU this watcher took offline once the OS allows it again, unless somebody
     * else onlined or offlined it since. CONTEXT: the watcher thread (tests call it directly).
     */
    void apply(CpuSet sys, CpuSet cpuset, CpuSet affinity) {
        boolean changed = false;
        for (int cpu : rt.cpus()) {
            String cause = null;
            if (sys != null && !sys.contains(cpu)) {
                cause = "sysfs";
            } else if (cpuset != null && !cpuset.contains(cpu)) {
                cause = "cpuset";
            } else if (affinity != null && !affinity.contains(cpu)) {
                cause = "affinity";
            }
            if (cause != null && rt.isOnline(cpu)) {
                if (rt.onlineCpus().size() == 1) {
                    rt.log.warn("corewq: the OS took CPU {} ({}) but it is the runtime's last online CPU; it stays", cpu, cause);
                    continue;
                }
                try {
                    long transitions = rt.hotplug().offlineCounted(cpu, cause);
                    if (transitions >= 0) {
                        offlinedByOs.put(cpu, new Claim(cause, transitions));
                        changed = true;
                    }
                } catch (RuntimeException e) {
                    rt.log.error("corewq: could not offline CPU {} ({})", cpu, cause, e);
                }
            } else if (cause == null && !rt.isOnline(cpu) && offlinedByOs.containsKey(cpu)) {
                Claim claim = offlinedByOs.remove(cpu);
                try {
                    // false: somebody else onlined or offlined the CPU since; their word stands
                    changed |= rt.hotplug().onlineIfUnchanged(cpu, claim.cause(), claim.transitions());
                } catch (RuntimeException e) {
                    offlinedByOs.put(cpu, claim); // tried again on the next pass
                    rt.log.error("corewq: could not online CPU {}", cpu, e);
                }
            }
        }
        CpuSet allowed = affinity;
        if (changed || allowed != null && lastAllowed != null && !allowed.equals(lastAllowed)) {
            // a cpuset or affinity change rewrites every thread's mask: pin the carriers again
            rt.repinAll();
        }
        lastAllowed = allowed;
    }
}
