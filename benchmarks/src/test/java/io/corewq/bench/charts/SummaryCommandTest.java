// Tests of the summary command: pooling raw iterations across JMH result files, medians and queue-row ratios.
package io.corewq.bench.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryCommandTest {
    private static String result(String executor, double... iterations) {
        StringBuilder raw = new StringBuilder("[[");
        for (int i = 0; i < iterations.length; i++) {
            raw.append(i == 0 ? "" : ",").append(iterations[i]);
        }
        raw.append("]]");
        return "{\"benchmark\":\"io.corewq.bench.QueueThroughputBench.oneProducer\",\"threads\":1,"
                + "\"params\":{\"executor\":\"" + executor + "\",\"placement\":\"os\",\"window\":\"512\"},"
                + "\"primaryMetric\":{\"score\":0,\"scoreError\":0,\"scoreUnit\":\"ops/s\",\"rawData\":" + raw + "}}";
    }

    @Test
    void poolsIterationsOfEqualRowsAcrossFilesAndRatesMediansAgainstThePeers() {
        String round1 = "[" + result("corewq", 10e6, 20e6, 30e6) + "," + result("tpe", 5e6, 5e6, 5e6) + "," + result("fjp", 10e6, 10e6, 10e6) + "]";
        String round2 = "[" + result("corewq", 40e6, 25e6) + "," + result("tpe", 15e6) + "," + result("fjp", 20e6) + "]";
        List<SummaryCommand.Pooled> rows = SummaryCommand.pool(List.of(round1, round2));
        assertEquals(3, rows.size(), "one pooled row per executor");
        SummaryCommand.Pooled corewq = rows.get(0);
        assertEquals(5, corewq.values().length);
        assertEquals(25e6, corewq.median(), 1e-6);
        assertEquals(25e6, corewq.mean(), 1e-6);
        assertEquals(5e6, rows.get(1).median(), 1e-6, "tpe: median of 5, 5, 5, 15");
        String table = SummaryCommand.format(rows);
        assertTrue(table.contains("5.00x tpe"), table);
        assertTrue(table.contains("2.50x fjp"), table);
    }
}
