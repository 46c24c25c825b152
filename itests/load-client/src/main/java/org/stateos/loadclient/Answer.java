package org.stateos.loadclient;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.stateos.webrtc.internal.sdp.MediaDescription;
import org.stateos.webrtc.internal.sdp.SdpAttribute;
import org.stateos.webrtc.internal.sdp.SdpException;
import org.stateos.webrtc.internal.sdp.SdpParser;
import org.stateos.webrtc.internal.sdp.SessionDescription;
import org.stateos.webrtc.internal.transport.TransportService.Fingerprint;

/**
 * What a viewer needs from the server's answer (parsed with the node's own {@link SdpParser}): ICE credentials,
 * the DTLS fingerprint, the UDP candidates in order, and the payload types of the accepted sections (-1 when a
 * section is rejected with port 0).
 */
public record Answer(String iceUfrag, String icePwd, Fingerprint fingerprint, List<InetSocketAddress> candidates,
        int videoPayloadType, int audioPayloadType) {

    public static Answer parse(String sdp) throws SdpException {
        SessionDescription d = new SdpParser().parse(sdp);
        String ufrag = d.iceUfrag();
        String pwd = d.icePwd();
        Fingerprint fp = d.fingerprint();
        List<InetSocketAddress> candidates = new ArrayList<>();
        int video = -1;
        int audio = -1;
        for (MediaDescription m : d.media()) {
            if (m.port() == 0 || m.formats().isEmpty()) {
                continue;
            }
            int pt = Integer.parseInt(m.formats().get(0));
            if (m.type().equals("video") && video < 0) {
                video = pt;
            } else if (m.type().equals("audio") && audio < 0) {
                audio = pt;
            }
            ufrag = ufrag != null ? ufrag : m.iceUfrag();
            pwd = pwd != null ? pwd : m.icePwd();
            fp = fp != null ? fp : m.fingerprint();
            for (SdpAttribute a : m.attributes()) {
                InetSocketAddress c = a.name().equals("candidate") ? udpCandidate(a.value()) : null;
                if (c != null && !candidates.contains(c)) {
                    candidates.add(c);
                }
            }
        }
        if (ufrag == null || pwd == null || fp == null) {
            throw new SdpException("answer lacks ice-ufrag, ice-pwd or fingerprint");
        }
        if (candidates.isEmpty()) {
            throw new SdpException("answer has no UDP candidate");
        }
        return new Answer(ufrag, pwd, fp, List.copyOf(candidates), video, audio);
    }

    /** {@code foundation component transport priority address port typ type ...}: UDP, component 1, else null. */
    static InetSocketAddress udpCandidate(String value) {
        String[] f = value.trim().split("\\s+");
        if (f.length < 8 || !f[1].equals("1") || !f[2].toLowerCase(Locale.ROOT).equals("udp")) {
            return null;
        }
        return new InetSocketAddress(f[4], Integer.parseInt(f[5]));
    }
}
