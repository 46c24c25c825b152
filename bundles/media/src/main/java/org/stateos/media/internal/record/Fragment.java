package org.stateos.media.internal.record;

/**
 * A finished CMAF fragment of one track: its bytes and the ingest wall-clock span it covers,
 * [first frame's ingest time, next fragment's first ingest time).
 */
record Fragment(int track, byte[] bytes, long startMicros, long endMicros, int samples) {}
