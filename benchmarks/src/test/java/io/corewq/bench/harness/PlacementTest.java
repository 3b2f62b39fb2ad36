// Tests of producer placement: parsing, and which CPU each placement pins producer k to.
package io.corewq.bench.harness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PlacementTest {
    private static final int[] CPUS = {0, 2, 5};

    private static int[] pins(Placement p, int producers) {
        return IntStream.range(0, producers).map(k -> p.cpuFor(k, CPUS)).toArray();
    }

    @Test
    void parsesEveryPlacementIgnoringCase() {
        assertEquals(Placement.OS, Placement.parse("os"));
        assertEquals(Placement.SAME, Placement.parse("Same"));
        assertEquals(Placement.CROSS, Placement.parse("CROSS"));
        assertEquals(Placement.PACKED, Placement.parse("packed"));
    }

    @Test
    void anUnknownPlacementIsNamedWithTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Placement.parse("apart"));
        assertTrue(e.getMessage().contains("'apart'") && e.getMessage().contains("packed"), e.getMessage());
    }

    @Test
    void samePinsEachProducerHomeAndCrossBesideIt() {
        assertArrayEquals(new int[] {0, 2, 5, 0}, pins(Placement.SAME, 4));
        assertArrayEquals(new int[] {2, 5, 0, 2}, pins(Placement.CROSS, 4));
    }

    @Test
    void packedPinsEveryProducerToTheLastCpu() {
        assertArrayEquals(new int[] {5, 5, 5, 5}, pins(Placement.PACKED, 4));
    }

    @Test
    void osPinsNothing() {
        assertThrows(IllegalStateException.class, () -> Placement.OS.cpuFor(0, CPUS));
    }
}
