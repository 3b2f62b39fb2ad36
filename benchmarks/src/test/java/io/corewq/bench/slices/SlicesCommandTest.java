// Keeps `corewq.jar slices` from rotting: a tiny run, its summary, bad arguments, and the host probe.
package io.corewq.bench.slices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

class SlicesCommandTest {

    private static String run(int expectedStatus, String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        int status = Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60), () -> SlicesCommand.run(args, out),
                () -> "slices " + String.join(" ", args) + " did not finish; output so far:\n" + buf.toString(StandardCharsets.UTF_8));
        String text = buf.toString(StandardCharsets.UTF_8);
        assertEquals(expectedStatus, status, text);
        return text;
    }

    @Test
    void aTinyRunPrintsEveryRoundAndTheSummary() {
        String text = run(0, "--rows", "corewq,tpe", "--rounds", "2", "--slice-ms", "20");
        assertTrue(text.contains("round  rtt-ns"), text);
        assertTrue(text.contains("quiet rounds"), text);
        assertTrue(text.contains("corewq / tpe: median per-round ratio"), text);
    }

    @Test
    void twoProducers() {
        String text = run(0, "--rows", "corewq,fjp", "--producers", "2", "--rounds", "1", "--slice-ms", "20");
        assertTrue(text.contains("2 producer(s)"), text);
        assertTrue(text.contains("corewq / fjp"), text);
    }

    @Test
    void badArgumentsAreNamed() {
        assertTrue(run(2, "--rows", "corewq,nosuch").contains("unknown row 'nosuch'"));
        assertTrue(run(2, "--producers", "3").contains("--producers 3 must be between 1 and 2"));
        assertTrue(run(2, "--rounds").contains("--rounds needs a value"));
        assertTrue(run(2, "--slice-ms", "x").contains("--slice-ms 'x' is not a number"));
    }

    @Test
    void theSummaryTakesRatiosPerRoundAmongQuietRounds() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        double[][] rate = {{40e6, 10e6}, {20e6, 10e6}, {4e6, 8e6}};
        double[][] rtt = {{70, 70}, {80, 90}, {400, 500}}; // the last round ran in a slow spell
        SlicesCommand.report(List.of("a", "b"), rate, rtt, new PrintStream(buf, true, StandardCharsets.UTF_8));
        String text = buf.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("quiet rounds (both round trips <= 2.0x the lower quartile, 70 ns): 2 of 3"), text);
        assertTrue(text.contains("a / b: median per-round ratio 3.00x quiet, 2.00x all"), text);
    }

    @Test
    void quietRoundsAreSplitByWhereTheProducersRan() {
        double[][] rate = {{40e6, 10e6}, {16e6, 10e6}, {20e6, 8e6}, {4e6, 8e6}};
        double[][] rtt = {{70, 70}, {80, 90}, {70, 80}, {400, 500}}; // the last round is not quiet
        double[] same = {0.0, 0.9, 0.1, 1.0};
        assertEquals("corewq quiet rounds by producer placement: on the carrier's CPU 1 (median 16.00 M/s), beside it 2 (median 30.00 M/s)",
                placement(rate, rtt, same).strip());
        double[] unsampled = {Double.NaN, Double.NaN, Double.NaN, Double.NaN};
        assertEquals("", placement(rate, rtt, unsampled), "nothing without samples");
    }

    private static String placement(double[][] rate, double[][] rtt, double[] same) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        SlicesCommand.reportPlacement("corewq", rate, rtt, same, new PrintStream(buf, true, StandardCharsets.UTF_8));
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theHostProbeMeasuresARoundTripWherePinningWorks() {
        String unavailable = HostProbe.unavailableReason();
        org.junit.jupiter.api.Assumptions.assumeTrue(unavailable == null, () -> "host probe unavailable here: " + unavailable);
        double ns = Assertions.assertTimeoutPreemptively(Duration.ofSeconds(30), () -> HostProbe.roundTripNanos(1000));
        assertTrue(ns > 0 && ns < 1e7, "round trip " + ns + " ns");
        Assertions.assertThrows(IllegalArgumentException.class, () -> HostProbe.roundTripNanos(0));
    }
}
