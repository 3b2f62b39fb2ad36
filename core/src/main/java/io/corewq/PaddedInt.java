// An int counter alone on its cache line: pool fields one side writes often and the other reads, kept off their neighbours.
package io.corewq;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * An {@code AtomicInteger} that shares its cache line with nothing else. A pool's small
 * counters (the unbound poll turn, the spinner and idle counts) are allocated one after another
 * with the pool; as plain {@code AtomicInteger}s they sat 16 bytes apart, so a worker's write
 * to the poll turn (two per item) took away the line the producers read the spinner count from on
 * every queue. Padding on both sides (superclass before, subclass after, so the JVM's field
 * layout cannot move the value next to another object's fields).
 */
final class PaddedInt extends PaddedIntValue {
    @SuppressWarnings("unused")
    long p10, p11, p12, p13, p14, p15, p16, p17;

    int get() {
        return value;
    }

    void set(int v) {
        value = v;
    }

    boolean compareAndSet(int expect, int update) {
        return VALUE.compareAndSet(this, expect, update);
    }

    int getAndSet(int v) {
        return (int) VALUE.getAndSet(this, v);
    }

    int incrementAndGet() {
        return (int) VALUE.getAndAdd(this, 1) + 1;
    }

    int decrementAndGet() {
        return (int) VALUE.getAndAdd(this, -1) - 1;
    }
}

/**
 * Padding before the value. The int fills the gap after the object header, where the JVM's field
 * layout would otherwise put the subclass's value (next to the previous object in memory).
 */
@SuppressWarnings("unused")
abstract class PaddedIntPad {
    int gap;
    long p00, p01, p02, p03, p04, p05, p06, p07;
}

/** The value, between the paddings. */
abstract class PaddedIntValue extends PaddedIntPad {
    static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(PaddedIntValue.class, "value", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Any thread: volatile read/write, CAS, atomic add. */
    volatile int value;
}
