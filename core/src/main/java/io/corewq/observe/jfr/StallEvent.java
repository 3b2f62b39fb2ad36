// JFR event io.corewq.Stall: a pool had pending work and made no progress for the watchdog threshold
package io.corewq.observe.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** A pool had pending work and made no progress for the watchdog threshold. Emitted through {@link JfrEvents}. */
@Name("io.corewq.Stall")
@Label("Workqueue Lockup")
@Category({"corewq"})
@Description("A pool had pending work and made no progress for the watchdog threshold")
@StackTrace(false)
public final class StallEvent extends jdk.jfr.Event {
    @Label("Pool")
    @Description("The pool as the kernel prints it, e.g. cpus=0 flags=H")
    public String pool;

    @Label("Stuck For")
    @Timespan(Timespan.SECONDS)
    public long stuck;
}
