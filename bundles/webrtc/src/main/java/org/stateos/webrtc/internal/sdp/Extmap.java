package org.stateos.webrtc.internal.sdp;

/** {@code a=extmap:<id>[/<direction>] <uri> [<attributes>]} (RFC 8285); direction null when absent. */
public record Extmap(int id, String direction, String uri) {
}
