// The JMX management interface of one workqueue: its counters, flags and max_active.
package io.corewq.observe;

/**
 * One workqueue over JMX, registered as {@code io.corewq:type=Workqueue,name="<name>",runtime=<key>}
 * by {@link CorewqJmx}. The counters are those of {@link io.corewq.Workqueue.Stats}, read afresh on
 * each attribute access (monotonic except {@code InFlight} and {@code Armed}). Each getter is a
 * snapshot: two attributes read one after the other may come from different instants; read them
 * with one {@code getAttributes} call to keep the round trips down, not to get atomicity.
 */
public interface WorkqueueMXBean {
    /** The workqueue's name as given to {@code allocWorkqueue}. */
    String getName();

    /** The {@code runtime} key of the ObjectName: which runtime in this JVM the workqueue belongs to. */
    String getRuntime();

    /** Its {@link io.corewq.WqFlag} names, in declaration order. */
    String[] getFlags();

    boolean isUnbound();

    boolean isMemReclaim();

    boolean isOrdered();

    boolean isDestroyed();

    /** How many items of one pool_workqueue may execute at once. */
    int getMaxActive();

    /**
     * Sets max_active, as {@link io.corewq.Workqueue#setMaxActive(int)}.
     *
     * @throws IllegalArgumentException if {@code n} is outside 1..{@link io.corewq.Workqueue#MAX_ACTIVE}
     * @throws IllegalStateException for an ordered workqueue, whose max_active is 1 by definition
     */
    void setMaxActive(int n);

    /** Items whose function began running. */
    long getStarted();

    /** Items whose function returned or threw (wq_monitor's "total"). */
    long getCompleted();

    /** Functions that threw. */
    long getExceptions();

    /** Queued (active or inactive) or running instances (wq_monitor's "infl"). */
    long getInFlight();

    /** Delayed items armed on timers. */
    long getArmed();

    /** CPU time of its items in nanoseconds, sampled by the concurrency monitor ("CPUtime"). */
    long getCpuTimeNanos();

    /** Items that ran longer than the hog threshold ("CPUhog"). */
    long getCpuHogs();

    /** Concurrency-management wake-ups: another worker took the CPU because an item blocked or hogged ("CMW"). */
    long getCmWakeups();

    /** Calls for the rescuer ("mayday"). */
    long getMayday();

    /** Items run by the rescuer ("rescued"). */
    long getRescued();
}
