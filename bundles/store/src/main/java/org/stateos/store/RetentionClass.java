package org.stateos.store;

/**
 * Why a unit is kept, which decides when it may be evicted. Each class may have a quota in bytes
 * ({@code quota.<class>.bytes}); over its quota, the oldest units of a class become evictable.
 */
public enum RetentionClass {
    /** Never evicted. Counts against its quota only as a refusal: a put that would exceed it fails. */
    PINNED,
    /** User data: evictable only beyond the class quota, and never while it is the last known copy. */
    NORMAL,
    /** A recording: evictable once older than its window, or beyond the class quota; never a last copy. */
    DVR,
    /** Re-fetchable data (e.g. units fetched from peers): always evictable, last copy or not. */
    CACHE;

    /** PINNED keeps most, CACHE least: a second put of the same unit may move it to a stronger class. */
    public boolean strongerThan(RetentionClass other) {
        return ordinal() < other.ordinal();
    }
}
