package org.stateos.webrtc.internal.sdp;

/** {@code a=rtpmap:<pt> <encoding>/<clock rate>[/<channels>]}; channels is 1 when absent. */
public record RtpMap(int payloadType, String encoding, int clockRate, int channels) {

    public boolean is(String name, int rate) {
        return encoding.equalsIgnoreCase(name) && clockRate == rate;
    }
}
