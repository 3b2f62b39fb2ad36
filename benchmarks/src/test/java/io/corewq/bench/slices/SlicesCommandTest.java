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
    void theHostProbeMeasuresARoundTripWherePinningWorks() {
        String unavailable = HostProbe.unavailableReason();
        org.junit.jupiter.api.Assumptions.assumeTrue(unavailable == null, () -> "host probe unavailable here: " + unavailable);
        double ns = Assertions.assertTimeoutPreemptively(Duration.ofSeconds(30), () -> HostProbe.roundTripNanos(1000));
        assertTrue(ns > 0 && ns < 1e7, "round trip " + ns + " ns");
        Assertions.assertThrows(IllegalArgumentException.class, () -> HostProbe.roundTripNanos(0));
    }
}
