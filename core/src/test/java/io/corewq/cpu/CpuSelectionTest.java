// Tests CPU selection: default allowed set, narrowing and exclusion by API and system properties, error messages.
package io.corewq.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuSelectionTest {
    private static final CpuSet SPARSE = CpuSet.parse("0,2-3,5,8,10-11");

    private static Properties props(String cpus, String exclude) {
        Properties p = new Properties();
        if (cpus != null) {
            p.setProperty(CpuSelection.CPUS_PROPERTY, cpus);
        }
        if (exclude != null) {
            p.setProperty(CpuSelection.EXCLUDE_PROPERTY, exclude);
        }
        return p;
    }

    @Test
    void defaultIsEverythingAllowed() {
        assertTrue(CpuSelection.all().isDefault());
        assertEquals(SPARSE, CpuSelection.all().resolve(SPARSE));
        assertEquals(SPARSE, CpuSelection.all().withProperties(new Properties()).resolve(SPARSE));
        assertEquals(SPARSE, CpuSelection.all().withProperties(props(" ", "")).resolve(SPARSE));
    }

    @Test
    void narrowByApiAndProperty() {
        assertEquals(CpuSet.of(2, 3, 5), CpuSelection.all().only("2-3,5").resolve(SPARSE));
        assertEquals(CpuSet.of(2, 3, 10), CpuSelection.all().withProperties(props("2-3,10", null)).resolve(SPARSE));
        // Both apply: the property narrows what the code chose.
        CpuSelection s = CpuSelection.all().only(CpuSet.parse("2-3,5,8")).withProperties(props("3,5", null));
        assertEquals(CpuSet.of(3, 5), s.resolve(SPARSE));
        assertFalse(s.isDefault());
    }

    @Test
    void excludeByApiAndProperty() {
        assertEquals(CpuSet.parse("2-3,5,8,10-11"), CpuSelection.all().exclude(CpuSet.of(0)).resolve(SPARSE));
        CpuSelection s = CpuSelection.all().exclude("0").withProperties(props(null, "10-11,64"));
        // Excluding CPU 64, which the process cannot use anyway, is harmless.
        assertEquals(CpuSet.parse("2-3,5,8"), s.resolve(SPARSE));
        assertEquals(CpuSet.of(5), CpuSelection.all().withProperties(props("3,5", "3")).resolve(SPARSE));
    }

    @Test
    void askingForACpuTheProcessMayNotUseNamesIt() {
        CpuSelection s = CpuSelection.all().withProperties(props("2-7,10", null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.resolve(SPARSE));
        assertTrue(e.getMessage().contains("corewq.cpus=2-7,10"), e.getMessage());
        assertTrue(e.getMessage().contains("CPUs 4,6-7 "), e.getMessage());
        assertTrue(e.getMessage().contains("allowed CPUs: 0,2-3,5,8,10-11"), e.getMessage());

        IllegalArgumentException one = assertThrows(IllegalArgumentException.class,
                () -> CpuSelection.all().only(CpuSet.of(1)).resolve(SPARSE));
        assertTrue(one.getMessage().contains("only(1) asks for CPU 1 "), one.getMessage());
    }

    @Test
    void nothingLeftIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CpuSelection.all().only("2-3").exclude("2-3").resolve(SPARSE));
        assertTrue(e.getMessage().contains("no CPUs left"), e.getMessage());
        assertTrue(e.getMessage().contains("exclude(2-3)"), e.getMessage());
    }

    @Test
    void malformedPropertyNamesPropertyAndValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CpuSelection.all().withProperties(props("2-x", null)));
        assertTrue(e.getMessage().contains("corewq.cpus='2-x'"), e.getMessage());
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                () -> CpuSelection.all().withProperties(props(null, "5-3")));
        assertTrue(x.getMessage().contains("corewq.cpus.exclude='5-3'"), x.getMessage());
        assertTrue(x.getMessage().contains("reversed"), x.getMessage());
    }

    @Test
    void systemPropertiesAreRead() {
        String old = System.getProperty(CpuSelection.CPUS_PROPERTY);
        try {
            System.setProperty(CpuSelection.CPUS_PROPERTY, "3");
            assertEquals(CpuSet.of(3), CpuSelection.fromSystemProperties().resolve(SPARSE));
        } finally {
            if (old == null) {
                System.clearProperty(CpuSelection.CPUS_PROPERTY);
            } else {
                System.setProperty(CpuSelection.CPUS_PROPERTY, old);
            }
        }
    }

    @Test
    void processCpusFallsBackToCoreDetection() {
        CpuSet viaUnpinned = CpuSelection.processCpus(UnpinnedBinder.INSTANCE);
        assertEquals(CpuBinders.processAllowedCpus(), viaUnpinned);
        assertEquals(viaUnpinned, CpuSelection.processCpus(null));
        assertEquals(viaUnpinned, CpuSelection.all().resolve(viaUnpinned));
    }

    @Test
    void readCpusAllowed(@TempDir Path dir) throws Exception {
        Path status = dir.resolve("status");
        Files.writeString(status, "Name:\tx\nCpus_allowed:\t25\nCpus_allowed_list:\t0,2,5\n");
        assertEquals(CpuSet.of(0, 2, 5), CpuSelection.readCpusAllowed(status));
        assertNull(CpuSelection.readCpusAllowed(dir.resolve("missing")));
        Files.writeString(status, "Name:\tx\n");
        assertNull(CpuSelection.readCpusAllowed(status));
    }
}
