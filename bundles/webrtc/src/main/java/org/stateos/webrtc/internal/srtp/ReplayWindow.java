package org.stateos.webrtc.internal.srtp;

/**
 * Replay protection over packet indices (RFC 3711 3.3.2): accepts an index once, and refuses those older than
 * the window behind the highest index seen. Check with {@link #accepts} before authenticating, then {@link #update}
 * after the packet authenticated, so forged packets never move the window.
 */
public final class ReplayWindow {
    /** RFC 3711 asks for at least 64; 128 tolerates the reordering of a video burst over Wi-Fi. */
    public static final int SIZE = 128;
    private final long[] bits = new long[SIZE / 64];
    private long highest = -1;

    public boolean accepts(long index) {
        if (index > highest) {
            return true;
        }
        long age = highest - index;
        if (age >= SIZE) {
            return false;
        }
        return !get(index);
    }

    public void update(long index) {
        if (index > highest) {
            long gap = highest < 0 ? SIZE : index - highest;
            if (gap >= SIZE) {
                java.util.Arrays.fill(bits, 0);
            } else {
                for (long i = highest + 1; i < index; i++) {
                    clear(i);
                }
            }
            highest = index;
        }
        set(index);
    }

    public long highest() {
        return highest;
    }

    private boolean get(long index) {
        int bit = (int) (index % SIZE);
        return (bits[bit >>> 6] & (1L << (bit & 63))) != 0;
    }

    private void set(long index) {
        int bit = (int) (index % SIZE);
        bits[bit >>> 6] |= 1L << (bit & 63);
    }

    private void clear(long index) {
        int bit = (int) (index % SIZE);
        bits[bit >>> 6] &= ~(1L << (bit & 63));
    }
}
