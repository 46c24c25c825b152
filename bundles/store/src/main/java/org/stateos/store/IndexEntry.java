package org.stateos.store;

/** One entry of the time index: the unit that holds a track's media for a time span. */
public record IndexEntry(TimeSpan span, UnitId unit) {}
