// Tests PinningStatus with scripted binders: verified, unverified, throwing and non-pinning binders.
package io.corewq.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PinningStatusTest {

    /** Verifies only the CPUs in {@code good}; throws for CPU 99. */
    private static CpuBinder scripted(CpuSet good) {
        return new CpuBinder() {
            @Override
            public String name() {
                return "scripted";
            }

            @Override
            public boolean isPinning() {
                return true;
            }

            @Override
            public boolean bind(CpuSet cpus) {
                if (cpus.contains(99)) {
                    throw new IllegalStateException("boom");
                }
                return good.containsAll(cpus);
            }

            @Override
            public int currentCpu() {
                return -1;
            }

            @Override
            public CpuSet currentAffinity() {
                return null;
            }
        };
    }

    @Test
    void recordsVerifiedAndUnverifiedCpus() {
        PinningStatus s = new PinningStatus(scripted(CpuSet.of(0, 2)));
        assertEquals(PinningStatus.State.PINNED, s.pinCurrentThread(0));
        assertEquals(PinningStatus.State.UNVERIFIED, s.pinCurrentThread(5));
        assertEquals(PinningStatus.State.UNVERIFIED, s.pinCurrentThread(5));   // warned once only
        assertEquals(PinningStatus.State.UNVERIFIED, s.pinCurrentThread(99));  // a throwing binder is a failure
        assertEquals(PinningStatus.State.PINNED, s.pinCurrentThread(2));
        assertEquals(PinningStatus.State.NOT_ATTEMPTED, s.state(7));
        assertEquals(CpuSet.of(0, 2), s.pinned());
        assertEquals(CpuSet.of(5, 99), s.unverified());
        assertEquals(Map.of(0, PinningStatus.State.PINNED, 2, PinningStatus.State.PINNED,
                5, PinningStatus.State.UNVERIFIED, 99, PinningStatus.State.UNVERIFIED), s.snapshot());
    }

    @Test
    void nonPinningBinderMarksEveryCpuUnpinned() {
        PinningStatus s = new PinningStatus(UnpinnedBinder.INSTANCE);
        assertEquals(PinningStatus.State.UNPINNED, s.pinCurrentThread(0));
        assertEquals(PinningStatus.State.UNPINNED, s.pinCurrentThread(3));
        assertEquals(CpuSet.empty(), s.pinned());
        assertEquals(CpuSet.of(0, 3), s.unverified());
    }
}
