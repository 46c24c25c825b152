package org.stateos.webrtc.internal.sdp;

/** A media section's direction attribute (RFC 8866 section 6.7); sendrecv when absent. */
public enum Direction {
    SENDRECV, SENDONLY, RECVONLY, INACTIVE;

    /** The attribute name, e.g. {@code sendonly}. */
    public String attribute() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The direction for an attribute name, or null if it is not one. */
    public static Direction of(String attribute) {
        return switch (attribute) {
            case "sendrecv" -> SENDRECV;
            case "sendonly" -> SENDONLY;
            case "recvonly" -> RECVONLY;
            case "inactive" -> INACTIVE;
            default -> null;
        };
    }

    /** True when the offerer wants to receive what we send. */
    public boolean offererReceives() {
        return this == SENDRECV || this == RECVONLY;
    }
}
