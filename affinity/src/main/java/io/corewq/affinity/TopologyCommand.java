// The "topology" command: prints the CPUs corewq may use, their topology, and whether pinning works on each.
package io.corewq.affinity;

import io.corewq.cpu.AffinityScope;
import io.corewq.cpu.CpuBinder;
import io.corewq.cpu.CpuBinders;
import io.corewq.cpu.CpuSelection;
import io.corewq.cpu.CpuSet;
import io.corewq.cpu.Topology;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code topology [--sysfs DIR] [--runs N]}: prints the binder in use, the allowed CPUs (process
 * mask ∩ online, narrowed by {@code -Dcorewq.cpus} / {@code -Dcorewq.cpus.exclude}), the topology
 * and the pods of every affinity scope, then, for each allowed CPU, starts a probe thread, binds it
 * there with the loaded {@link CpuBinder} and checks {@code N} times that it runs there
 * ({@code getCpu() == cpu} and its mask is exactly {@code {cpu}}). The last line is
 * {@code pinned: K of N CPUs verified}.
 *
 * <p>Exit status: 0 if every allowed CPU was verified, 1 if some were not (including when no
 * pinning binder is available), 2 for bad arguments or CPU selection.
 */
public final class TopologyCommand {
    /** Checks per CPU unless {@code --runs} says otherwise. */
    public static final int DEFAULT_RUNS = 1000;

    /** How long one probe thread may take before its CPU counts as unverified. */
    private static final long PROBE_TIMEOUT_SECONDS = 10;

    private TopologyCommand() {
    }

    /** Command-line entry point; exits with {@link #run}'s status. */
    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    /**
     * Runs the command, writing to {@code out}.
     *
     * @return 0 if all allowed CPUs were verified, 1 if not, 2 on bad arguments
     */
    public static int run(String[] args, PrintStream out) {
        Path sysfs = Topology.DEFAULT_SYSFS;
        int runs = DEFAULT_RUNS;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            try {
                if (a.equals("--sysfs") && i + 1 < args.length) {
                    sysfs = Path.of(args[++i]);
                } else if (a.equals("--runs") && i + 1 < args.length) {
                    runs = Integer.parseInt(args[++i]);
                    if (runs < 1) {
                        throw new NumberFormatException("must be at least 1");
                    }
                } else if (a.equals("-h") || a.equals("--help")) {
                    usage(out);
                    return 0;
                } else {
                    out.println("topology: unknown or incomplete argument '" + a + "'");
                    usage(out);
                    return 2;
                }
            } catch (RuntimeException e) {
                out.println("topology: bad value for " + a + ": " + e.getMessage());
                usage(out);
                return 2;
            }
        }

        CpuBinder binder = CpuBinders.load();
        out.println("binder: " + binder.name() + (binder.isPinning() ? " (pins threads)" : " (no pinning)"));
        if (!binder.isPinning() && OpenHftBinder.unavailableReason() != null) {
            out.println("  openhft unavailable: " + OpenHftBinder.unavailableReason());
        }
        CpuSet processCpus = CpuSelection.processCpus(binder);
        CpuSelection selection;
        CpuSet allowed;
        try {
            selection = CpuSelection.fromSystemProperties();
            allowed = selection.resolve(processCpus);
        } catch (IllegalArgumentException e) {
            out.println("topology: " + e.getMessage());
            return 2;
        }
        out.println("process CPUs: " + processCpus + " (" + processCpus.size() + ")");
        out.println("allowed CPUs: " + allowed + " (" + allowed.size() + ")"
                + (selection.isDefault() ? "" : "  [" + selection + "]"));

        Topology topo = Topology.read(sysfs);
        out.print(topo.describe());
        out.println("pods of the allowed CPUs:");
        for (AffinityScope s : AffinityScope.values()) {
            out.println("  " + s.partition(topo, allowed));
        }

        out.println("probes (" + runs + " checks per CPU):");
        int verified = 0;
        for (int cpu : allowed.toArray()) {
            String result = probe(binder, cpu, runs);
            if (result == null) {
                verified++;
                out.println("  cpu " + cpu + ": verified");
            } else {
                out.println("  cpu " + cpu + ": NOT verified (" + result + ")");
            }
        }
        out.println("pinned: " + verified + " of " + allowed.size() + " CPUs verified");
        out.flush();
        return verified == allowed.size() ? 0 : 1;
    }

    private static void usage(PrintStream out) {
        out.println("usage: topology [--sysfs DIR] [--runs N]   (-Dcorewq.cpus=LIST -Dcorewq.cpus.exclude=LIST)");
    }

    /**
     * Binds a fresh platform thread to {@code cpu} and checks {@code runs} times where it runs.
     *
     * @return {@code null} if verified, else what went wrong
     */
    static String probe(CpuBinder binder, int cpu, int runs) {
        CompletableFuture<String> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(check(binder, cpu, runs));
            } catch (Throwable e) {
                result.complete("probe failed: " + e);
            }
        }, "corewq-probe-" + cpu);
        t.setDaemon(true);
        t.start();
        try {
            return result.get(PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return "probe did not finish in " + PROBE_TIMEOUT_SECONDS + " s";
        } catch (ExecutionException e) {
            return "probe failed: " + e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static String check(CpuBinder binder, int cpu, int runs) {
        if (!binder.isPinning()) {
            return "binder " + binder.name() + " does not pin";
        }
        CpuSet want = CpuSet.of(cpu);
        if (!binder.bind(want)) {
            return "bind failed (running on " + binder.currentCpu() + ", mask " + binder.currentAffinity() + ")";
        }
        for (int i = 0; i < runs; i++) {
            int now = binder.currentCpu();
            CpuSet mask = binder.currentAffinity();
            if (now != cpu || !want.equals(mask)) {
                return "check " + (i + 1) + " of " + runs + " saw cpu " + now + ", mask " + mask;
            }
            Thread.yield();   // give the scheduler chances to move us, which it must not
        }
        return null;
    }
}
