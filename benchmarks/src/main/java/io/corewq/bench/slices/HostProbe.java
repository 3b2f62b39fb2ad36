// Measures the host's cross-CPU cache-line round trip (the ping-pong suite's volatile-spin floor), to tell a quiet host from a slow spell.
package io.corewq.bench.slices;

import io.corewq.bench.harness.Placement;
import io.corewq.bench.latency.PingPong;
import io.corewq.bench.latency.PingPongs;
import io.corewq.cpu.CpuBinder;
import io.corewq.cpu.CpuBinders;

/**
 * How long a cache line takes to go from one CPU to another and back: a short run of the
 * ping-pong suite's volatile-spin floor ({@link PingPongs#SPIN_FLOOR}, two threads pinned on the
 * first two CPUs). Every queue row that crosses CPUs pays this transfer per item, so its
 * throughput follows the host's value.
 *
 * <p>Why it exists: on a virtual machine the hypervisor decides which physical cores back the
 * virtual CPUs, and it changes its mind. On the machine docs/BENCHMARKS.md was measured on, this
 * round trip sat at 65-110 ns for seconds and then at 330-510 ns for seconds (in C as in Java),
 * and a row measured during such a spell says more about the host than about the code.
 * {@link SlicesCommand} measures it before and after every round.
 */
public final class HostProbe {
    private HostProbe() {
    }

    /** Why the probe cannot measure here (fewer than two CPUs, a binder that does not pin), or null when it can. */
    public static String unavailableReason() {
        CpuBinder b = CpuBinders.load();
        if (Placement.cpus(b).size() < 2) {
            return "one CPU: nothing crosses CPUs";
        }
        if (!b.isPinning()) {
            return "binder " + b.name() + " does not pin threads";
        }
        return null;
    }

    /**
     * Runs {@code trips} round trips of the spin floor and returns their median in nanoseconds
     * (the first trips, before the floor's threads are pinned and compiled, are slower).
     * CONTEXT: where {@link #unavailableReason()} is null.
     *
     * @throws IllegalArgumentException if {@code trips < 1}
     * @throws IllegalStateException if no round trip completes for 10 s
     */
    public static double roundTripNanos(int trips) {
        if (trips < 1) {
            throw new IllegalArgumentException("trips " + trips + " must be at least 1");
        }
        try (PingPong floor = PingPongs.create(PingPongs.SPIN_FLOOR)) {
            floor.start();
            floor.awaitTrips(trips);
            return floor.medianRecordedNanos();
        }
    }
}
