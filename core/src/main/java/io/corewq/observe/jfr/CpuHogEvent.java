// JFR event io.corewq.CpuHog: a work item ran longer than the hog threshold on a concurrency-managed pool
package io.corewq.observe.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A work item ran longer than the hog threshold on a concurrency-managed pool. Emitted through {@link JfrEvents}. */
@Name("io.corewq.CpuHog")
@Label("CPU Hog")
@Category({"corewq"})
@Description("A work item ran longer than the hog threshold on a concurrency-managed pool")
@StackTrace(false)
public final class CpuHogEvent extends jdk.jfr.Event {
    @Label("Workqueue")
    public String workqueue;

    @Label("Work Item")
    public String item;

    @Label("CPU")
    @Description("The CPU of the pool, -1 for unbound pools")
    public int cpu;
}
