// JFR event io.corewq.WorkExecution: one work item that ran at least the minDuration setting (default 10 ms).
package io.corewq.observe.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.SettingDefinition;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * One execution of a work item, committed by the worker that ran it, after it ran. Only items that
 * ran for at least the event's {@code minDuration} setting are recorded (default
 * {@value MinDurationSetting#DEFAULT}; e.g. {@code jfr configure io.corewq.WorkExecution#minDuration=0 ns}
 * or {@code recording.enable("io.corewq.WorkExecution").with("minDuration", "1 ms")}).
 *
 * <p>Why not JFR's own {@code threshold}: it applies to the implicit duration between
 * {@code begin()} and {@code end()}, which needs an event object alive across the item. The engine
 * measures the item itself and hands the times over afterwards, so the duration is the explicit
 * {@link #itemDuration} field and the filter is this custom setting. The event's own start time is
 * therefore the end of the item.
 */
@Name("io.corewq.WorkExecution")
@Label("Work Execution")
@Category({"corewq"})
@Description("A work item that ran at least minDuration (default 10 ms)")
@StackTrace(false)
public final class WorkExecutionEvent extends jdk.jfr.Event {
    @Label("Workqueue")
    public String workqueue;

    @Label("Work Item")
    @Description("The item's name, or its function's class")
    public String item;

    @Label("CPU")
    @Description("The CPU of the pool that ran it, -1 for unbound pools")
    public int cpu;

    @Label("Item Duration")
    @Timespan(Timespan.NANOSECONDS)
    public long itemDuration;

    /** Called by JFR on commit: keeps the event only when the item ran long enough. */
    @Name("minDuration")
    @Label("Minimum Item Duration")
    @SettingDefinition
    protected boolean minDuration(MinDurationSetting s) {
        return itemDuration >= s.nanos();
    }
}
