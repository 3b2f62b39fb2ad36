// Entry point of corewq.jar: the first argument picks a subcommand (tour, jmh, topology, ...).
package io.corewq.bench;

import io.corewq.affinity.TopologyCommand;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code java -jar corewq.jar COMMAND [ARGS...]}. Each subcommand is one entry of {@link #COMMANDS}:
 * a name, a one-line summary for the usage text, and a function from its arguments to an exit
 * status. Adding one (torture, watch, compare, monitor) is one {@code add(...)} line.
 *
 * <p>Exit status: whatever the subcommand returns; 2 for a missing or unknown subcommand.
 */
public final class Main {
    /** Exit status for bad usage, as the subcommands use it too. */
    static final int USAGE = 2;

    /** A subcommand: runs with the arguments after its name and returns the process exit status. */
    @FunctionalInterface
    interface Command {
        int run(String[] args, PrintStream out) throws Exception;
    }

    private record Entry(String summary, Command command) {
    }

    /** Immutable after class initialisation: the subcommands in usage order. */
    private static final Map<String, Entry> COMMANDS = new LinkedHashMap<>();

    static {
        add("tour", "a short walk through the core semantics; ends with 'tour: ok'", Tour::run);
        add("jmh", "runs the JMH benchmarks; arguments go to JMH (try: jmh -h, jmh -l)", Main::jmh);
        add("topology", "CPUs, topology, pods and whether pinning works on each CPU", TopologyCommand::run);
        add("watch", "a light workload on every CPU; prints each hotplug event; [--seconds N]", Watch::run);
        add("monitor", "wq_monitor-style table of a corewq JVM: monitor [PID] [-i SECS] [-j] [-n COUNT]", io.corewq.bench.monitor.MonitorCommand::run);
        add("compare", "headline rows beside their peers, as ratios; [--quick] (under two minutes)", io.corewq.bench.compare.CompareCommand::run);
        add("slices", "queue rows in interleaved short slices, each labelled with the host's cross-CPU round trip; slices -h", io.corewq.bench.slices.SlicesCommand::run);
        add("charts", "renders docs/charts/*.svg from JMH JSON results: charts [--out DIR] JSON...", io.corewq.bench.charts.ChartsCommand::run);
        add("summary", "pools raw iterations of JMH JSON files (e.g. interleaved rounds): summary JSON...", io.corewq.bench.charts.SummaryCommand::run);
        add("torture", "queue/cancel/flush while CPUs go offline and online; [--seconds N] [--cpus K]", Torture::run);
    }

    private static void add(String name, String summary, Command command) {
        COMMANDS.put(name, new Entry(summary, command));
    }

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        int status = run(args, System.out, System.err);
        System.out.flush();
        System.exit(status);
    }

    /**
     * Runs the subcommand named by {@code args[0]}.
     *
     * @return its exit status, or {@link #USAGE} (after printing the usage to {@code err}) when the
     *     name is missing or unknown
     */
    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        Entry e = args.length == 0 ? null : COMMANDS.get(args[0]);
        if (e == null) {
            if (args.length > 0) {
                err.println("corewq: unknown command '" + args[0] + "'");
            }
            usage(err);
            return USAGE;
        }
        return e.command().run(Arrays.copyOfRange(args, 1, args.length), out);
    }

    static void usage(PrintStream err) {
        err.println("usage: java -jar corewq.jar COMMAND [ARGS...]");
        err.println("commands:");
        COMMANDS.forEach((name, e) -> err.printf("  %-10s %s%n", name, e.summary()));
    }

    /**
     * Hands the arguments to JMH's own command line (which exits by itself on its errors), adding
     * {@code -prof io.corewq.bench.latency.LatencyProfiler} for the ping-pong percentiles (it
     * reports nothing for the other benchmarks) unless the arguments name it already.
     */
    private static int jmh(String[] args, PrintStream out) throws Exception {
        org.openjdk.jmh.Main.main(jmhArgs(args));
        return 0;
    }

    static String[] jmhArgs(String[] args) {
        String profiler = io.corewq.bench.latency.LatencyProfiler.class.getName();
        for (String a : args) {
            if (a.equals(profiler) || a.equals("-h") || a.equals("-l") || a.equals("-lp") || a.equals("-lprof")
                    || a.equals("-lrf") || a.equals("-help")) {
                return args;
            }
        }
        String[] withProfiler = Arrays.copyOf(args, args.length + 2);
        withProfiler[args.length] = "-prof";
        withProfiler[args.length + 1] = profiler;
        return withProfiler;
    }
}
