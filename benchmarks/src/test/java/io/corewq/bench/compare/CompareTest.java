// Keeps compare from rotting: its report format on fixed rows, and one real run in tiny mode (no fork, 100 ms rows).
package io.corewq.bench.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corewq.bench.compare.CompareReport.PingRow;
import io.corewq.bench.compare.CompareReport.QueueRow;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class CompareTest {
    private static final Pattern SUMMARY = Pattern.compile(
            "queue vs ThreadPoolExecutor: (\\d+\\.\\d\\d|\\?)x, vs ForkJoinPool: (\\d+\\.\\d\\d|\\?)x; "
                    + "ping-pong p50 vs spin floor: (\\d+\\.\\d\\d|\\?)x; alloc: (\\d+|\\?) B/op");

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void summaryUsesTheWorstProducerCountAndTheSpinFloor() {
        List<QueueRow> queue = List.of(
                new QueueRow("corewq", 1, 20e6, 1e6, 0.0004),
                new QueueRow("tpe", 1, 5e6, 1e6, 24),
                new QueueRow("fjp", 1, 10e6, 1e6, 24),
                new QueueRow("corewq", 2, 12e6, 1e6, 0.6),
                new QueueRow("tpe", 2, 4e6, 1e6, 24),
                new QueueRow("fjp", 2, 16e6, 1e6, 24));
        List<PingRow> ping = List.of(
                new PingRow("corewq-spin", 0, 300, 500, 900, 0.1),
                new PingRow("spin-floor", 0, 200, 300, 400, 0),
                new PingRow("corewq-idle", 50, 9000, 20000, 40000, 2.4),
                new PingRow("park-floor", 50, 10000, 30000, 50000, 0));
        String report = CompareReport.render(queue, ping);
        String[] lines = report.split("\\R");
        String last = lines[lines.length - 1];
        // alloc: the queue rows only (0.6 -> 1), not corewq-idle's 2.4
        // 1 producer: 4.00x TPE, 2.00x FJP; 2 producers: 3.00x TPE, 0.75x FJP -> the lower of each
        assertEquals("queue vs ThreadPoolExecutor: 3.00x, vs ForkJoinPool: 0.75x; ping-pong p50 vs spin floor: 1.50x; alloc: 1 B/op", last);
        assertTrue(SUMMARY.matcher(last).matches(), last);
        assertTrue(report.contains("20.00 M"), report);
        assertTrue(report.contains("0.90x"), report); // corewq-idle p50 / park-floor p50
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void missingRowsPrintQuestionMarks() {
        String last = CompareReport.summary(List.of(new QueueRow("corewq", 1, 1e6, Double.NaN, Double.NaN)), List.of());
        assertEquals("queue vs ThreadPoolExecutor: ?x, vs ForkJoinPool: ?x; ping-pong p50 vs spin floor: ?x; alloc: ? B/op", last);
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void tinyRunEndsWithTheSummaryLine() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int status = CompareCommand.run(new String[] {"--tiny"}, out);
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, text);
        String[] lines = text.split("\\R");
        assertTrue(SUMMARY.matcher(lines[lines.length - 1]).matches(), text);
    }
}
