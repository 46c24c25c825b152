package org.stateos.webrtc.internal.sdp;

/**
 * An offer this server cannot use. {@link #status()} is the HTTP status a WHEP answer carries: 400 for SDP that
 * is malformed or lacks what WebRTC requires, 406 for a well-formed offer with no codec in common.
 * The message is the reason given to the client; it never echoes more than a short excerpt of the input.
 */
public final class SdpException extends Exception {
    private static final long serialVersionUID = 1L;

    public static final int MALFORMED = 400;
    public static final int NOT_ACCEPTABLE = 406;

    private final int status;

    public SdpException(String reason) {
        this(MALFORMED, reason);
    }

    public SdpException(int status, String reason) {
        super(bounded(reason));
        this.status = status;
    }

    /** Maximum length of a reason; longer ones are cut. */
    static final int MAX_REASON_CHARS = 240;

    /**
     * The reason as a client may see it: printable ASCII (other characters become '?') and at most
     * {@link #MAX_REASON_CHARS} characters, whatever excerpt of the offer it quotes (found by fuzzing).
     */
    static String bounded(String reason) {
        if (reason == null) {
            return "unusable SDP";
        }
        StringBuilder sb = new StringBuilder(Math.min(reason.length(), MAX_REASON_CHARS));
        for (int i = 0; i < reason.length() && sb.length() < MAX_REASON_CHARS; i++) {
            char c = reason.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        if (reason.length() > MAX_REASON_CHARS) {
            sb.setLength(MAX_REASON_CHARS - 3);
            sb.append("...");
        }
        return sb.toString();
    }

    public int status() {
        return status;
    }
}
