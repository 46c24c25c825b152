package org.stateos.webrtc.internal.sdp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.stateos.webrtc.internal.transport.TransportService.Fingerprint;

/**
 * Parses the subset of SDP (RFC 8866) that WebRTC offers carry (RFC 8829, JSEP) into a
 * {@link SessionDescription}. A pure function of its input and {@link Limits}: every count and length is checked
 * against its limit before anything is kept, and any input either parses or fails with an {@link SdpException}
 * whose message names the line and the reason.
 *
 * <p>Lenient where browsers and tools differ harmlessly (CRLF or LF, blank lines, unknown line types and
 * attributes are kept or skipped), strict where a mistake would mislead the answer (version, m-lines, numbers,
 * payload types, fingerprints).
 */
public final class SdpParser {

    /**
     * Bounds on what one offer may hold. Browsers' offers are 3–8 KB of 40–150 lines; the defaults leave room for
     * many sections and codecs while keeping a hostile offer's cost small.
     */
    public record Limits(int maxChars, int maxLines, int maxLineChars, int maxMediaSections, int maxFormats,
            int maxFmtpParameters) {
        public static final Limits DEFAULT = new Limits(64 * 1024, 2000, 4096, 32, 128, 32);
    }

    private final Limits limits;

    public SdpParser(Limits limits) {
        this.limits = limits;
    }

    public SdpParser() {
        this(Limits.DEFAULT);
    }

    public SessionDescription parse(CharSequence sdp) throws SdpException {
        if (sdp.length() > limits.maxChars()) {
            throw new SdpException("SDP of " + sdp.length() + " characters exceeds the maximum of " + limits.maxChars());
        }
        if (sdp.length() == 0) {
            throw new SdpException("empty SDP");
        }
        Session session = new Session();
        Section section = null;
        int lineNo = 0;
        int start = 0;
        int len = sdp.length();
        boolean sawVersion = false;
        while (start < len) {
            int end = start;
            while (end < len && sdp.charAt(end) != '\n') {
                end++;
            }
            int next = end + 1;
            if (end > start && sdp.charAt(end - 1) == '\r') {
                end--;
            }
            lineNo++;
            if (lineNo > limits.maxLines()) {
                throw new SdpException("SDP has more than " + limits.maxLines() + " lines");
            }
            if (end - start > limits.maxLineChars()) {
                throw new SdpException("line " + lineNo + " is longer than " + limits.maxLineChars() + " characters");
            }
            String line = sdp.subSequence(start, end).toString();
            start = next;
            if (line.isEmpty()) {
                continue;
            }
            checkCharacters(line, lineNo);
            if (line.length() < 2 || line.charAt(1) != '=' || line.charAt(0) < 'a' || line.charAt(0) > 'z') {
                throw new SdpException("line " + lineNo + " is not of the form <letter>=<value>: " + excerpt(line));
            }
            char type = line.charAt(0);
            String value = line.substring(2);
            if (!sawVersion) {
                if (type != 'v' || !value.equals("0")) {
                    throw new SdpException("SDP must start with v=0, line " + lineNo + " is " + excerpt(line));
                }
                sawVersion = true;
                continue;
            }
            switch (type) {
                case 'o' -> {
                    if (section != null || session.originSessionId != null) {
                        throw new SdpException("line " + lineNo + ": o= must appear once, at session level");
                    }
                    session.originSessionId = parseOrigin(value, lineNo);
                }
                case 'm' -> {
                    if (session.media.size() >= limits.maxMediaSections()) {
                        throw new SdpException("SDP has more than " + limits.maxMediaSections() + " media sections");
                    }
                    section = parseMediaLine(value, lineNo);
                    session.media.add(section);
                }
                case 'a' -> {
                    SdpAttribute attribute = splitAttribute(value);
                    if (section == null) {
                        session.attribute(attribute, lineNo);
                    } else {
                        section.attribute(attribute, lineNo);
                    }
                }
                case 'v' -> throw new SdpException("line " + lineNo + ": a second v= line");
                default -> {
                    // s, i, u, e, p, c, b, t, r, z, k and future types: nothing the answer depends on
                }
            }
        }
        if (session.originSessionId == null) {
            throw new SdpException("SDP has no o= line");
        }
        if (session.media.isEmpty()) {
            throw new SdpException("SDP has no media sections (m= lines)");
        }
        List<MediaDescription> media = new ArrayList<>(session.media.size());
        for (Section s : session.media) {
            media.add(s.build());
        }
        return new SessionDescription(session.originSessionId, session.bundle, session.iceUfrag, session.icePwd,
                session.fingerprint, session.setup, session.attributes, media);
    }

    private static void checkCharacters(String line, int lineNo) throws SdpException {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                throw new SdpException("line " + lineNo + " contains control character 0x" + Integer.toHexString(c));
            }
        }
    }

    private static String parseOrigin(String value, int lineNo) throws SdpException {
        // o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>
        String[] f = value.split(" ", -1);
        if (f.length != 6) {
            throw new SdpException("line " + lineNo + ": o= needs 6 fields, has " + f.length);
        }
        if (f[1].isEmpty() || f[1].length() > 20 || !f[1].chars().allMatch(Character::isDigit)) {
            throw new SdpException("line " + lineNo + ": o= session id is not a number of at most 20 digits");
        }
        return f[1];
    }

    private Section parseMediaLine(String value, int lineNo) throws SdpException {
        // m=<media> <port>[/<number of ports>] <proto> <fmt> ...
        String[] f = value.split(" ", -1);
        if (f.length < 4) {
            throw new SdpException("line " + lineNo + ": m= needs a media type, port, protocol and at least one format");
        }
        if (f.length - 3 > limits.maxFormats()) {
            throw new SdpException("line " + lineNo + ": m= lists more than " + limits.maxFormats() + " formats");
        }
        String portField = f[1];
        int slash = portField.indexOf('/');
        int port = parseInt(slash < 0 ? portField : portField.substring(0, slash), 0, 65535, "port", lineNo);
        if (f[0].isEmpty() || f[2].isEmpty()) {
            throw new SdpException("line " + lineNo + ": m= has an empty media type or protocol");
        }
        List<String> formats = new ArrayList<>(f.length - 3);
        for (int i = 3; i < f.length; i++) {
            if (f[i].isEmpty()) {
                throw new SdpException("line " + lineNo + ": m= has an empty format (two spaces?)");
            }
            formats.add(f[i]);
        }
        return new Section(f[0], port, f[2], formats);
    }

    private static SdpAttribute splitAttribute(String value) {
        int colon = value.indexOf(':');
        return colon < 0 ? new SdpAttribute(value, null) : new SdpAttribute(value.substring(0, colon), value.substring(colon + 1));
    }

    static int parseInt(String s, int min, int max, String what, int lineNo) throws SdpException {
        if (s.isEmpty() || s.length() > 10) {
            throw new SdpException("line " + lineNo + ": " + what + " is not a number: " + excerpt(s));
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new SdpException("line " + lineNo + ": " + what + " is not a number: " + excerpt(s));
            }
            v = v * 10 + (c - '0');
        }
        if (v < min || v > max) {
            throw new SdpException("line " + lineNo + ": " + what + " " + v + " is out of range " + min + ".." + max);
        }
        return (int) v;
    }

    static String excerpt(String s) {
        return s.length() <= 40 ? "'" + s + "'" : "'" + s.substring(0, 40) + "...'";
    }

    static Fingerprint parseFingerprint(String value, int lineNo) throws SdpException {
        int sp = value == null ? -1 : value.indexOf(' ');
        if (sp <= 0 || sp == value.length() - 1) {
            throw new SdpException("line " + lineNo + ": a=fingerprint needs '<hash> <hex bytes>'");
        }
        String algorithm = value.substring(0, sp).toLowerCase(Locale.ROOT);
        String hex = value.substring(sp + 1).trim().toUpperCase(Locale.ROOT);
        // 2 hex digits per byte, ':' between; SHA-512 (64 bytes) is the longest hash in use.
        if (hex.length() < 2 || hex.length() > 64 * 3 - 1 || (hex.length() + 1) % 3 != 0) {
            throw new SdpException("line " + lineNo + ": a=fingerprint value is not colon-separated hex bytes");
        }
        for (int i = 0; i < hex.length(); i++) {
            char c = hex.charAt(i);
            boolean ok = i % 3 == 2 ? c == ':' : (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
            if (!ok) {
                throw new SdpException("line " + lineNo + ": a=fingerprint value is not colon-separated hex bytes");
            }
        }
        return new Fingerprint(algorithm, hex);
    }

    static String iceCredential(String value, String what, int min, int lineNo) throws SdpException {
        // RFC 8839: ice-char = ALPHA / DIGIT / "+" / "/"; ufrag 4..256 chars, pwd 22..256 chars.
        if (value == null || value.length() < min || value.length() > 256) {
            throw new SdpException("line " + lineNo + ": a=" + what + " must be " + min + "..256 characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(Character.isLetterOrDigit(c) && c < 0x80 || c == '+' || c == '/')) {
                throw new SdpException("line " + lineNo + ": a=" + what + " holds a character ICE does not allow");
            }
        }
        return value;
    }

    static String setup(String value, int lineNo) throws SdpException {
        if (value == null) {
            throw new SdpException("line " + lineNo + ": a=setup needs a value");
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "actpass", "active", "passive", "holdconn" -> v;
            default -> throw new SdpException("line " + lineNo + ": a=setup value " + excerpt(value) + " is not actpass, active, passive or holdconn");
        };
    }

    /** Session-level state while parsing. */
    private final class Session {
        String originSessionId;
        List<String> bundle = List.of();
        String iceUfrag;
        String icePwd;
        Fingerprint fingerprint;
        String setup;
        final List<SdpAttribute> attributes = new ArrayList<>();
        final List<Section> media = new ArrayList<>();

        void attribute(SdpAttribute a, int lineNo) throws SdpException {
            attributes.add(a);
            switch (a.name()) {
                case SdpAttribute.GROUP -> {
                    if (a.value() != null && a.value().startsWith("BUNDLE") && bundle.isEmpty()) {
                        String[] f = a.value().trim().split(" +");
                        if (f.length - 1 > limits.maxMediaSections()) {
                            throw new SdpException("line " + lineNo + ": BUNDLE group lists more mids than the maximum of "
                                    + limits.maxMediaSections() + " media sections");
                        }
                        if (f[0].equals("BUNDLE")) {
                            bundle = List.of(f).subList(1, f.length);
                        }
                    }
                }
                case SdpAttribute.ICE_UFRAG -> iceUfrag = iceCredential(a.value(), "ice-ufrag", 4, lineNo);
                case SdpAttribute.ICE_PWD -> icePwd = iceCredential(a.value(), "ice-pwd", 22, lineNo);
                case SdpAttribute.FINGERPRINT -> {
                    if (fingerprint == null) {
                        fingerprint = parseFingerprint(a.value(), lineNo);
                    }
                }
                case SdpAttribute.SETUP -> setup = setup(a.value(), lineNo);
                default -> {
                }
            }
        }
    }

    /** A media section while parsing. */
    private final class Section {
        final String type;
        final int port;
        final String proto;
        final List<String> formats;
        String mid;
        Direction direction = Direction.SENDRECV;
        final Map<Integer, RtpMap> rtpMaps = new LinkedHashMap<>();
        final Map<Integer, Map<String, String>> fmtps = new LinkedHashMap<>();
        final List<RtcpFeedback> feedback = new ArrayList<>();
        String iceUfrag;
        String icePwd;
        Fingerprint fingerprint;
        String setup;
        boolean rtcpMux;
        final List<Extmap> extmaps = new ArrayList<>();
        final List<SdpAttribute> attributes = new ArrayList<>();

        Section(String type, int port, String proto, List<String> formats) {
            this.type = type;
            this.port = port;
            this.proto = proto;
            this.formats = formats;
        }

        void attribute(SdpAttribute a, int lineNo) throws SdpException {
            attributes.add(a);
            Direction d = a.value() == null ? Direction.of(a.name()) : null;
            if (d != null) {
                direction = d;
                return;
            }
            switch (a.name()) {
                case SdpAttribute.MID -> {
                    if (a.value() == null || a.value().isEmpty() || a.value().length() > 32 || a.value().contains(" ")) {
                        throw new SdpException("line " + lineNo + ": a=mid must be 1..32 characters without spaces");
                    }
                    mid = a.value();
                }
                case SdpAttribute.RTPMAP -> rtpMap(a.value(), lineNo);
                case SdpAttribute.FMTP -> fmtp(a.value(), lineNo);
                case SdpAttribute.RTCP_FB -> rtcpFb(a.value(), lineNo);
                case SdpAttribute.ICE_UFRAG -> iceUfrag = iceCredential(a.value(), "ice-ufrag", 4, lineNo);
                case SdpAttribute.ICE_PWD -> icePwd = iceCredential(a.value(), "ice-pwd", 22, lineNo);
                case SdpAttribute.FINGERPRINT -> {
                    if (fingerprint == null) {
                        fingerprint = parseFingerprint(a.value(), lineNo);
                    }
                }
                case SdpAttribute.SETUP -> setup = setup(a.value(), lineNo);
                case SdpAttribute.RTCP_MUX -> rtcpMux = true;
                case SdpAttribute.EXTMAP -> extmap(a.value(), lineNo);
                default -> {
                }
            }
        }

        private int payloadType(String s, int lineNo) throws SdpException {
            return parseInt(s, 0, 127, "payload type", lineNo);
        }

        private void rtpMap(String value, int lineNo) throws SdpException {
            // <pt> <encoding name>/<clock rate>[/<encoding parameters>]
            String[] f = value == null ? new String[0] : value.split(" ", 2);
            if (f.length != 2) {
                throw new SdpException("line " + lineNo + ": a=rtpmap needs '<pt> <encoding>/<clock rate>'");
            }
            int pt = payloadType(f[0], lineNo);
            String[] enc = f[1].trim().split("/", -1);
            if (enc.length < 2 || enc.length > 3 || enc[0].isEmpty()) {
                throw new SdpException("line " + lineNo + ": a=rtpmap needs '<encoding>/<clock rate>[/<channels>]'");
            }
            int rate = parseInt(enc[1], 1, 10_000_000, "clock rate", lineNo);
            int channels = enc.length == 3 ? parseInt(enc[2], 1, 255, "channel count", lineNo) : 1;
            if (rtpMaps.size() >= limits.maxFormats() && !rtpMaps.containsKey(pt)) {
                throw new SdpException("line " + lineNo + ": more than " + limits.maxFormats() + " a=rtpmap lines in one section");
            }
            rtpMaps.put(pt, new RtpMap(pt, enc[0], rate, channels));
        }

        private void fmtp(String value, int lineNo) throws SdpException {
            // <pt> <param>=<value>;<param>=<value>... (RFC 8866 6.15); a bare value (e.g. RED's "111/111") gets key ""
            String[] f = value == null ? new String[0] : value.split(" ", 2);
            if (f.length != 2) {
                throw new SdpException("line " + lineNo + ": a=fmtp needs '<pt> <parameters>'");
            }
            int pt = payloadType(f[0], lineNo);
            if (fmtps.size() >= limits.maxFormats() && !fmtps.containsKey(pt)) {
                throw new SdpException("line " + lineNo + ": more than " + limits.maxFormats() + " a=fmtp lines in one section");
            }
            Map<String, String> params = new LinkedHashMap<>();
            for (String p : f[1].split(";", -1)) {
                String param = p.trim();
                if (param.isEmpty()) {
                    continue;
                }
                if (params.size() >= limits.maxFmtpParameters()) {
                    throw new SdpException("line " + lineNo + ": a=fmtp has more than " + limits.maxFmtpParameters() + " parameters");
                }
                int eq = param.indexOf('=');
                if (eq < 0) {
                    params.put("", param);
                } else {
                    params.put(param.substring(0, eq).trim().toLowerCase(Locale.ROOT), param.substring(eq + 1).trim());
                }
            }
            fmtps.put(pt, Map.copyOf(params));
        }

        private void rtcpFb(String value, int lineNo) throws SdpException {
            String[] f = value == null ? new String[0] : value.trim().split(" +");
            if (f.length < 2 || f.length > 3) {
                throw new SdpException("line " + lineNo + ": a=rtcp-fb needs '<pt|*> <type> [<parameter>]'");
            }
            if (feedback.size() >= limits.maxFormats() * 8) {
                throw new SdpException("line " + lineNo + ": too many a=rtcp-fb lines in one section");
            }
            int pt = f[0].equals("*") ? -1 : payloadType(f[0], lineNo);
            feedback.add(new RtcpFeedback(pt, f[1].toLowerCase(Locale.ROOT), f.length == 3 ? f[2].toLowerCase(Locale.ROOT) : null));
        }

        private void extmap(String value, int lineNo) throws SdpException {
            String[] f = value == null ? new String[0] : value.trim().split(" +");
            if (f.length < 2) {
                throw new SdpException("line " + lineNo + ": a=extmap needs '<id>[/<direction>] <uri>'");
            }
            if (extmaps.size() >= 256) {
                throw new SdpException("line " + lineNo + ": too many a=extmap lines in one section");
            }
            int slash = f[0].indexOf('/');
            int id = parseInt(slash < 0 ? f[0] : f[0].substring(0, slash), 1, 255, "extmap id", lineNo);
            extmaps.add(new Extmap(id, slash < 0 ? null : f[0].substring(slash + 1), f[1]));
        }

        MediaDescription build() {
            return new MediaDescription(type, port, proto, formats, mid, direction, rtpMaps, fmtps, feedback, iceUfrag,
                    icePwd, fingerprint, setup, rtcpMux, extmaps, attributes);
        }
    }
}
