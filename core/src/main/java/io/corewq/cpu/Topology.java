// The machine's CPU topology (packages, cores, SMT siblings, caches, NUMA nodes) read from a sysfs tree.
package io.corewq.cpu;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An immutable snapshot of the CPU topology: for every online CPU its package, core, SMT
 * siblings, caches (and the last-level cache it shares), and NUMA node.
 *
 * <h2>Where it comes from</h2>
 * {@link #read(Path)} reads a sysfs tree rooted at the given folder (normally {@code /sys}; tests
 * pass fake trees):
 * <pre>
 *   devices/system/cpu/online                                   online CPUs ("0-63,96")
 *   devices/system/cpu/cpuN/topology/physical_package_id        package
 *   devices/system/cpu/cpuN/topology/core_id                    core id (unique within a package)
 *   devices/system/cpu/cpuN/topology/core_cpus_list             SMT siblings (older kernels:
 *                                                               thread_siblings_list)
 *   devices/system/cpu/cpuN/cache/indexK/{level,type,shared_cpu_list}
 *   devices/system/node/nodeM/cpulist                           NUMA node membership
 * </pre>
 * Every file is optional. A missing value degrades to the most conservative answer: no package
 * id means package 0, no sibling list means the CPU is its own core, no node folder means one
 * node 0. A CPU with no cache information takes the last-level-cache set of another CPU whose
 * cache lists it (the kernel fills shared_cpu_list for all sharers), else its SMT siblings.
 *
 * <p>Without a sysfs tree at all (off Linux, or a sandbox that hides /sys) the topology is
 * {@linkplain #flat(CpuSet) flat}: each CPU its own core, one package, one node, one cache shared by
 * all; one warning is logged per JVM.
 *
 * <h2>Implementation Overview</h2>
 * Everything is parsed once into one {@link Cpu} record per online CPU, kept in a sorted map
 * keyed by CPU id (ids may be sparse; nothing assumes {@code 0..n-1}). All sets handed out are
 * clipped to the online CPUs, so an offline sibling never appears. The object is immutable and
 * safe to share between threads without synchronisation.
 */
public final class Topology {
    private static final Logger LOG = LoggerFactory.getLogger(Topology.class);

    /** Default sysfs root. */
    public static final Path DEFAULT_SYSFS = Path.of("/sys");

    /** The "no sysfs" warning is logged once per JVM, not once per runtime. */
    private static final AtomicBoolean FLAT_WARNED = new AtomicBoolean();

    private static final Pattern CPU_DIR = Pattern.compile("cpu(\\d+)");
    private static final Pattern NODE_DIR = Pattern.compile("node(\\d+)");
    private static final Pattern INDEX_DIR = Pattern.compile("index(\\d+)");

    /** One cache a CPU uses, e.g. level 3, "Unified", shared by CPUs 0-31,64-95. */
    public record Cache(int level, String type, CpuSet sharedCpus) {
        /** A short name as in lscpu: "L1d", "L1i", "L2", "L3". */
        public String name() {
            String suffix = switch (type) {
                case "Data" -> "d";
                case "Instruction" -> "i";
                default -> "";
            };
            return "L" + level + suffix;
        }
    }

    /**
     * What the topology knows about one CPU.
     *
     * @param cpu the logical CPU id
     * @param packageId the physical package (socket); 0 when unknown
     * @param coreId the core id as the kernel reports it (unique within a package only)
     * @param smtSiblings the CPUs sharing this CPU's core, itself included
     * @param llcCpus the CPUs sharing this CPU's last-level cache, itself included
     * @param llcLevel the level of that cache, or 0 if the CPU had no cache information
     * @param node the NUMA node, or -1 when the tree has nodes but none lists this CPU
     * @param caches the caches this CPU reported, in index order (may be empty)
     */
    public record Cpu(int cpu, int packageId, int coreId, CpuSet smtSiblings, CpuSet llcCpus,
                      int llcLevel, int node, List<Cache> caches) {
        public Cpu {
            caches = List.copyOf(caches);
        }
    }

    private final String source;               // immutable: "sysfs /sys" or "flat (...)"
    private final boolean flat;                 // immutable
    private final CpuSet online;                // immutable: CPUs described here
    private final TreeMap<Integer, Cpu> cpus;   // immutable after construction

    private Topology(String source, boolean flat, CpuSet online, TreeMap<Integer, Cpu> cpus) {
        this.source = source;
        this.flat = flat;
        this.online = online;
        this.cpus = cpus;
    }

    // ---------------------------------------------------------------- factories

    /** The topology of this machine, read from {@link #DEFAULT_SYSFS}. */
    public static Topology system() {
        return read(DEFAULT_SYSFS);
    }

    /**
     * Reads the topology below {@code sysfsRoot}. Falls back to a {@linkplain #flat flat} topology
     * over the process's allowed CPUs (one warning per JVM) when the tree has no CPU folder.
     * Never throws for missing or malformed files.
     */
    public static Topology read(Path sysfsRoot) {
        Path cpuRoot = sysfsRoot.resolve("devices/system/cpu");
        if (!Files.isDirectory(cpuRoot)) {
            warnFlat("no " + cpuRoot);
            return flat(CpuBinders.processAllowedCpus());
        }
        try {
            return parse(sysfsRoot, cpuRoot);
        } catch (IOException | RuntimeException e) {
            warnFlat("cannot read " + cpuRoot + ": " + e);
            return flat(CpuBinders.processAllowedCpus());
        }
    }

    /**
     * A topology that knows nothing: each CPU its own core, all in package 0 and node 0, one cache
     * (level 0, "Unknown") shared by all. Logs nothing; {@link #read} logs when it falls back.
     */
    public static Topology flat(CpuSet cpus) {
        TreeMap<Integer, Cpu> map = new TreeMap<>();
        Cache all = new Cache(0, "Unknown", cpus);
        for (int c : cpus.toArray()) {
            map.put(c, new Cpu(c, 0, c, CpuSet.of(c), cpus, 0, 0, List.of(all)));
        }
        return new Topology("flat (no sysfs topology)", true, cpus, map);
    }

    private static void warnFlat(String why) {
        if (FLAT_WARNED.compareAndSet(false, true)) {
            LOG.warn("corewq: CPU topology unavailable ({}); assuming a flat topology: every CPU its own core,"
                    + " one package, one NUMA node, one shared cache", why);
        }
    }

    // ---------------------------------------------------------------- parsing

    private static Topology parse(Path root, Path cpuRoot) throws IOException {
        CpuSet present = listCpuDirs(cpuRoot);
        CpuSet online = readList(cpuRoot.resolve("online"));
        if (online == null) {
            // Old or partial tree: a CPU is online if its folder says so (cpu0 often has no file).
            CpuSet on = CpuSet.empty();
            for (int c : present.toArray()) {
                String v = readTrimmed(cpuRoot.resolve("cpu" + c + "/online"));
                if (v == null || v.equals("1")) {
                    on = on.with(c);
                }
            }
            online = on;
        }
        if (online.isEmpty()) {
            throw new IOException("no online CPUs listed");
        }

        Map<Integer, Integer> nodeOf = readNodes(root.resolve("devices/system/node"), online);
        boolean hasNodes = !nodeOf.isEmpty();

        // First pass: what each CPU reports about itself.
        TreeMap<Integer, Cpu> raw = new TreeMap<>();
        for (int c : online.toArray()) {
            Path dir = cpuRoot.resolve("cpu" + c);
            Path topo = dir.resolve("topology");
            int pkg = readInt(topo.resolve("physical_package_id"), 0);
            int core = readInt(topo.resolve("core_id"), c);
            CpuSet smt = readList(topo.resolve("core_cpus_list"));
            if (smt == null) {
                smt = readList(topo.resolve("thread_siblings_list"));
            }
            smt = (smt == null ? CpuSet.of(c) : smt.and(online)).with(c);
            List<Cache> caches = readCaches(dir.resolve("cache"), online, c);
            Cache llc = lastLevel(caches);
            int node = hasNodes ? nodeOf.getOrDefault(c, -1) : 0;
            raw.put(c, new Cpu(c, pkg, core, smt, llc == null ? null : llc.sharedCpus(),
                    llc == null ? 0 : llc.level(), node, caches));
        }

        // Second pass: CPUs without cache information borrow the LLC set of a CPU that lists them.
        TreeMap<Integer, Cpu> cpus = new TreeMap<>();
        for (Cpu p : raw.values()) {
            CpuSet llc = p.llcCpus();
            int level = p.llcLevel();
            if (llc == null) {
                for (Cpu q : raw.values()) {
                    if (q.llcCpus() != null && q.llcCpus().contains(p.cpu())) {
                        llc = q.llcCpus();
                        level = q.llcLevel();
                        break;
                    }
                }
                if (llc == null) {
                    llc = p.smtSiblings();
                }
                LOG.debug("corewq: cpu{} has no cache information; last-level cache taken as {}", p.cpu(), llc);
            }
            cpus.put(p.cpu(), new Cpu(p.cpu(), p.packageId(), p.coreId(), p.smtSiblings(), llc, level,
                    p.node(), p.caches()));
        }
        return new Topology("sysfs " + root, false, online, cpus);
    }

    private static CpuSet listCpuDirs(Path cpuRoot) throws IOException {
        List<Integer> ids = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(cpuRoot)) {
            for (Path p : ds) {
                Matcher m = CPU_DIR.matcher(p.getFileName().toString());
                if (m.matches() && Files.isDirectory(p)) {
                    ids.add(Integer.parseInt(m.group(1)));
                }
            }
        }
        return CpuSet.of(ids);
    }

    private static Map<Integer, Integer> readNodes(Path nodeRoot, CpuSet online) {
        Map<Integer, Integer> nodeOf = new TreeMap<>();
        if (!Files.isDirectory(nodeRoot)) {
            return nodeOf;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(nodeRoot)) {
            for (Path p : ds) {
                Matcher m = NODE_DIR.matcher(p.getFileName().toString());
                if (!m.matches()) {
                    continue;
                }
                int node = Integer.parseInt(m.group(1));
                CpuSet list = readList(p.resolve("cpulist"));
                if (list != null) {
                    for (int c : list.and(online).toArray()) {
                        nodeOf.putIfAbsent(c, node);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("corewq: cannot read NUMA nodes under {}: {}", nodeRoot, e.toString());
        }
        return nodeOf;
    }

    private static List<Cache> readCaches(Path cacheDir, CpuSet online, int cpu) {
        if (!Files.isDirectory(cacheDir)) {
            return List.of();
        }
        TreeMap<Integer, Cache> byIndex = new TreeMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(cacheDir)) {
            for (Path p : ds) {
                Matcher m = INDEX_DIR.matcher(p.getFileName().toString());
                if (!m.matches()) {
                    continue;
                }
                int level = readInt(p.resolve("level"), -1);
                String type = readTrimmed(p.resolve("type"));
                CpuSet shared = readList(p.resolve("shared_cpu_list"));
                if (shared == null) {
                    String mask = readTrimmed(p.resolve("shared_cpu_map"));
                    shared = mask == null ? null : CpuSet.parseMask(mask);
                }
                if (level < 0 || shared == null) {
                    continue;   // an index folder without the essentials tells us nothing
                }
                byIndex.put(Integer.parseInt(m.group(1)),
                        new Cache(level, type == null ? "Unified" : type, shared.and(online).with(cpu)));
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("corewq: cannot read caches under {}: {}", cacheDir, e.toString());
        }
        return new ArrayList<>(byIndex.values());
    }

    /** The highest-level data or unified cache, or null. */
    private static Cache lastLevel(List<Cache> caches) {
        Cache best = null;
        for (Cache k : caches) {
            if (!k.type().equals("Instruction") && (best == null || k.level() > best.level())) {
                best = k;
            }
        }
        return best;
    }

    private static String readTrimmed(Path p) {
        try {
            return Files.readString(p).trim();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static int readInt(Path p, int dflt) {
        String s = readTrimmed(p);
        if (s == null || s.isEmpty()) {
            return dflt;
        }
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            LOG.debug("corewq: ignoring malformed {}: '{}'", p, s);
            return dflt;
        }
    }

    private static CpuSet readList(Path p) {
        String s = readTrimmed(p);
        if (s == null) {
            return null;
        }
        try {
            return CpuSet.parse(s);
        } catch (IllegalArgumentException e) {
            LOG.debug("corewq: ignoring malformed {}: '{}'", p, s);
            return null;
        }
    }

    // ---------------------------------------------------------------- queries

    /** Where this topology came from, e.g. {@code "sysfs /sys"}. */
    public String source() {
        return source;
    }

    /** Whether this is the no-information {@linkplain #flat flat} topology. */
    public boolean isFlat() {
        return flat;
    }

    /** The CPUs this topology describes (the online CPUs). */
    public CpuSet cpus() {
        return online;
    }

    /**
     * What is known about {@code cpu}. A CPU the topology does not describe (offline when read,
     * or hot-added since) gets a conservative answer: its own core and cache, package 0, node -1.
     */
    public Cpu cpu(int cpu) {
        Cpu c = cpus.get(cpu);
        if (c == null) {
            CpuSet self = CpuSet.of(cpu);
            c = new Cpu(cpu, 0, cpu, self, self, 0, flat ? 0 : -1, List.of());
        }
        return c;
    }

    /** Whether {@code cpu} is described by this topology. */
    public boolean knows(int cpu) {
        return cpus.containsKey(cpu);
    }

    public int packageOf(int cpu) {
        return cpu(cpu).packageId();
    }

    public int coreOf(int cpu) {
        return cpu(cpu).coreId();
    }

    public CpuSet smtSiblings(int cpu) {
        return cpu(cpu).smtSiblings();
    }

    public CpuSet llcCpus(int cpu) {
        return cpu(cpu).llcCpus();
    }

    public int nodeOf(int cpu) {
        return cpu(cpu).node();
    }

    /** The package ids, ascending. */
    public List<Integer> packages() {
        return distinct(c -> c.packageId());
    }

    /** The CPUs of package {@code pkg}. */
    public CpuSet packageCpus(int pkg) {
        return select(c -> c.packageId() == pkg);
    }

    /** The NUMA node ids, ascending (-1 for CPUs no node lists). */
    public List<Integer> nodes() {
        return distinct(c -> c.node());
    }

    /** The CPUs of NUMA node {@code node}. */
    public CpuSet nodeCpus(int node) {
        return select(c -> c.node() == node);
    }

    /** The physical cores, each as its set of SMT siblings, ordered by first CPU. */
    public List<CpuSet> cores() {
        return distinctSets(Cpu::smtSiblings);
    }

    /** The last-level cache domains, each as its set of CPUs, ordered by first CPU. */
    public List<CpuSet> llcs() {
        return distinctSets(Cpu::llcCpus);
    }

    private List<Integer> distinct(ToIntFunction<Cpu> key) {
        TreeSet<Integer> s = new TreeSet<>();
        for (Cpu c : cpus.values()) {
            s.add(key.applyAsInt(c));
        }
        return List.copyOf(s);
    }

    private CpuSet select(Predicate<Cpu> p) {
        List<Integer> ids = new ArrayList<>();
        for (Cpu c : cpus.values()) {
            if (p.test(c)) {
                ids.add(c.cpu());
            }
        }
        return CpuSet.of(ids);
    }

    private List<CpuSet> distinctSets(Function<Cpu, CpuSet> key) {
        Set<CpuSet> s = new LinkedHashSet<>();
        for (Cpu c : cpus.values()) {
            s.add(key.apply(c));
        }
        return Collections.unmodifiableList(new ArrayList<>(s));
    }

    /**
     * A human-readable multi-line description: a summary, then packages, nodes, caches and SMT
     * cores, then one line per CPU. Meant for logs and the {@code topology} command.
     */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        List<Integer> pkgs = packages();
        List<Integer> nodes = nodes();
        List<CpuSet> cores = cores();
        sb.append("topology: ").append(source).append('\n');
        sb.append("  ").append(online.size()).append(" CPUs online (").append(online).append("), ")
                .append(pkgs.size()).append(pkgs.size() == 1 ? " package, " : " packages, ")
                .append(cores.size()).append(cores.size() == 1 ? " core, " : " cores, ")
                .append(nodes.size()).append(nodes.size() == 1 ? " NUMA node, " : " NUMA nodes, ")
                .append(llcs().size()).append(" last-level cache").append(llcs().size() == 1 ? "" : "s")
                .append('\n');
        for (int p : pkgs) {
            sb.append("  package ").append(p).append(": cpus ").append(packageCpus(p)).append('\n');
        }
        for (int n : nodes) {
            sb.append("  node ").append(n).append(": cpus ").append(nodeCpus(n)).append('\n');
        }
        // Caches grouped by name, each distinct sharing set listed once.
        Map<String, Set<CpuSet>> caches = new TreeMap<>();
        for (Cpu c : cpus.values()) {
            for (Cache k : c.caches()) {
                caches.computeIfAbsent(k.name(), x -> new LinkedHashSet<>()).add(k.sharedCpus());
            }
        }
        for (Map.Entry<String, Set<CpuSet>> e : caches.entrySet()) {
            sb.append("  cache ").append(e.getKey()).append(": ").append(e.getValue().size()).append(e.getValue().size() == 1 ? " instance " : " instances ");
            appendSets(sb, e.getValue(), 8);
            sb.append('\n');
        }
        sb.append("  SMT cores: ");
        appendSets(sb, cores, 16);
        sb.append('\n');
        for (Cpu c : cpus.values()) {
            sb.append("  cpu ").append(c.cpu()).append(": package ").append(c.packageId())
                    .append(" core ").append(c.coreId())
                    .append(" siblings ").append(c.smtSiblings())
                    .append(" llc ").append(c.llcLevel() == 0 ? "L?" : "L" + c.llcLevel()).append(' ')
                    .append(c.llcCpus())
                    .append(" node ").append(c.node()).append('\n');
        }
        return sb.toString();
    }

    private static void appendSets(StringBuilder sb, Collection<CpuSet> sets, int max) {
        int i = 0;
        for (CpuSet s : sets) {
            if (i == max) {
                sb.append(" ... (").append(sets.size() - max).append(" more)");
                break;
            }
            sb.append(i == 0 ? "" : " ").append('[').append(s).append(']');
            i++;
        }
    }

    @Override
    public String toString() {
        return "Topology[" + source + ", cpus " + online + "]";
    }
}
