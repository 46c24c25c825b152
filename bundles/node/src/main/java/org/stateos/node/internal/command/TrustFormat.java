package org.stateos.node.internal.command;

import java.util.ArrayList;
import java.util.List;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.stateos.trust.Verdict;

/**
 * trust:list output. One row per verdict in 80 columns; the last column holds the signer of a trusted
 * bundle (cut if it must be) or the reason of a refusal, which is never cut: it wraps onto more lines,
 * because it is what the operator came to read. Pure functions.
 */
final class TrustFormat {
    static final String GATE_NOT_RUNNING = "Trust gate not running: no verdicts to show.";
    private static final String[] HEADER = {"ID", "SYMBOLIC NAME", "VERSION", "VERDICT", "SIGNER / REASON"};
    private static final int VERDICT = 7;       // TRUSTED / REFUSED
    private static final int MAX_VERSION = 16;  // 4.1.140.Final, 0.1.0.SNAPSHOT fit whole
    private static final int MIN_LAST = 24;
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private TrustFormat() {}

    static List<String> table(List<Verdict> verdicts, boolean refusalsOnly) {
        List<String> out = new ArrayList<>();
        int idW = HEADER[0].length();
        int bsnW = HEADER[1].length();
        int verW = HEADER[2].length();
        for (Verdict v : verdicts) {
            idW = Math.max(idW, Long.toString(v.bundleId()).length());
            bsnW = Math.max(bsnW, Text.clean(v.symbolicName()).length());
            verW = Math.max(verW, Text.clean(v.version()).length());
        }
        verW = Math.min(verW, MAX_VERSION);
        int fixed = idW + 1 + verW + 1 + VERDICT + 1;
        bsnW = Math.min(bsnW, Text.WIDTH - fixed - 1 - MIN_LAST);
        int lastW = Text.WIDTH - fixed - bsnW - 1;
        String indent = " ".repeat(Text.WIDTH - lastW);

        out.add(line(Text.padLeft(HEADER[0], idW), HEADER[1], bsnW, HEADER[2], verW, HEADER[3], HEADER[4]));
        int trusted = 0;
        for (Verdict v : verdicts) {
            String id = Text.padLeft(Long.toString(v.bundleId()), idW);
            String bsn = Text.cutStart(Text.clean(v.symbolicName()), bsnW);
            String version = Text.cutEnd(Text.clean(v.version()), verW);
            if (v.trusted()) {
                trusted++;
                String signer = Text.cutEnd(Text.clean(Text.commonName(v.signer())), lastW);
                out.add(line(id, bsn, bsnW, version, verW, "TRUSTED", signer));
            } else {
                String reason = Text.clean(v.reason());
                List<String> lines = Text.wrap(reason.isBlank() ? "(no reason given)" : reason, lastW);
                out.add(line(id, bsn, bsnW, version, verW, "REFUSED", lines.get(0)));
                for (int i = 1; i < lines.size(); i++) {
                    out.add(indent + lines.get(i));
                }
            }
        }
        int refused = verdicts.size() - trusted;
        if (refusalsOnly) {
            out.add(refused == 0 ? "No refusals since boot." : refused + (refused == 1 ? " refusal" : " refusals")
                    + " since boot, newest last (uninstalled bundles included).");
        } else {
            out.add(verdicts.size() + " bundles: " + trusted + " trusted, " + refused + " refused.");
        }
        return out;
    }

    private static String line(String id, String bsn, int bsnW, String version, int verW, String verdict,
                               String last) {
        return (id + ' ' + Text.padRight(bsn, bsnW) + ' ' + Text.padRight(version, verW) + ' '
                + Text.padRight(verdict, VERDICT) + ' ' + last).stripTrailing();
    }

    /** {"gateRunning": true, "anchor": "...", "verdicts": [...]}; {"gateRunning": false} without a gate. */
    static String json(boolean gateRunning, String anchor, List<Verdict> verdicts) {
        JsonObject o = new JsonObject();
        o.addProperty("gateRunning", gateRunning);
        if (gateRunning) {
            o.addProperty("anchor", anchor);
            JsonArray list = new JsonArray();
            for (Verdict v : verdicts) {
                JsonObject j = new JsonObject();
                j.addProperty("bundleId", v.bundleId());
                j.addProperty("symbolicName", v.symbolicName());
                j.addProperty("version", v.version());
                j.addProperty("verdict", v.trusted() ? "TRUSTED" : "REFUSED");
                j.addProperty("signer", v.signer());
                j.addProperty("reason", v.reason());
                j.addProperty("contentSha256", v.contentSha256());
                j.addProperty("checkedAt", v.checkedAt() == null ? null : v.checkedAt().toString());
                list.add(j);
            }
            o.add("verdicts", list);
        }
        return GSON.toJson(o);
    }
}
