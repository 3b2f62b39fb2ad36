// corewq.jar charts [--out DIR] JSON...: renders the docs/BENCHMARKS.md charts (SVG) from JMH's JSON results.
package io.corewq.bench.charts;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * {@code java -jar corewq.jar charts [--out docs/charts] benchmarks/results/*.json}. Reads every
 * JMH result (files written with {@code -rf json}), picks the rows it knows, and writes:
 * <ul>
 *   <li>{@code queue-throughput.svg}: ops/s of every {@code QueueThroughputBench} row, grouped
 *       by producer count, with JMH's error;</li>
 *   <li>{@code ping-pong-latency.svg}: p50, p99 and p99.9 round trips of every
 *       {@code PingPongBench} row and gap (log scale);</li>
 *   <li>{@code hotplug-latency.svg}: {@code HotplugBench} offline+online time against the
 *       number of pending items, with JMH's error;</li>
 *   <li>{@code queue-scaling.svg}: ops/s of every {@code QueueScalingBench} row against the
 *       number of producers (JMH threads), with JMH's error.</li>
 * </ul>
 * A chart whose benchmark is in none of the files is skipped (and said so). Later files win
 * when two hold the same row.
 */
public final class ChartsCommand {
    private ChartsCommand() {
    }

    /** One JMH result row, flattened. */
    record Row(String benchmark, int threads, Map<String, String> params, double score, double error, String unit,
            Map<String, double[]> secondary, double[] raw) {
        String param(String k) {
            return params.getOrDefault(k, "");
        }

        double sec(String label) {
            double[] v = secondary.get(label);
            return v == null ? Double.NaN : v[0];
        }
    }

    public static int run(String[] args, PrintStream out) throws IOException {
        Path dir = Path.of("docs", "charts");
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--out") && i + 1 < args.length) {
                dir = Path.of(args[++i]);
            } else {
                files.add(Path.of(args[i]));
            }
        }
        if (files.isEmpty()) {
            out.println("usage: charts [--out DIR] JMH-RESULT.json...");
            return 2;
        }
        List<Row> rows = new ArrayList<>();
        for (Path f : files) {
            try {
                rows.addAll(read(Files.readString(f, StandardCharsets.UTF_8)));
            } catch (IOException | RuntimeException e) {
                System.err.println("charts: cannot read JMH results from " + f + ": " + e);
                return 2;
            }
        }
        Files.createDirectories(dir);
        write(out, dir.resolve("queue-throughput.svg"), queueChart(rows));
        write(out, dir.resolve("ping-pong-latency.svg"), pingChart(rows));
        write(out, dir.resolve("hotplug-latency.svg"), hotplugChart(rows));
        write(out, dir.resolve("queue-scaling.svg"), scalingChart(rows));
        return 0;
    }

    private static void write(PrintStream out, Path p, String svg) throws IOException {
        if (svg == null) {
            out.println("charts: no rows for " + p.getFileName() + ", skipped");
            return;
        }
        Files.writeString(p, svg, StandardCharsets.UTF_8);
        out.println("charts: wrote " + p);
    }

    @SuppressWarnings("unchecked")
    static List<Row> read(String json) {
        List<Row> rows = new ArrayList<>();
        for (Object o : (List<Object>) Json.parse(json)) {
            Map<String, Object> m = (Map<String, Object>) o;
            Map<String, String> params = new LinkedHashMap<>();
            Object p = m.get("params");
            if (p instanceof Map) {
                ((Map<String, Object>) p).forEach((k, v) -> params.put(k, String.valueOf(v)));
            }
            Map<String, Object> primary = (Map<String, Object>) m.get("primaryMetric");
            Map<String, double[]> secondary = new LinkedHashMap<>();
            Object s = m.get("secondaryMetrics");
            if (s instanceof Map) {
                ((Map<String, Object>) s).forEach((k, v) -> {
                    Map<String, Object> mv = (Map<String, Object>) v;
                    // JMH marks profiler results with a leading '·'; keep the bare label
                    String label = k.isEmpty() || Character.isLetterOrDigit(k.charAt(0)) ? k : k.substring(1);
                    secondary.put(label, new double[] {Json.num(mv.get("score")), Json.num(mv.get("scoreError"))});
                });
            }
            List<Double> raw = new ArrayList<>(); // every measurement iteration, all forks
            if (primary.get("rawData") instanceof List) {
                for (Object fork : (List<Object>) primary.get("rawData")) {
                    for (Object v : (List<Object>) fork) {
                        raw.add(Json.num(v));
                    }
                }
            }
            rows.add(new Row((String) m.get("benchmark"), (int) Json.num(m.get("threads")), params, Json.num(primary.get("score")),
                    Json.num(primary.get("scoreError")), (String) primary.get("scoreUnit"), secondary,
                    raw.stream().mapToDouble(Double::doubleValue).toArray()));
        }
        return rows;
    }

    /** QueueThroughputBench: its 1- and 2-producer columns (a missing one leaves a gap), one series per executor. */
    static String queueChart(List<Row> rows) {
        return byProducers(rows, b -> b.endsWith("QueueThroughputBench.oneProducer") || b.endsWith("QueueThroughputBench.twoProducers"),
                List.of(1, 2), "Queue throughput, reusable no-op item");
    }

    /** QueueScalingBench: one group per producer count found, one series per executor. */
    static String scalingChart(List<Row> rows) {
        return byProducers(rows, b -> b.endsWith("QueueScalingBench.producers"), null,
                "Queue throughput against producers, reusable no-op item");
    }

    /**
     * M items/s of the queue rows whose benchmark {@code bench} accepts (unpinned producers only),
     * grouped by producer count (JMH threads): the {@code counts} given, or every count found when
     * null; one series per executor, with JMH's error. Null when no row matches.
     */
    private static String byProducers(List<Row> rows, Predicate<String> bench, List<Integer> counts, String title) {
        TreeSet<Integer> found = new TreeSet<>();
        Map<String, Map<Integer, double[]>> byRow = new LinkedHashMap<>(); // executor -> producers -> [score, error]
        for (Row r : rows) {
            if (bench.test(r.benchmark()) && r.param("placement").equals("os")) {
                found.add(r.threads());
                byRow.computeIfAbsent(r.param("executor"), k -> new HashMap<>())
                        .put(r.threads(), new double[] {r.score() / 1e6, r.error() / 1e6});
            }
        }
        if (byRow.isEmpty()) {
            return null;
        }
        List<Integer> groups = counts != null ? counts : new ArrayList<>(found);
        List<String> series = new ArrayList<>(byRow.keySet());
        double[][] values = new double[groups.size()][series.size()];
        double[][] errors = new double[groups.size()][series.size()];
        List<String> labels = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            labels.add(groups.get(g) + (groups.get(g) == 1 ? " producer" : " producers"));
            for (int k = 0; k < series.size(); k++) {
                double[] v = byRow.get(series.get(k)).getOrDefault(groups.get(g), new double[] {Double.NaN, Double.NaN});
                values[g][k] = v[0];
                errors[g][k] = v[1];
            }
        }
        return BarChart.svg(title, "M items/s", labels, series, values, errors, false);
    }

    static String pingChart(List<Row> rows) {
        List<String> groups = new ArrayList<>();
        List<double[]> vals = new ArrayList<>();
        for (Row r : rows) {
            if (r.benchmark().endsWith("PingPongBench.roundTrip")) {
                String label = r.param("row") + (r.param("gapMicros").equals("0") ? "" : " gap " + r.param("gapMicros") + "us");
                int at = groups.indexOf(label);
                double[] v = {r.sec("lat.p50"), r.sec("lat.p99"), r.sec("lat.p99.9")};
                if (at >= 0) {
                    vals.set(at, v);
                } else {
                    groups.add(label);
                    vals.add(v);
                }
            }
        }
        if (groups.isEmpty()) {
            return null;
        }
        return BarChart.svg("Ping-pong round trip CPU a -> b -> a (log scale)", "ns per round trip", groups,
                List.of("p50", "p99", "p99.9"), vals.toArray(new double[0][]), null, true).replace("font-size=\"12\"", "font-size=\"10\"");
    }

    static String hotplugChart(List<Row> rows) {
        Map<String, double[]> byPending = new LinkedHashMap<>();
        for (Row r : rows) {
            if (r.benchmark().endsWith("HotplugBench.offlineOnline")) {
                byPending.put(r.param("pending"), new double[] {r.score(), r.error()});
            }
        }
        if (byPending.isEmpty()) {
            return null;
        }
        List<String> groups = new ArrayList<>();
        double[][] values = new double[byPending.size()][1];
        double[][] errors = new double[byPending.size()][1];
        int g = 0;
        for (Map.Entry<String, double[]> e : byPending.entrySet()) {
            groups.add(String.format("%,d pending", Long.parseLong(e.getKey())));
            values[g][0] = e.getValue()[0];
            errors[g][0] = e.getValue()[1];
            g++;
        }
        return BarChart.svg("Hotplug: offline + online of one CPU", "us per offline+online", groups, List.of("corewq"), values, errors,
                false);
    }
}
