// Tests of the charts command's scaling chart: one group per producer count, one series per executor, gaps where a row is missing.
package io.corewq.bench.charts;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChartsCommandTest {
    private static String row(String bench, int threads, String executor, double score) {
        return "{\"benchmark\":\"io.corewq.bench." + bench + "\",\"threads\":" + threads + ","
                + "\"params\":{\"executor\":\"" + executor + "\",\"placement\":\"os\",\"window\":\"512\"},"
                + "\"primaryMetric\":{\"score\":" + score + ",\"scoreError\":0,\"scoreUnit\":\"ops/s\",\"rawData\":[[" + score + "]]}}";
    }

    @Test
    void scalingChartHasAGroupPerProducerCountAndASeriesPerExecutor() {
        List<ChartsCommand.Row> rows = new ArrayList<>();
        rows.addAll(ChartsCommand.read("[" + row("QueueScalingBench.producers", 1, "corewq", 20e6) + ","
                + row("QueueScalingBench.producers", 1, "tpe", 10e6) + "]"));
        rows.addAll(ChartsCommand.read("[" + row("QueueScalingBench.producers", 8, "corewq", 90e6) + "]")); // tpe's 8-producer row missing: a gap
        rows.addAll(ChartsCommand.read("[" + row("QueueThroughputBench.oneProducer", 1, "fjp", 15e6) + "]")); // not a scaling row
        String svg = ChartsCommand.scalingChart(rows);
        assertTrue(svg.contains(">1 producer<") && svg.contains(">8 producers<"), svg);
        assertTrue(svg.contains(">corewq<") && svg.contains(">tpe<"), svg);
        assertTrue(!svg.contains(">fjp<") && !svg.contains(">2 producers<"), "only QueueScalingBench rows, only the counts run: " + svg);
        assertNull(ChartsCommand.scalingChart(ChartsCommand.read("[" + row("QueueThroughputBench.twoProducers", 2, "corewq", 1e6) + "]")));
    }
}
