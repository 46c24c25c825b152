package org.stateos.api.media;

/** What a track carries. */
public enum MediaKind {
    VIDEO,
    AUDIO
}
