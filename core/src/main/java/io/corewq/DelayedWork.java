// A work item plus a timer (the kernel's delayed_work): armed on a per-CPU timer, queued when it expires.
package io.corewq;

/**
 * A {@link Work} that can be queued after a delay with {@link Workqueue#queueDelayed}. While armed
 * it is pending: {@code queue*} calls return {@code false}, {@link #cancel()} disarms it, and
 * {@link Workqueue#modDelayed} re-arms it.
 *
 * <p>Timers are per-CPU binary heaps serviced by the CPU's carrier; see {@link CpuTimer}.
 */
public class DelayedWork extends Work {
    /** Under the owning timer's lock: absolute deadline, System.nanoTime() base. */
    long deadline;
    /** Under the owning timer's lock: position in the heap, -1 when not in one. */
    int heapIndex = -1;
    /** Under the owning timer's lock (volatile for the lock-free peek): the timer holding the item. */
    volatile CpuTimer timer;
    /** Under the owning timer's lock: where to queue on expiry. */
    Workqueue targetWq;
    /** Under the owning timer's lock: CPU to queue on at expiry, or -1 for the firing CPU's choice. */
    int targetCpu;

    public DelayedWork(Runnable fn) {
        super(fn);
    }

    public DelayedWork(String name, Runnable fn) {
        super(name, fn);
    }

    /** Whether the item is armed on a timer now. */
    public boolean isTimerArmed() {
        return (state & TIMER) != 0;
    }

    /**
     * If the timer is armed, fires it now (queueing the item where it would have gone), then waits
     * for the last queued instance to finish, as the kernel's flush_delayed_work.
     *
     * @return whether it had to wait
     */
    @Override
    public boolean flush() {
        checkNotSelf("flush");
        boolean fired = false;
        for (;;) {
            long st = state;
            if ((st & TIMER) == 0) {
                break;
            }
            CpuTimer t = timer;
            if (t != null && t.fireNow(this)) {
                fired = true; // an armed instance existed: flush dealt with it even if it ran at once
                break;
            }
            Thread.onSpinWait();
        }
        return super.flush() | fired;
    }

    /**
     * Stops the armed timer, leaving the caller owner of PENDING with a fresh sequence.
     *
     * @return the owned state, or -1 when the timer was not (or no longer) armed
     */
    final long stopTimer() {
        CpuTimer t = timer;
        if (t == null) {
            Thread.onSpinWait(); // an arm or fire is between its CAS and its heap update
            return -1L;
        }
        return t.disarm(this);
    }
}
