// JFR event io.corewq.Hotplug: a CPU of a corewq runtime went offline or came online
package io.corewq.observe.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** A CPU of a corewq runtime went offline or came online. Emitted through {@link JfrEvents}. */
@Name("io.corewq.Hotplug")
@Label("CPU Hotplug Step")
@Category({"corewq"})
@Description("A CPU of a corewq runtime went offline or came online")
@StackTrace(false)
public final class HotplugStepEvent extends jdk.jfr.Event {
    @Label("CPU")
    public int cpu;

    @Label("Direction")
    @Description("online or offline")
    public String direction;

    @Label("Cause")
    @Description("Who asked: api, jmx, os (followed the OS CPU set), startup, ...")
    public String cause;

    @Label("Step Duration")
    @Timespan(Timespan.NANOSECONDS)
    public long stepDuration;

    @Label("Items Moved")
    @Description("Pending items that had to run elsewhere because their CPU went offline")
    public long itemsMoved;
}
