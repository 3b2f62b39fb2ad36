// A pool's worklist: an unbounded multi-producer single-consumer FIFO of arrays that recycles its arrays, so no backlog makes it allocate.
package io.corewq;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The worklist of a {@link WorkerPool}: producers are any threads, one consumer at a time (the
 * carrier, or the unbound worker holding the poll turn; the caller serialises consumers and
 * publishes the hand-over between them).
 *
 * <h2>Implementation overview</h2>
 * Entries sit in a chain of fixed-size arrays ({@link Chunk}s of {@link #CHUNK} slots; tests use
 * smaller ones). Entry number {@code i} (counted from 0 since the queue was made) lives in slot
 * {@code i - base} of the chunk whose {@code base} is the multiple of the chunk size at or below
 * {@code i}.
 * <pre>
 *   producer:  p = pIndex ; CAS(pIndex, p, p + 2) ; producer chunk's slot[p/2 - base] = n (release)
 *   consumer:  n = consumer chunk's slot[c - base] (acquire) ; slot = null ; cIndex = c + 1 (release)
 * </pre>
 * {@code pIndex} holds twice the next entry number; its low bit is the <b>append flag</b>. The
 * producer whose entry is the first of a new chunk CASes the flag on instead of taking the number,
 * links a chunk behind the last one, publishes it as {@code producerChunk}, then takes its number
 * and clears the flag in one volatile store, and writes its entry last, as every producer does:
 * an entry a consumer sees is always counted, so a consumer never waits for a number that nobody
 * has taken. Other producers wait while the flag is set
 * (for the length of an append: no allocation once chunks are recycled). A producer therefore
 * reads a {@code producerChunk} (and its base and slots, kept beside {@code pIndex} so that a
 * queue dereferences nothing) that holds the number it then takes: the chunk is published before
 * the flag goes off, and a CAS from a number read before an append fails.
 *
 * <p><b>Recycling.</b> A consumer that has taken the last slot of a chunk moves to the next one
 * and gives the old chunk (all slots already null: every entry in it was taken) to a small ring of
 * spares ({@link #SPARES}); an append takes a spare before it allocates. No other thread holds on
 * to an old chunk: a producer writes only into the chunk that holds its number, which the consumer
 * cannot have passed (it waits for every claimed slot to be written). So a steady stream, however
 * deep its backlog, allocates nothing: the consumer frees one chunk for every chunk the producers
 * fill. A backlog that swings by more than {@code SPARES} chunks allocates when it grows again.
 * (JCTools' unbounded array queue, used before, allocated a new chunk each time a backlog lapped
 * its array: about 4 bytes an item with more than 1 024 entries waiting.)
 *
 * <p>The producers' fields ({@code pIndex}, {@code producerChunk}) and the consumer's
 * ({@code cIndex}, {@code consumerChunk}) sit on cache lines of their own; the spares' ring is
 * touched once per chunk.
 */
final class Worklist extends WorklistPad2 implements Iterable<Node> {
    /** Slots per chunk. */
    static final int CHUNK = 1024;
    /** Spare chunks kept for reuse, a power of two. */
    static final int SPARES = 8;

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Node[].class);
    private static final VarHandle SPARE = MethodHandles.arrayElementVarHandle(Chunk[].class);
    private static final VarHandle SPARES_GIVEN;
    private static final VarHandle SPARES_TAKEN;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            SPARES_GIVEN = l.findVarHandle(Worklist.class, "sparesGiven", long.class);
            SPARES_TAKEN = l.findVarHandle(Worklist.class, "sparesTaken", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** One array of the chain. */
    static final class Chunk {
        /** Written by the producer that holds a slot's number (release), nulled by the consumer. */
        final Node[] slots;
        /** The number of the entry in {@code slots[0]}; written by the appender before it publishes the chunk. */
        volatile long base;
        /** The chunk after this one; written once per use by the appender (release), null while this is the last. */
        volatile Chunk next;

        Chunk(int size) {
            slots = new Node[size];
        }
    }

    /** Spare chunks: given by the consumer, taken by the appender (one at a time: the append flag). */
    private final Chunk[] spares = new Chunk[SPARES];
    /** Consumer: spares given so far (release). */
    private volatile long sparesGiven;
    /** Appender: spares taken so far (release). */
    private volatile long sparesTaken;

    Worklist() {
        this(CHUNK);
    }

    /** A worklist of chunks of {@code chunkSize} slots (tests: small chunks append and recycle often). */
    Worklist(int chunkSize) {
        super(new Chunk(chunkSize));
    }

    /** Appends {@code n}. CONTEXT: any thread. */
    void offer(Node n) {
        for (int spins = 0; ; spins++) {
            long p = (long) PINDEX.getVolatile(this);
            if ((p & 1) != 0) {
                backOff(spins); // an append is in progress
                continue;
            }
            // Plain reads after the volatile one: the appender wrote them before it cleared the
            // flag. Read against an older p they may be newer, but then the CAS below fails.
            long i = p >>> 1;
            long off = i - pBase;
            Node[] slots = pSlots;
            if (off < slots.length) {
                if (PINDEX.compareAndSet(this, p, p + 2)) {
                    SLOT.setRelease(slots, (int) off, n); // publishes n's fields to the consumer
                    return;
                }
            } else if (PINDEX.compareAndSet(this, p, p | 1)) {
                Chunk nc = takeSpare();
                nc.base = i;
                producerChunk.next = nc; // the consumer may follow it now: slot 0 is written below
                producerChunk = nc;
                pBase = i;
                pSlots = nc.slots;
                // Number i is taken before its slot is written, as on the path above: a consumer
                // that sees an entry then also sees it counted, so it never waits for a number
                // nobody has taken yet (isEmpty, and poll's waits, compare with the count).
                PINDEX.setVolatile(this, p + 2); // takes number i, ends the append, publishes the fields above; volatile: a wake-up check follows
                SLOT.setRelease(nc.slots, 0, n);
                return;
            }
        }
    }

    private static void backOff(int spins) {
        if (spins < 64) {
            Thread.onSpinWait();
        } else {
            Thread.yield(); // the appender was descheduled
        }
    }

    /** Takes the oldest entry, waiting out a producer between its claim and its write; null when empty. CONTEXT: the consumer. */
    Node poll() {
        return take(true);
    }

    /**
     * Takes the oldest entry, or returns null when it is not written yet (or the list is empty):
     * a carrier's poll, which comes back soon anyway. CONTEXT: the consumer.
     */
    Node relaxedPoll() {
        return take(false);
    }

    private Node take(boolean wait) {
        long c = cIndex;
        long off = c - cBase;
        Node[] slots = cSlots;
        if (off == slots.length) {
            Chunk ch = consumerChunk;
            Chunk nx = ch.next;
            if (nx == null) {
                if (!wait || producedCount() == c) {
                    return null; // empty, or the entry's producer is still appending its chunk
                }
                nx = ch.next; // not null: the producer of entry c linked it before its volatile store took the number
            }
            consumerChunk = nx;
            cBase = c;
            cSlots = slots = nx.slots;
            off = 0;
            giveSpare(ch);
        }
        Node n = (Node) SLOT.getAcquire(slots, (int) off);
        if (n == null) {
            if (!wait || producedCount() == c) {
                return null;
            }
            for (int spins = 0; (n = (Node) SLOT.getAcquire(slots, (int) off)) == null; spins++) {
                backOff(spins); // claimed, not written yet
            }
        }
        SLOT.setOpaque(slots, (int) off, (Node) null);
        CINDEX.setRelease(this, c + 1);
        return n;
    }

    /** CONTEXT: the consumer, which has taken every entry of {@code ch} and moved past it. */
    private void giveSpare(Chunk ch) {
        ch.next = null;
        long g = sparesGiven;
        if (g - (long) SPARES_TAKEN.getAcquire(this) < SPARES) {
            SPARE.set(spares, (int) (g & (SPARES - 1)), ch);
            SPARES_GIVEN.setRelease(this, g + 1); // publishes the nulled slots and the spare
        }
    }

    /** CONTEXT: the appender (holds the append flag). */
    private Chunk takeSpare() {
        long t = sparesTaken;
        if (t == (long) SPARES_GIVEN.getAcquire(this)) {
            return new Chunk(pSlots.length);
        }
        int at = (int) (t & (SPARES - 1));
        Chunk ch = (Chunk) SPARE.get(spares, at);
        SPARE.set(spares, at, (Chunk) null);
        SPARES_TAKEN.setRelease(this, t + 1);
        return ch;
    }

    /** Entries claimed so far (written or about to be). */
    private long producedCount() {
        return (long) PINDEX.getVolatile(this) >>> 1;
    }

    /** Whether no entry is queued (racy, as any concurrent queue's). CONTEXT: any thread. */
    boolean isEmpty() {
        return (long) CINDEX.getVolatile(this) == producedCount();
    }

    /** Entries queued (racy: entries being queued or taken meanwhile may or may not count). CONTEXT: any thread. */
    int size() {
        long c = (long) CINDEX.getVolatile(this);
        return (int) Math.min(Integer.MAX_VALUE, producedCount() - c); // not negative: an entry is counted before it can be taken
    }

    /** Spare chunks held now (tests). */
    int spareCount() {
        return (int) (sparesGiven - sparesTaken);
    }

    /**
     * Weakly consistent, for dumps: visits at most the entries queued when it starts, from the
     * consumer's position; entries taken meanwhile are skipped, and a chunk recycled meanwhile may
     * show newer entries (all of them queued on this worklist). Never blocks, always ends.
     */
    @Override
    public Iterator<Node> iterator() {
        return new Iterator<>() {
            long at = (long) CINDEX.getVolatile(Worklist.this);
            final long end = producedCount();
            Chunk ch = consumerChunk;
            Node next = advance();

            private Node advance() {
                while (at < end && ch != null) {
                    long off = at - ch.base;
                    if (off < 0) {
                        return null; // the chunk was recycled under us
                    }
                    if (off >= ch.slots.length) {
                        ch = ch.next;
                        continue;
                    }
                    Node n = (Node) SLOT.getAcquire(ch.slots, (int) off);
                    at++;
                    if (n != null) {
                        return n;
                    }
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public Node next() {
                Node n = next;
                if (n == null) {
                    throw new NoSuchElementException();
                }
                next = advance();
                return n;
            }
        };
    }
}

/**
 * Padding before the consumer's line. The int fills the gap after the object header, where the
 * JVM's field layout would otherwise put a subclass's field (next to the previous object).
 */
@SuppressWarnings("unused")
abstract class WorklistPad0 {
    int gap0;
    long p00, p01, p02, p03, p04, p05, p06, p07;
}

/** The consumer's line. */
abstract class WorklistConsumer extends WorklistPad0 {
    static final VarHandle CINDEX;

    static {
        try {
            CINDEX = MethodHandles.lookup().findVarHandle(WorklistConsumer.class, "cIndex", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Consumer (release store); any thread reads: entries taken so far. */
    volatile long cIndex;
    /** Consumer: the chunk holding entry {@code cIndex}, or the one before it when {@code cIndex} starts a chunk. Racy reads by iterators. */
    volatile Worklist.Chunk consumerChunk;
    /** Consumer: {@code consumerChunk}'s base and slots, read without a dereference. */
    long cBase;
    Node[] cSlots;

    WorklistConsumer(Worklist.Chunk first) {
        consumerChunk = first;
        cSlots = first.slots;
    }
}

/** Padding between the consumer's line and the producers'. */
@SuppressWarnings("unused")
abstract class WorklistPad1 extends WorklistConsumer {
    int gap1;
    long p10, p11, p12, p13, p14, p15, p16, p17;

    WorklistPad1(Worklist.Chunk first) {
        super(first);
    }
}

/** The producers' line. */
abstract class WorklistProducer extends WorklistPad1 {
    static final VarHandle PINDEX;

    static {
        try {
            PINDEX = MethodHandles.lookup().findVarHandle(WorklistProducer.class, "pIndex", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Producers, CAS: twice the number of the next entry, plus 1 while an append is in progress. */
    volatile long pIndex;
    /** The appender (under the append flag; published by the store that clears it): the last chunk of the chain. */
    Worklist.Chunk producerChunk;
    /** As {@code producerChunk}: its base and slots, which producers read after {@code pIndex}. */
    long pBase;
    Node[] pSlots;

    WorklistProducer(Worklist.Chunk first) {
        super(first);
        producerChunk = first;
        pSlots = first.slots;
    }
}

/** Padding after the producers' line (the int fills a 4-byte hole the layout may leave after their fields). */
@SuppressWarnings("unused")
abstract class WorklistPad2 extends WorklistProducer {
    int gap2;
    long p20, p21, p22, p23, p24, p25, p26, p27;

    WorklistPad2(Worklist.Chunk first) {
        super(first);
    }
}
