// The opt-in JMX operations that take CPUs of a CpuRuntime offline and online.
package io.corewq.observe;

/**
 * CPU hotplug over JMX, registered as {@code io.corewq:type=Hotplug,runtime=<key>} only when
 * {@link CorewqJmx} was asked for it: anyone who can reach the MBean server can otherwise take
 * every CPU of the runtime away. Both operations return when the transition is complete.
 */
public interface CorewqHotplugMXBean {
    /**
     * Takes {@code cpu} offline: its pending work moves to other CPUs, as {@code rt.hotplug().offline(cpu)}.
     *
     * @return false if it was already offline
     * @throws IllegalArgumentException if {@code cpu} is not one of the runtime's CPUs
     * @throws IllegalStateException if the engine refused (last online CPU, a callback failed); the
     *     engine's message is kept, its exception type is not (so remote clients need no corewq classes)
     */
    boolean offline(int cpu);

    /**
     * Brings {@code cpu} back online, as {@code rt.hotplug().online(cpu)}.
     *
     * @return false if it was already online
     * @throws IllegalArgumentException if {@code cpu} is not one of the runtime's CPUs
     * @throws IllegalStateException if the engine refused
     */
    boolean online(int cpu);
}
