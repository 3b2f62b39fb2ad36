// Lincheck model checking of the hotplug read lock: no reader is inside while the writer changes what the lock guards, in every interleaving of readers (nested or not, sharing a stripe or not) and the writer.
package io.corewq;

import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

/**
 * The writer changes two fields, one after the other, while it holds the write side; a reader
 * reads both inside the read side and must never see them differ. The fields are plain: under the
 * model checker every read and write is a point where another thread may run, so a reader let in
 * beside the writer is caught between the two writes. Both sides of {@link HotplugLock} write
 * their own word and then read the other's; dropping either read, or the writer's wait for the
 * stripes to drain, makes this fail.
 *
 * <p>Four stripes, so that readers on different threads sometimes share one (a thread's stripe
 * comes from its id). The writer may also read while it holds the write side, as hotplug
 * callbacks do.
 */
public class HotplugLockLincheckTest {
    private final HotplugLock lock = new HotplugLock(4);
    /** Written by the writer under the write side; equal whenever it is not inside. */
    private int first;
    private int second;

    /** A reader: true if the writer was not halfway through its change. */
    @Operation
    public boolean read() {
        try (HotplugLock.Guard g = lock.enter()) {
            return first == second;
        }
    }

    /** A reader that enters again while inside (readers are reentrant). */
    @Operation
    public boolean readNested() {
        try (HotplugLock.Guard outer = lock.enter()) {
            int a = first;
            try (HotplugLock.Guard inner = lock.enter()) {
                return a == second && first == second;
            }
        }
    }

    /** The controller: one writer at a time; it may read its own state while it holds the lock. */
    @Operation(nonParallelGroup = "writer")
    public boolean write() {
        lock.writeLock();
        try {
            first++;
            second++;
            try (HotplugLock.Guard g = lock.enter()) {
                return first == second;
            }
        } finally {
            lock.writeUnlock();
        }
    }

    @Test
    void modelChecking() {
        Linearizability.modelCheck(HotplugLockLincheckTest.class, Spec.class, 3);
    }

    @Test
    void stress() {
        Linearizability.stress(HotplugLockLincheckTest.class, Spec.class, 3);
    }

    /** The sequential specification: every operation sees a consistent state. */
    public static final class Spec {
        public boolean read() {
            return true;
        }

        public boolean readNested() {
            return true;
        }

        public boolean write() {
            return true;
        }
    }
}
