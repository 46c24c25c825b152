package org.stateos.store.internal.command;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.stateos.store.FsckReport;
import org.stateos.store.RetentionClass;
import org.stateos.store.StoreStats;
import org.stateos.store.Unit;
import org.stateos.store.UnitId;

/** Output of the store:* commands: label/value tables within 80 columns, JSON for scripts. Pure functions. */
final class StoreFormat {
    static final String NOT_ACTIVE = "Unit store not active: is bundle org.stateos.store started? See log:display.";
    static final int LABEL = 11;
    static final int TEXT_LIMIT = 4096;
    static final int HEX_LIMIT = 256;
    private static final int LIST_LIMIT = 20;
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private StoreFormat() {}

    static void row(List<String> out, String label, String value) {
        List<String> lines = Text.wrap(Text.clean(value), Text.WIDTH - LABEL);
        for (int i = 0; i < lines.size(); i++) {
            out.add((Text.padRight(i == 0 ? label : "", LABEL) + lines.get(i)).stripTrailing());
        }
    }

    static String notOpen(String devicePath, String problem) {
        return "Unit store not open on " + devicePath + ": " + (problem == null ? "closed" : problem);
    }

    // ---------------------------------------------------------------- stats

    static List<String> stats(StoreStats s) {
        List<String> out = new ArrayList<>();
        String io = s.engine().getOrDefault("ioMode", s.directIo() ? "direct" : "buffered + force (O_DIRECT refused)");
        row(out, "Device", s.device());
        row(out, "I/O", io);
        double pct = s.deviceBytes() > 0 ? 100.0 * s.unitBytes() / s.deviceBytes() : 0;
        row(out, "Used", Text.bytes(s.unitBytes()) + " in " + s.units() + " units, "
                + String.format(Locale.ROOT, "%.1f %%", pct) + " of " + Text.bytes(s.deviceBytes()));
        out.add("");
        out.add("CLASS         UNITS        BYTES        QUOTA");
        for (RetentionClass c : RetentionClass.values()) {
            StoreStats.ClassUsage u = s.classes().get(c);
            if (u == null) {
                continue;
            }
            out.add(Text.padRight(c.name(), 8) + Text.padLeft(Long.toString(u.units()), 11)
                    + Text.padLeft(Text.bytes(u.bytes()), 13)
                    + Text.padLeft(u.quotaBytes() > 0 ? Text.bytes(u.quotaBytes()) : "none", 13));
        }
        out.add("");
        row(out, "Objects", s.objects() + (s.forkedObjects() > 0 ? " (" + s.forkedObjects() + " with forks)" : ""));
        row(out, "Index", s.indexEntries() + " entries in " + s.indexedTracks() + " tracks");
        long lookups = s.cacheHits() + s.cacheMisses();
        row(out, "Cache", Text.bytes(s.cacheBytes()) + ", " + s.cacheHits() + " hits, " + s.cacheMisses() + " misses"
                + (lookups > 0 ? String.format(Locale.ROOT, " (%.1f %% hits)", 100.0 * s.cacheHits() / lookups) : ""));
        row(out, "Evicted", s.evictedUnits() + " units, " + Text.bytes(s.evictedBytes()));
        row(out, "Corrupt", s.corruptReads() + " unit reads failed verification");
        Map<String, String> e = s.engine();
        if (e.containsKey("segmentsTotal")) {
            row(out, "Engine", e.get("segmentsFree") + " of " + e.get("segmentsTotal") + " segments free, "
                    + e.getOrDefault("corruptRecords", "?") + " corrupt records, " + e.getOrDefault("forces", "?")
                    + " forces, " + e.getOrDefault("meanBatchRecords", "?") + " records per commit");
            row(out, "Threads", "log writer and I/O at " + e.getOrDefault("threadPolicy", "?"));
            row(out, "Recovery", e.getOrDefault("lastRecoveryRecords", "?") + " records replayed in "
                    + e.getOrDefault("lastRecoveryMillis", "?") + " ms; checkpoint at "
                    + e.getOrDefault("checkpointPosition", "?"));
        }
        return out;
    }

    static String statsJson(StoreStats s) {
        JsonObject o = new JsonObject();
        o.addProperty("device", s.device());
        o.addProperty("directIo", s.directIo());
        o.addProperty("deviceBytes", s.deviceBytes());
        o.addProperty("units", s.units());
        o.addProperty("unitBytes", s.unitBytes());
        JsonObject classes = new JsonObject();
        for (RetentionClass c : RetentionClass.values()) {
            StoreStats.ClassUsage u = s.classes().get(c);
            if (u != null) {
                JsonObject j = new JsonObject();
                j.addProperty("units", u.units());
                j.addProperty("bytes", u.bytes());
                j.addProperty("quotaBytes", u.quotaBytes());
                classes.add(c.name(), j);
            }
        }
        o.add("classes", classes);
        o.addProperty("objects", s.objects());
        o.addProperty("forkedObjects", s.forkedObjects());
        o.addProperty("indexedTracks", s.indexedTracks());
        o.addProperty("indexEntries", s.indexEntries());
        o.addProperty("cacheHits", s.cacheHits());
        o.addProperty("cacheMisses", s.cacheMisses());
        o.addProperty("cacheBytes", s.cacheBytes());
        o.addProperty("evictedUnits", s.evictedUnits());
        o.addProperty("evictedBytes", s.evictedBytes());
        o.addProperty("corruptReads", s.corruptReads());
        JsonObject engine = new JsonObject();
        s.engine().forEach(engine::addProperty);
        o.add("engine", engine);
        return GSON.toJson(o);
    }

    // ---------------------------------------------------------------- get

    static List<String> unit(Unit u) {
        List<String> out = new ArrayList<>();
        row(out, "Id", u.id().format());
        row(out, "Type", u.type());
        row(out, "Size", u.payloadSize() + " bytes payload, " + u.encodedSize() + " encoded");
        if (u.links().isEmpty()) {
            row(out, "Links", "none");
        }
        for (int i = 0; i < u.links().size(); i++) {
            row(out, i == 0 ? "Links" : "", u.links().get(i).format());
        }
        byte[] p = u.payloadBytes();
        String text = printableText(p);
        if (p.length == 0) {
            row(out, "Payload", "empty");
        } else if (text != null) {
            boolean cut = text.length() > TEXT_LIMIT;
            row(out, "Payload", "text" + (cut ? ", first " + TEXT_LIMIT + " characters (--out for all)" : ""));
            for (String line : (cut ? text.substring(0, TEXT_LIMIT) : text).split("\r?\n", -1)) {
                String l = line.replace('\t', ' ');
                while (l.length() > Text.WIDTH) {
                    out.add(l.substring(0, Text.WIDTH));
                    l = l.substring(Text.WIDTH);
                }
                out.add(l);
            }
        } else {
            int n = Math.min(p.length, HEX_LIMIT);
            row(out, "Payload", "binary" + (p.length > n ? ", first " + n + " bytes (--out for all)" : ""));
            out.addAll(hex(p, n));
        }
        return out;
    }

    /** The payload as text when it is well-formed UTF-8 with no control characters but tab and line ends. */
    static String printableText(byte[] p) {
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(p)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || (c >= 0x7f && c <= 0x9f)) {
                return null;
            }
        }
        return s;
    }

    /** "00000000  48 65 6c 6c 6f 00 ..  |Hello.|": 16 bytes a line, 77 columns. */
    static List<String> hex(byte[] b, int n) {
        List<String> out = new ArrayList<>();
        for (int off = 0; off < n; off += 16) {
            StringBuilder sb = new StringBuilder(String.format("%08x ", off));
            StringBuilder ascii = new StringBuilder();
            for (int i = 0; i < 16; i++) {
                if (i == 8) {
                    sb.append(' ');
                }
                if (off + i < n) {
                    int v = b[off + i] & 0xff;
                    sb.append(String.format(" %02x", v));
                    ascii.append(v >= 0x20 && v < 0x7f ? (char) v : '.');
                } else {
                    sb.append("   ");
                }
            }
            out.add(sb.append("  |").append(ascii).append('|').toString());
        }
        return out;
    }

    // ---------------------------------------------------------------- fsck

    static List<String> fsck(FsckReport r) {
        List<String> out = new ArrayList<>();
        row(out, "Checked", r.unitsChecked() + " units, " + Text.bytes(r.bytesChecked()) + " in "
                + String.format(Locale.ROOT, "%.1f s", r.elapsed().toMillis() / 1000.0));
        row(out, "Bad ids", r.badIds().size() + " (bytes that do not hash to their id)");
        row(out, "Bad CRCs", r.badCrcs().size() + " (records failing their checksum)");
        row(out, "Dangling", r.danglingLinks().size() + " links to units not held here");
        row(out, "Heads", r.headsChecked() + " checked, " + r.badHeads().size() + " bad");
        row(out, "Index", r.indexEntriesChecked() + " entries, " + r.indexEntriesMissingUnit() + " naming units not held here");
        row(out, "Result", r.clean() ? "CLEAN" : "DAMAGED: corrupt data is reported, never returned");
        list(out, "Bad id", r.badIds().stream().map(UnitId::format).toList());
        list(out, "Bad CRC", r.badCrcs().stream().map(UnitId::format).toList());
        list(out, "Dangling", r.danglingLinks().stream()
                .map(l -> l.from().shortForm() + " -> " + l.to().format()).toList());
        list(out, "Bad head", r.badHeads());
        return out;
    }

    private static void list(List<String> out, String label, List<String> items) {
        if (items.isEmpty()) {
            return;
        }
        out.add("");
        for (int i = 0; i < Math.min(items.size(), LIST_LIMIT); i++) {
            row(out, label, items.get(i));
        }
        if (items.size() > LIST_LIMIT) {
            row(out, "", "... and " + (items.size() - LIST_LIMIT) + " more (--json lists all)");
        }
    }

    static String fsckJson(FsckReport r) {
        JsonObject o = new JsonObject();
        o.addProperty("clean", r.clean());
        o.addProperty("unitsChecked", r.unitsChecked());
        o.addProperty("bytesChecked", r.bytesChecked());
        o.add("badIds", ids(r.badIds()));
        o.add("badCrcs", ids(r.badCrcs()));
        JsonArray d = new JsonArray();
        for (FsckReport.Link l : r.danglingLinks()) {
            JsonObject j = new JsonObject();
            j.addProperty("from", l.from().format());
            j.addProperty("to", l.to().format());
            d.add(j);
        }
        o.add("danglingLinks", d);
        o.addProperty("headsChecked", r.headsChecked());
        JsonArray bh = new JsonArray();
        r.badHeads().forEach(bh::add);
        o.add("badHeads", bh);
        o.addProperty("indexEntriesChecked", r.indexEntriesChecked());
        o.addProperty("indexEntriesMissingUnit", r.indexEntriesMissingUnit());
        o.addProperty("elapsedMillis", r.elapsed().toMillis());
        return GSON.toJson(o);
    }

    private static JsonArray ids(List<UnitId> ids) {
        JsonArray a = new JsonArray();
        ids.forEach(i -> a.add(i.format()));
        return a;
    }
}
