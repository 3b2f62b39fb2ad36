// The JMX management interface of a CpuRuntime: CPUs, workqueues, hotplug counts and dump().
package io.corewq.observe;

/**
 * One {@link io.corewq.CpuRuntime} over JMX, registered as {@code io.corewq:type=Runtime,runtime=<key>}
 * by {@link CorewqJmx}. Read-only: the operations that change CPUs live on a separate
 * {@link CorewqHotplugMXBean} that exists only when the user enabled it.
 */
public interface CorewqRuntimeMXBean {
    /** The {@code runtime} key of the ObjectName, shared by this runtime's workqueue MBeans. */
    String getRuntime();

    /** The CPUs the runtime may use, in cpu-list form ({@code 0-3,8}). */
    String getPossibleCpus();

    /** The CPUs online now, in cpu-list form. */
    String getOnlineCpus();

    int getPossibleCpuCount();

    int getOnlineCpuCount();

    /** The names of the live workqueues, system ones included, in allocation order. */
    String[] getWorkqueueNames();

    boolean isFrozen();

    boolean isClosed();

    /** Whether the {@code type=Hotplug} MBean with {@code offline}/{@code online} is registered. */
    boolean isHotplugOperationsEnabled();

    /** CPUs taken offline since the runtime started. */
    long getHotplugOfflineOps();

    /** CPUs brought (back) online since the runtime started. */
    long getHotplugOnlineOps();

    /** The state of busy workqueues and pools, as {@code CpuRuntime.dump()} prints it. */
    String dump();
}
