// An immutable set of logical CPU ids (sparse ids allowed), with the Linux cpu-list syntax ("0-3,8,10-11").
package io.corewq.cpu;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.PrimitiveIterator;

/**
 * An immutable, sorted set of logical CPU ids. CPU ids are never assumed to be
 * dense: a machine or container may give a process CPUs {@code 0,2,5}.
 */
public final class CpuSet implements Iterable<Integer> {
    /** The largest CPU id accepted; guards against absurd input. */
    public static final int MAX_CPU_ID = 1 << 16;

    private static final CpuSet EMPTY = new CpuSet(new BitSet());

    private final BitSet bits;   // immutable after construction
    private final int[] ids;     // sorted ids, cached

    private CpuSet(BitSet bits) {
        this.bits = bits;
        this.ids = bits.stream().toArray();
    }

    public static CpuSet empty() {
        return EMPTY;
    }

    public static CpuSet of(int... cpus) {
        BitSet b = new BitSet();
        for (int c : cpus) {
            b.set(check(c));
        }
        return new CpuSet(b);
    }

    public static CpuSet of(Collection<Integer> cpus) {
        BitSet b = new BitSet();
        for (Integer c : cpus) {
            if (c == null) {
                throw new IllegalArgumentException("null CPU id in " + cpus);
            }
            b.set(check(c));
        }
        return new CpuSet(b);
    }

    /** CPUs {@code 0..n-1}. */
    public static CpuSet range(int fromInclusive, int toExclusive) {
        if (fromInclusive < 0 || toExclusive < fromInclusive || toExclusive > MAX_CPU_ID + 1) {
            throw new IllegalArgumentException("bad CPU range " + fromInclusive + ".." + toExclusive);
        }
        BitSet b = new BitSet();
        b.set(fromInclusive, toExclusive);
        return new CpuSet(b);
    }

    /**
     * Parses the Linux cpu-list format, e.g. {@code "0-3,8,10-11"}; whitespace and an empty string
     * (the empty set) are accepted.
     *
     * @throws IllegalArgumentException naming the bad text
     */
    public static CpuSet parse(String list) {
        if (list == null) {
            throw new IllegalArgumentException("cpu list is null");
        }
        String s = list.trim();
        BitSet b = new BitSet();
        if (s.isEmpty()) {
            return new CpuSet(b);
        }
        for (String part : s.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                throw new IllegalArgumentException("bad cpu list '" + list + "': empty element");
            }
            try {
                int dash = p.indexOf('-');
                if (dash < 0) {
                    b.set(check(Integer.parseInt(p)));
                } else {
                    int lo = Integer.parseInt(p.substring(0, dash).trim());
                    int hi = Integer.parseInt(p.substring(dash + 1).trim());
                    check(lo);
                    check(hi);
                    if (hi < lo) {
                        throw new IllegalArgumentException("bad cpu list '" + list + "': range " + p + " is reversed");
                    }
                    b.set(lo, hi + 1);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad cpu list '" + list + "': '" + p + "' is not a CPU id or range", e);
            }
        }
        return new CpuSet(b);
    }

    /** Parses a hexadecimal cpumask as printed by the kernel, e.g. {@code "ff,00000003"}. */
    public static CpuSet parseMask(String mask) {
        String s = mask.trim().replace(",", "");
        BitSet b = new BitSet();
        int bit = 0;
        for (int i = s.length() - 1; i >= 0; i--, bit += 4) {
            int v = Character.digit(s.charAt(i), 16);
            if (v < 0) {
                throw new IllegalArgumentException("bad cpu mask '" + mask + "'");
            }
            for (int k = 0; k < 4; k++) {
                if ((v & (1 << k)) != 0) {
                    b.set(check(bit + k));
                }
            }
        }
        return new CpuSet(b);
    }

    private static int check(int cpu) {
        if (cpu < 0 || cpu > MAX_CPU_ID) {
            throw new IllegalArgumentException("bad CPU id " + cpu);
        }
        return cpu;
    }

    public boolean contains(int cpu) {
        return cpu >= 0 && bits.get(cpu);
    }

    public int size() {
        return ids.length;
    }

    public boolean isEmpty() {
        return ids.length == 0;
    }

    /** The smallest id, or -1 if empty. */
    public int first() {
        return ids.length == 0 ? -1 : ids[0];
    }

    /** The largest id, or -1 if empty. */
    public int last() {
        return ids.length == 0 ? -1 : ids[ids.length - 1];
    }

    /** The i-th smallest id. */
    public int get(int index) {
        return ids[index];
    }

    /** Position of {@code cpu} in sorted order, or -1. */
    public int indexOf(int cpu) {
        int i = Arrays.binarySearch(ids, cpu);
        return i < 0 ? -1 : i;
    }

    public int[] toArray() {
        return ids.clone();
    }

    public CpuSet and(CpuSet other) {
        BitSet b = (BitSet) bits.clone();
        b.and(other.bits);
        return new CpuSet(b);
    }

    public CpuSet or(CpuSet other) {
        BitSet b = (BitSet) bits.clone();
        b.or(other.bits);
        return new CpuSet(b);
    }

    public CpuSet andNot(CpuSet other) {
        BitSet b = (BitSet) bits.clone();
        b.andNot(other.bits);
        return new CpuSet(b);
    }

    public CpuSet with(int cpu) {
        BitSet b = (BitSet) bits.clone();
        b.set(check(cpu));
        return new CpuSet(b);
    }

    public CpuSet without(int cpu) {
        BitSet b = (BitSet) bits.clone();
        if (cpu >= 0) {
            b.clear(cpu);
        }
        return new CpuSet(b);
    }

    public boolean containsAll(CpuSet other) {
        BitSet b = (BitSet) other.bits.clone();
        b.andNot(bits);
        return b.isEmpty();
    }

    public PrimitiveIterator.OfInt intIterator() {
        return Arrays.stream(ids).iterator();
    }

    @Override
    public Iterator<Integer> iterator() {
        return new Iterator<>() {
            int i;

            @Override
            public boolean hasNext() {
                return i < ids.length;
            }

            @Override
            public Integer next() {
                if (i >= ids.length) {
                    throw new NoSuchElementException();
                }
                return ids[i++];
            }
        };
    }

    /** The cpu-list form, e.g. {@code 0-3,8}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < ids.length) {
            int j = i;
            while (j + 1 < ids.length && ids[j + 1] == ids[j] + 1) {
                j++;
            }
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(ids[i]);
            if (j > i) {
                sb.append('-').append(ids[j]);
            }
            i = j + 1;
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CpuSet && ((CpuSet) o).bits.equals(bits);
    }

    @Override
    public int hashCode() {
        return bits.hashCode();
    }
}
