// The live jobs of an executor adapter: a striped registry whose submit costs an uncontended lock and whose retire costs a CAS on the job.
package io.corewq.exec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The jobs an executor has accepted and not yet retired, kept for the rare operations that must
 * find them all ({@code shutdownNow}, the scheduled executor's shutdown policies, the queue view),
 * while the per-task operations stay cheap and allocation-free.
 *
 * <h2>Implementation overview</h2>
 * The registry is a set of <b>stripes</b>, each an array of job slots guarded by its own monitor.
 * A submitting thread appends to the stripe its identity hash picks, so submitters on different
 * threads rarely share a stripe and the monitor is uncontended. The job remembers where it went
 * ({@link Job#home}, {@link Job#slot}). Membership itself is the job's {@link Job#registered} word,
 * {@code FREE -> (ADDING) -> LIVE -> CLEARING -> FREE}:
 * <pre>
 *   add:       lock(stripe) ; slots[size] = j ; j.home, j.slot = stripe, size ; size++ ; j.registered = LIVE ; unlock
 *   addAgain:  wait out CLEARING and ADDING ; CAS(j.registered, FREE, ADDING) (one caller wins) ; then as add
 *   remove:    CAS(j.registered, LIVE, CLEARING) (exactly one caller wins) ; CAS(j.home.slots[j.slot], j, null) ;
 *              j.registered = FREE
 * </pre>
 * The slot is cleared so that a finished task (and what it captured) is not kept reachable; that
 * CAS is best effort: if the stripe compacted or grew meanwhile it fails, and the stale reference,
 * now unregistered, is dropped at the stripe's next compaction. The job is free again only once the
 * clear is done, so a registration that follows (a periodic task re-armed from a foreign thread)
 * cannot be the one cleared: with the clear after a plain {@code LIVE -> FREE} CAS, a re-registration
 * in between moved {@code home} and {@code slot}, and the clear then wiped the new slot, hiding a
 * live job from {@code shutdownNow} (found by review, 2026-11-22; JobRegistryLincheckTest).
 * {@code addAgain} is the one way to register a job that was registered before: it refuses a job
 * registered now, so two threads re-admitting the same task cannot both count it. A stripe compacts when
 * an append finds it full: live jobs move to the front (their {@code slot} updated) and the array
 * doubles if more than half of it is live, so appends cost amortized O(1) and a stripe holds at
 * most about twice the jobs that were ever live in it at once.
 *
 * <p>Enumeration takes each stripe's monitor in turn and keeps the jobs still registered, so it is
 * weakly consistent as {@code ConcurrentHashMap}'s iterators are: a job added before enumeration
 * starts and still registered when its stripe is read is seen. A job that was retired and
 * registered again (a periodic task re-armed from a foreign thread) may sit in two slots for a
 * while; the snapshot lists it once.
 *
 * <p>Compared with the {@code ConcurrentHashMap} key set it replaces, a task no longer allocates a
 * map node or hashes into a shared table, and a worker retiring a job writes only the job and its
 * slot: the burst {@code execute} benchmark went from 211 ns and 168 B to 156 ns and 144 B per
 * task (docs/BENCHMARKS.md, executor adapter).
 */
final class JobRegistry implements Iterable<Job> {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Job[].class);
    private static final VarHandle REGISTERED;

    static {
        try {
            REGISTERED = MethodHandles.lookup().findVarHandle(Job.class, "registered", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Slots a stripe starts with. */
    static final int INITIAL_SLOTS = 16;
    /** The most stripes: beyond this, submitting threads share them. */
    static final int MAX_STRIPES = 64;

    /** Immutable: a power of two in length. */
    private final Stripe[] stripes;

    JobRegistry() {
        this(stripesFor(Runtime.getRuntime().availableProcessors()), INITIAL_SLOTS);
    }

    /** Tests: {@code stripeCount} (a power of two) stripes of {@code initialSlots} slots each. */
    JobRegistry(int stripeCount, int initialSlots) {
        stripes = new Stripe[stripeCount];
        for (int i = 0; i < stripeCount; i++) {
            stripes[i] = new Stripe(initialSlots);
        }
    }

    private static int stripesFor(int cpus) {
        int n = 1;
        while (n < cpus && n < MAX_STRIPES) {
            n <<= 1;
        }
        return n;
    }

    /** {@link Job#registered}: not registered. */
    static final int FREE = 0;
    /** {@link Job#registered}: registered; only this state is listed and removable. */
    static final int LIVE = 1;
    /** {@link Job#registered}: a remove won and clears the job's slot; the job is free after. */
    static final int CLEARING = 2;
    /** {@link Job#registered}: an {@link #addAgain} won and appends the job. */
    static final int ADDING = 3;

    /** Spin-wait hints before a wait for another thread's remove or addAgain to end yields the CPU instead. */
    private static final int TRANSIENT_SPINS = 64;

    /** Registers {@code j}, a job never registered before (its submitter owns it alone). CONTEXT: any thread. */
    void add(Job j) {
        stripeOfThisThread().append(j);
    }

    /**
     * Registers {@code j} again after it was retired, unless it is registered now. Waits for a
     * remove still clearing the job's old slot, or another addAgain still appending it (a few
     * instructions of another thread), so that a false answer means the job is listed now.
     * CONTEXT: any thread.
     *
     * @return whether this call registered {@code j}
     */
    boolean addAgain(Job j) {
        for (int spins = 0; ; spins++) {
            int r = j.registered;
            if (r == FREE) {
                if (REGISTERED.compareAndSet(j, FREE, ADDING)) {
                    try {
                        stripeOfThisThread().append(j);
                    } catch (RuntimeException | Error e) {
                        REGISTERED.setVolatile(j, FREE); // an append that failed (growing the stripe) must not leave ADDING for good
                        throw e;
                    }
                    return true;
                }
            } else if (r == LIVE) {
                return false;
            } else if (spins < TRANSIENT_SPINS) {
                Thread.onSpinWait(); // CLEARING or ADDING: another thread is a few instructions from the end
            } else {
                Thread.yield(); // it was descheduled in between
            }
        }
    }

    private Stripe stripeOfThisThread() {
        int h = System.identityHashCode(Thread.currentThread()); // not hashCode(): a Thread subclass may override it
        return stripes[(h ^ (h >>> 16)) & (stripes.length - 1)];
    }

    /**
     * Unregisters {@code j} if it is registered. CONTEXT: any thread.
     *
     * @return true for exactly one caller per registration
     */
    boolean remove(Job j) {
        if (!REGISTERED.compareAndSet(j, LIVE, CLEARING)) {
            return false;
        }
        // best effort, see the class comment; the index fits: arrays only grow, slots only move down
        SLOT.compareAndSet(j.home.slots, j.slot, j, null);
        REGISTERED.setVolatile(j, FREE);
        return true;
    }

    /** Whether {@code j} is registered now (an {@link #addAgain} still appending it is not yet). */
    boolean contains(Job j) {
        return j.registered == LIVE;
    }

    /** A snapshot of the registered jobs, each once, in no particular order. */
    List<Job> snapshot() {
        Set<Job> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Stripe s : stripes) {
            s.collect(seen);
        }
        return new ArrayList<>(seen);
    }

    /** Iterates over a {@linkplain #snapshot() snapshot}. */
    @Override
    public Iterator<Job> iterator() {
        return snapshot().iterator();
    }

    /**
     * Tests: whether a {@linkplain #snapshot() snapshot} would list {@code j} (the same walk, with
     * no set: the model checker cannot snapshot the JDK's collections).
     */
    boolean lists(Job j) {
        for (Stripe s : stripes) {
            synchronized (s) {
                for (int i = 0; i < s.size; i++) {
                    if (s.slots[i] == j && j.registered == LIVE) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Tests: slots that still reference a job, registered or not, over every stripe. */
    int occupiedSlots() {
        int n = 0;
        for (Stripe s : stripes) {
            synchronized (s) {
                for (int i = 0; i < s.size; i++) {
                    if (s.slots[i] != null) {
                        n++;
                    }
                }
            }
        }
        return n;
    }

    // ---- stripes, padded so that two submitters' stripes never share a cache line ------------

    @SuppressWarnings("unused")
    abstract static class StripePad0 {
        int gap; // fills the 4 bytes after the object header, which HotSpot would give a subclass's int
        long p01, p02, p03, p04, p05, p06, p07;
    }

    abstract static class StripeFields extends StripePad0 {
        /** Written under the monitor; read without it by {@link #remove} (best effort). */
        volatile Job[] slots;
        /** Under the monitor: slots in use (live, or left by a retire whose clear missed). */
        int size;
    }

    static final class Stripe extends StripeFields {
        @SuppressWarnings("unused")
        long p11, p12, p13, p14, p15, p16, p17, p18;

        Stripe(int initialSlots) {
            slots = new Job[initialSlots];
        }

        synchronized void append(Job j) {
            Job[] a = slots;
            int n = size;
            if (n == a.length) {
                a = makeRoom();
                n = size;
            }
            a[n] = j;
            j.home = this;
            j.slot = n;
            size = n + 1;
            REGISTERED.setVolatile(j, LIVE);
        }

        /**
         * Compacts the live jobs to the front, doubling the array if more than half of it stays
         * live. CONTEXT: the monitor is held. Returns the array to append to.
         */
        private Job[] makeRoom() {
            Job[] a = slots;
            int live = 0;
            for (int i = 0; i < size; i++) {
                Job j = a[i];
                if (j != null && j.registered == LIVE && j.home == this && j.slot == i) {
                    j.slot = live; // before the move: a retire that reads the new index finds the job there or misses harmlessly
                    a[live++] = j;
                }
            }
            if (live * 2 > a.length) {
                Job[] grown = new Job[a.length * 2];
                System.arraycopy(a, 0, grown, 0, live);
                slots = grown;
                size = live;
                return grown;
            }
            for (int i = live; i < size; i++) {
                a[i] = null;
            }
            size = live;
            return a;
        }

        synchronized void collect(Set<Job> into) {
            Job[] a = slots;
            for (int i = 0; i < size; i++) {
                Job j = a[i];
                if (j != null && j.registered == LIVE) {
                    into.add(j);
                }
            }
        }
    }
}
