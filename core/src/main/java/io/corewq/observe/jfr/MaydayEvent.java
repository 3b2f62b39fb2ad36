// JFR event io.corewq.Mayday: a pool could not get a new worker and called the rescuer of a MEM_RECLAIM workqueue
package io.corewq.observe.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A pool could not get a new worker and called the rescuer of a MEM_RECLAIM workqueue. Emitted through {@link JfrEvents}. */
@Name("io.corewq.Mayday")
@Label("Mayday")
@Category({"corewq"})
@Description("A pool could not get a new worker and called the rescuer of a MEM_RECLAIM workqueue")
@StackTrace(false)
public final class MaydayEvent extends jdk.jfr.Event {
    @Label("Workqueue")
    public String workqueue;

    @Label("Pool")
    public String pool;
}
