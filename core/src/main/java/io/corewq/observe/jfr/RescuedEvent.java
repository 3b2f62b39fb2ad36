// JFR event io.corewq.Rescued: a rescuer ran a work item of its MEM_RECLAIM workqueue
package io.corewq.observe.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A rescuer ran a work item of its MEM_RECLAIM workqueue. Emitted through {@link JfrEvents}. */
@Name("io.corewq.Rescued")
@Label("Rescued")
@Category({"corewq"})
@Description("A rescuer ran a work item of its MEM_RECLAIM workqueue")
@StackTrace(false)
public final class RescuedEvent extends jdk.jfr.Event {
    @Label("Workqueue")
    public String workqueue;

    @Label("Pool")
    public String pool;

    @Label("Work Item")
    public String item;
}
