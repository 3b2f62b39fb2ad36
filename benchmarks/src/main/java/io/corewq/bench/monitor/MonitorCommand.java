// The "monitor" command: wq_monitor.py for corewq, reading the workqueue MBeans of a local JVM (or of an in-process demo).
package io.corewq.bench.monitor;

import io.corewq.observe.CorewqJmx;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * {@code monitor [PID] [-i SECS] [-j] [-n COUNT] [REGEX...]}: every interval, one table in the
 * columns of the kernel's {@code tools/workqueue/wq_monitor.py}, or with {@code -j} one JSON object
 * per workqueue and line.
 *
 * <pre>
 *                             total  infl  CPUtime  CPUhog CMW/RPR  mayday rescued
 * events                         42     0      0.0       0       0       -       -
 * demo_unbound                 1200     3      0.1       -       -       -       -
 * demo_reclaim                  800     0      0.0       0       0       0       0
 * </pre>
 *
 * <ul>
 *   <li>{@code PID}: a local JVM whose runtimes registered their MBeans ({@code CorewqJmx}); the
 *       command attaches with the Attach API, starts the JVM's local management agent and reads
 *       the MBeans over the JMX connector it returns. Without a PID the command starts
 *       {@link DemoWorkload} in this JVM and reads the platform MBean server.
 *   <li>{@code -i SECS}: interval, default 1; 0 prints once and ends.
 *   <li>{@code -n COUNT}: end after COUNT tables (default: run until interrupted).
 *   <li>{@code -j}: JSON lines instead of tables.
 *   <li>{@code REGEX}: show only workqueues whose name contains a match of one of them.
 * </ul>
 *
 * <p>Columns as in wq_monitor, from {@code WorkqueueMXBean}: total = Completed, infl = InFlight
 * (queued or running), CPUtime = CpuTimeNanos in seconds, CPUhog = CpuHogs ("-" for unbound
 * workqueues, which are not concurrency-managed), CMW/RPR = CmWakeups ("-" for unbound ones:
 * corewq does not repatriate unbound workers), mayday and rescued ("-" unless MEM_RECLAIM). Names
 * longer than 24 characters keep their last 24, as in wq_monitor; with more than one runtime in the
 * JVM each name carries {@code @<runtime key>}. Rows follow allocation order, as the kernel's list.
 *
 * <p>JSON keys: timestamp (s since the epoch), runtime, name, unbound, mem_reclaim, ordered,
 * max_active, started, completed, exceptions, in_flight, armed, cpu_time (microseconds, as the
 * kernel's), cpu_hog, cm_wakeup, mayday, rescued.
 *
 * <p>Exit status: 0; 1 when the JVM cannot be attached to or its MBeans cannot be read; 2 for bad
 * usage.
 */
public final class MonitorCommand {
    static final int USAGE = 2;

    private static final String[] ATTRS = {"Name", "Runtime", "Unbound", "MemReclaim", "Ordered", "MaxActive",
        "Started", "Completed", "Exceptions", "InFlight", "Armed", "CpuTimeNanos", "CpuHogs", "CmWakeups",
        "Mayday", "Rescued"};

    private MonitorCommand() {
    }

    /** Options after parsing. */
    private record Options(Long pid, double intervalSeconds, long count, boolean json, Pattern filter) {
    }

    /** One workqueue's attributes at one instant. */
    private record Row(String runtime, int order, int instance, String name, boolean unbound, boolean memReclaim,
            boolean ordered, int maxActive, long started, long completed, long exceptions, long inFlight, long armed,
            long cpuTimeNanos, long cpuHogs, long cmWakeups, long mayday, long rescued) {
    }

    public static void main(String[] args) {
        int status = run(args, System.out);
        System.out.flush();
        System.exit(status);
    }

    /**
     * Runs the command.
     *
     * @return the exit status (see the class comment)
     */
    public static int run(String[] args, PrintStream out) {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            out.println("monitor: " + e.getMessage());
            usage(out);
            return USAGE;
        }
        if (o == null) {
            usage(out);
            return 0;
        }
        if (o.pid() == null) {
            try (DemoWorkload demo = DemoWorkload.start()) {
                return loop(ManagementFactory.getPlatformMBeanServer(), o, out);
            } catch (IOException e) {
                out.println("monitor: " + e); // not thrown by the platform MBean server
                return 1;
            }
        }
        JMXConnector connector;
        try {
            connector = JMXConnectorFactory.connect(new JMXServiceURL(Attach.localManagementAgent(o.pid())));
        } catch (Exception e) {
            out.println("monitor: cannot attach to JVM " + o.pid() + ": " + e);
            return 1;
        }
        try (JMXConnector c = connector) {
            return loop(c.getMBeanServerConnection(), o, out);
        } catch (IOException e) {
            out.println("monitor: lost JVM " + o.pid() + ": " + e);
            return 1;
        }
    }

    static void usage(PrintStream out) {
        out.println("usage: monitor [PID] [-i SECS] [-j] [-n COUNT] [REGEX...]");
        out.println("  PID       a local JVM running corewq with JMX on; none: run a demo workload here");
        out.println("  -i SECS   interval in seconds (default 1; 0 prints once)");
        out.println("  -j        JSON lines instead of tables");
        out.println("  -n COUNT  stop after COUNT intervals");
        out.println("  REGEX     only workqueues whose name matches one of these");
    }

    /** The options, or null for {@code -h}. */
    private static Options parse(String[] args) {
        Long pid = null;
        double interval = 1;
        long count = Long.MAX_VALUE;
        boolean json = false;
        List<String> res = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-h", "--help" -> {
                    return null;
                }
                case "-j", "--json" -> json = true;
                case "-i", "--interval" -> {
                    interval = number(a, value(args, ++i, a));
                    if (interval < 0 || Double.isNaN(interval) || Double.isInfinite(interval)) {
                        throw new IllegalArgumentException("interval must be 0 or more seconds: " + args[i]);
                    }
                }
                case "-n", "--count" -> {
                    count = (long) number(a, value(args, ++i, a));
                    if (count < 1) {
                        throw new IllegalArgumentException("count must be at least 1: " + args[i]);
                    }
                }
                default -> {
                    if (a.startsWith("-") && a.length() > 1) {
                        throw new IllegalArgumentException("unknown option " + a);
                    } else if (pid == null && res.isEmpty() && a.chars().allMatch(Character::isDigit)) {
                        pid = Long.parseLong(a);
                    } else {
                        res.add(a);
                    }
                }
            }
        }
        Pattern filter = null;
        if (!res.isEmpty()) {
            try {
                filter = Pattern.compile(String.join("|", res));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("bad REGEX: " + e.getDescription());
            }
        }
        return new Options(pid, interval, interval == 0 ? 1 : count, json, filter);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static double number(String option, String v) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number, not '" + v + "'");
        }
    }

    // ---- the loop ------------------------------------------------------------------------------

    private static int loop(MBeanServerConnection conn, Options o, PrintStream out) throws IOException {
        long intervalMillis = Math.round(o.intervalSeconds() * 1000);
        for (long n = 0; n < o.count(); n++) {
            if (n > 0) {
                try {
                    Thread.sleep(intervalMillis); // the monitor's interval
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return 0;
                }
            }
            List<Row> rows;
            try {
                rows = read(conn, o.filter());
            } catch (JMException e) {
                out.println("monitor: cannot read the corewq MBeans: " + e);
                return 1;
            }
            if (o.json()) {
                printJson(rows, System.currentTimeMillis(), out);
            } else {
                printTable(rows, out);
            }
            out.flush();
        }
        return 0;
    }

    /** Every workqueue MBean of every runtime, in runtime then allocation order. */
    static List<Row> read(MBeanServerConnection conn, Pattern filter) throws IOException, JMException {
        Map<String, List<String>> orderByRuntime = new HashMap<>();
        for (ObjectName rn : conn.queryNames(new ObjectName(CorewqJmx.DOMAIN + ":type=Runtime,*"), null)) {
            try {
                orderByRuntime.put(rn.getKeyProperty("runtime"), Arrays.asList((String[]) conn.getAttribute(rn, "WorkqueueNames")));
            } catch (InstanceNotFoundException gone) {
                // the runtime closed between the query and the read
            }
        }
        List<Row> rows = new ArrayList<>();
        for (ObjectName n : conn.queryNames(CorewqJmx.allWorkqueues(), null)) {
            AttributeList list;
            try {
                list = conn.getAttributes(n, ATTRS);
            } catch (InstanceNotFoundException gone) {
                continue; // destroyed between the query and the read
            }
            Map<String, Object> a = new HashMap<>();
            for (Attribute at : list.asList()) {
                a.put(at.getName(), at.getValue());
            }
            if (a.size() < ATTRS.length) {
                continue; // unregistered half-way through the read
            }
            String name = (String) a.get("Name");
            if (filter != null && !filter.matcher(name).find()) {
                continue;
            }
            String runtime = (String) a.get("Runtime");
            List<String> order = orderByRuntime.getOrDefault(runtime, List.of());
            int idx = order.indexOf(name);
            String inst = n.getKeyProperty("instance");
            rows.add(new Row(runtime, idx < 0 ? Integer.MAX_VALUE : idx, inst == null ? 1 : Integer.parseInt(inst), name,
                    (Boolean) a.get("Unbound"), (Boolean) a.get("MemReclaim"), (Boolean) a.get("Ordered"),
                    (Integer) a.get("MaxActive"), (Long) a.get("Started"), (Long) a.get("Completed"),
                    (Long) a.get("Exceptions"), (Long) a.get("InFlight"), (Long) a.get("Armed"),
                    (Long) a.get("CpuTimeNanos"), (Long) a.get("CpuHogs"), (Long) a.get("CmWakeups"),
                    (Long) a.get("Mayday"), (Long) a.get("Rescued")));
        }
        rows.sort(Comparator.comparing(Row::runtime, MonitorCommand::compareKeys)
                .thenComparingInt(Row::order).thenComparing(Row::name).thenComparingInt(Row::instance));
        return rows;
    }

    /** Runtime keys: numerically when both are numbers, else as strings. */
    private static int compareKeys(String a, String b) {
        boolean na = !a.isEmpty() && a.chars().allMatch(Character::isDigit) && a.length() < 10;
        boolean nb = !b.isEmpty() && b.chars().allMatch(Character::isDigit) && b.length() < 10;
        if (na && nb) {
            return Integer.compare(Integer.parseInt(a), Integer.parseInt(b));
        }
        return a.compareTo(b);
    }

    // ---- output --------------------------------------------------------------------------------

    static String header() {
        return String.format(Locale.ROOT, "%24s %8s %5s %8s %7s %7s %7s %7s",
                "", "total", "infl", "CPUtime", "CPUhog", "CMW/RPR", "mayday", "rescued");
    }

    static void printTable(List<Row> rows, PrintStream out) {
        boolean manyRuntimes = rows.stream().map(Row::runtime).distinct().count() > 1;
        out.println();
        out.println(header());
        for (Row r : rows) {
            String name = manyRuntimes ? r.name() + "@" + r.runtime() : r.name();
            if (name.length() > 24) {
                name = name.substring(name.length() - 24);
            }
            String hog = r.unbound() ? "-" : Long.toString(r.cpuHogs());
            String cmw = r.unbound() ? "-" : Long.toString(r.cmWakeups());
            String mayday = r.memReclaim() ? Long.toString(r.mayday()) : "-";
            String rescued = r.memReclaim() ? Long.toString(r.rescued()) : "-";
            out.println(String.format(Locale.ROOT, "%-24s %8d %5d %8.1f %7s %7s %7s %7s",
                    name, r.completed(), r.inFlight(), r.cpuTimeNanos() / 1e9, hog, cmw, mayday, rescued));
        }
    }

    static void printJson(List<Row> rows, long nowMillis, PrintStream out) {
        String ts = String.format(Locale.ROOT, "%d.%03d", nowMillis / 1000, nowMillis % 1000);
        for (Row r : rows) {
            StringBuilder sb = new StringBuilder(256).append('{');
            sb.append("\"timestamp\":").append(ts);
            sb.append(",\"runtime\":").append(quote(r.runtime()));
            sb.append(",\"name\":").append(quote(r.name()));
            sb.append(",\"unbound\":").append(r.unbound());
            sb.append(",\"mem_reclaim\":").append(r.memReclaim());
            sb.append(",\"ordered\":").append(r.ordered());
            sb.append(",\"max_active\":").append(r.maxActive());
            sb.append(",\"started\":").append(r.started());
            sb.append(",\"completed\":").append(r.completed());
            sb.append(",\"exceptions\":").append(r.exceptions());
            sb.append(",\"in_flight\":").append(r.inFlight());
            sb.append(",\"armed\":").append(r.armed());
            sb.append(",\"cpu_time\":").append(r.cpuTimeNanos() / 1000);
            sb.append(",\"cpu_hog\":").append(r.cpuHogs());
            sb.append(",\"cm_wakeup\":").append(r.cmWakeups());
            sb.append(",\"mayday\":").append(r.mayday());
            sb.append(",\"rescued\":").append(r.rescued());
            out.println(sb.append('}'));
        }
    }

    /** A JSON string literal. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
