// Checks that the fields padded onto cache lines of their own really are: the JVM's field layout decides, not the declaration order.
package io.corewq;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * HotSpot lays out a class's fields by size, fills the gap after the object header with whatever
 * fits, and lets a subclass fill gaps its superclasses left. Padding written as a run of longs
 * around a field can therefore end up beside it rather than around it: PaddedInt's value, the
 * inactive list's head and a RetireBatch's count all sat at offset 12, next to the object
 * header and whatever object came before in memory. This test reads the offsets the running JVM
 * chose ({@code sun.misc.Unsafe#objectFieldOffset}, test code only) and checks that no other
 * field of the object, nor the object's header or a neighbouring object, can share a 64-byte line
 * with a hot field, wherever the 8-byte-aligned object lies.
 */
class FieldLayoutTest {
    private static final int LINE = 64;

    @Test
    void paddedIntValueHasItsLineToItself() throws Exception {
        assertIsolated(PaddedInt.class, Set.of("value"));
    }

    @Test
    void poolWorkqueueWordHasItsLineToItself() throws Exception {
        assertIsolated(PoolWorkqueue.class, Set.of("word"));
    }

    @Test
    void inactiveListHeadAndTailSitOnSeparateLines() throws Exception {
        assertIsolated(NodeQueue.class, Set.of("head", "stub")); // the consumer's line: stub is read-only
        assertIsolated(NodeQueue.class, Set.of("tail"));
    }

    @Test
    void worklistConsumerAndProducerFieldsSitOnSeparateLines() throws Exception {
        assertIsolated(Worklist.class, Set.of("cIndex", "consumerChunk", "cBase", "cSlots"));
        assertIsolated(Worklist.class, Set.of("pIndex", "producerChunk", "pBase", "pSlots"));
    }

    @Test
    void retireBatchFieldsHaveTheirLinesToThemselves() throws Exception {
        assertIsolated(RetireBatch.class, Set.of("pwq", "delta", "count"));
    }

    @Test
    void executorRegistryStripesDoNotShareLines() throws Exception {
        // each submitting thread appends to its own stripe: two stripes must not share a line
        assertIsolated(Class.forName("io.corewq.exec.JobRegistry$Stripe"), Set.of("slots", "size"));
    }

    /**
     * Asserts that no field outside {@code group} other than padding, nor the object's header, nor
     * the objects before and after it, can share a cache line with the fields named {@code group}.
     */
    private static void assertIsolated(Class<?> c, Set<String> group) throws Exception {
        sun.misc.Unsafe u = unsafe();
        TreeMap<Long, Field> byOffset = new TreeMap<>();
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers())) {
                    byOffset.put(u.objectFieldOffset(f), f);
                }
            }
        }
        long lo = Long.MAX_VALUE;
        long hi = 0;
        long end = 0;
        for (var e : byOffset.entrySet()) {
            long size = sizeOf(e.getValue().getType());
            end = Math.max(end, e.getKey() + size);
            if (group.contains(e.getValue().getName())) {
                lo = Math.min(lo, e.getKey());
                hi = Math.max(hi, e.getKey() + size);
            }
        }
        String layout = describe(byOffset);
        assertTrue(lo != Long.MAX_VALUE, () -> c.getSimpleName() + " has no field " + group + "\n" + layout);
        List<String> problems = new ArrayList<>();
        if (!apart(0, lo)) {
            problems.add(group + " starts at offset " + lo + ", within a line of the object header and the previous object");
        }
        long next = (end + 7) & ~7L; // where the next object starts
        if (!apart(hi, next)) {
            problems.add(group + " ends at offset " + hi + ", within a line of the next object (at " + next + ")");
        }
        for (var e : byOffset.entrySet()) {
            Field f = e.getValue();
            if (group.contains(f.getName()) || isPadding(f)) {
                continue;
            }
            long off = e.getKey();
            if (off < lo ? !apart(off + sizeOf(f.getType()), lo) : !apart(hi, off)) {
                problems.add(f.getName() + " at offset " + off + " may share a line with " + group);
            }
        }
        assertTrue(problems.isEmpty(), () -> c.getSimpleName() + " on " + System.getProperty("java.vm.version")
                + ": " + problems + "\n" + layout);
    }

    /**
     * Whether a byte range ending at offset {@code end} (exclusive) and one starting at {@code start}
     * can never share a line, wherever the object lies: objects are 8-byte aligned, so a line
     * boundary falls between them for every placement iff the offsets from {@code end} to
     * {@code start} include a multiple of 8 in each of the {@link #LINE}/8 residues modulo the line.
     */
    private static boolean apart(long end, long start) {
        return Math.floorDiv(start, 8) - Math.floorDiv(end + 7, 8) + 1 >= LINE / 8;
    }

    private static boolean isPadding(Field f) {
        return f.getName().matches("p\\d\\d|gap\\d?");
    }

    private static long sizeOf(Class<?> t) {
        if (t == long.class || t == double.class) {
            return 8;
        }
        if (t == int.class || t == float.class) {
            return 4;
        }
        if (t == short.class || t == char.class) {
            return 2;
        }
        if (t == byte.class || t == boolean.class) {
            return 1;
        }
        return sun.misc.Unsafe.ARRAY_OBJECT_INDEX_SCALE; // a reference: 4 with compressed oops, else 8
    }

    private static String describe(TreeMap<Long, Field> byOffset) {
        StringBuilder sb = new StringBuilder("layout:");
        byOffset.forEach((off, f) -> sb.append(' ').append(off).append('=').append(f.getName()));
        return sb.toString();
    }

    private static sun.misc.Unsafe unsafe() throws Exception {
        Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
        f.setAccessible(true);
        return (sun.misc.Unsafe) f.get(null);
    }
}
