package org.stateos.media.internal.mp4;

/** One sample of a fragment: its duration and composition offset in the track's timescale. */
public record Sample(int size, long duration, long compositionOffset, boolean sync) {}
