// corewq.jar summary JSON...: pools the raw iterations of JMH result files (e.g. interleaved rounds) into mean, median and range per row, with queue-row ratios.
package io.corewq.bench.charts;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar corewq.jar summary benchmarks/results/queue-rounds-*.json}. On a small, shared
 * machine one fork can sit in a slow or a fast state for its whole length, so a row measured in
 * one block of forks is at the mercy of what the host did during that block. The suite's
 * {@code rounds} mode therefore runs the headline rows in several single-fork rounds, one row after
 * the other in each round, and this command pools every measurement iteration of a row over all
 * files: count, mean, median, min and max. For {@code QueueThroughputBench} rows it adds the ratio
 * of medians against {@code tpe} and {@code fjp} with the same producer count and placement.
 */
public final class SummaryCommand {
    private SummaryCommand() {
    }

    /** Pooled iterations of one row. */
    record Pooled(String benchmark, Map<String, String> params, String unit, double[] values) {
        double median() {
            return SummaryCommand.median(values);
        }

        double mean() {
            return Arrays.stream(values).average().orElse(Double.NaN);
        }
    }

    /** The median of {@code values} (mean of the middle two for an even count), NaN for none. */
    public static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    public static int run(String[] args, PrintStream out) throws IOException {
        if (args.length == 0) {
            out.println("usage: summary JMH-RESULT.json...");
            return 2;
        }
        List<String> texts = new ArrayList<>();
        for (String a : args) {
            try {
                texts.add(Files.readString(Path.of(a), StandardCharsets.UTF_8));
            } catch (IOException | RuntimeException e) {
                System.err.println("summary: cannot read " + a + ": " + e);
                return 2;
            }
        }
        try {
            out.print(format(pool(texts)));
        } catch (RuntimeException e) {
            System.err.println("summary: not JMH JSON results (" + String.join(", ", args) + "): " + e.getMessage());
            return 2;
        }
        return 0;
    }

    /** Pools the measurement iterations of equal rows (benchmark and parameters) across the given JMH JSON texts. */
    static List<Pooled> pool(List<String> jsonTexts) {
        Map<String, Pooled> rows = new LinkedHashMap<>();
        for (String text : jsonTexts) {
            for (ChartsCommand.Row r : ChartsCommand.read(text)) {
                String key = r.benchmark() + r.params();
                Pooled old = rows.get(key);
                double[] merged = old == null ? new double[0] : old.values();
                double[] all = Arrays.copyOf(merged, merged.length + r.raw().length);
                System.arraycopy(r.raw(), 0, all, merged.length, r.raw().length);
                rows.put(key, new Pooled(r.benchmark(), r.params(), r.unit(), all));
            }
        }
        return new ArrayList<>(rows.values());
    }

    static String format(List<Pooled> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-28s %-34s %4s %12s %12s %12s %12s  %s%n", "benchmark", "params", "n", "mean", "median", "min", "max", "ratio of medians"));
        for (Pooled r : rows) {
            String name = r.benchmark().substring(r.benchmark().lastIndexOf('.', r.benchmark().lastIndexOf('.') - 1) + 1);
            double scale = r.unit() != null && r.unit().startsWith("ops/") && r.median() >= 1e5 ? 1e6 : 1;
            String suffix = scale == 1e6 ? "M" : "";
            double[] v = r.values().clone();
            Arrays.sort(v);
            sb.append(String.format("%-28s %-34s %4d %11.2f%s %11.2f%s %11.2f%s %11.2f%s  %s%n", name, r.params(), v.length,
                    r.mean() / scale, suffix, r.median() / scale, suffix, v.length == 0 ? Double.NaN : v[0] / scale, suffix,
                    v.length == 0 ? Double.NaN : v[v.length - 1] / scale, suffix, ratios(r, rows)));
        }
        return sb.toString();
    }

    /** For a queue-throughput row: its median over the medians of tpe and fjp with the same producers and placement. */
    private static String ratios(Pooled r, List<Pooled> rows) {
        if (!r.benchmark().contains("QueueThroughputBench")) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (String peer : new String[] {"tpe", "fjp"}) {
            if (peer.equals(r.params().get("executor"))) {
                continue;
            }
            for (Pooled q : rows) {
                if (q.benchmark().equals(r.benchmark()) && peer.equals(q.params().get("executor"))
                        && String.valueOf(q.params().get("placement")).equals(String.valueOf(r.params().get("placement")))) {
                    sb.append(String.format("%.2fx %s  ", r.median() / q.median(), peer));
                }
            }
        }
        return sb.toString().trim();
    }
}
