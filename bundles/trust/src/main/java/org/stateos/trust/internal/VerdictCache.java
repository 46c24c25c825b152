package org.stateos.trust.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Signature verdicts keyed by (vendor anchor fingerprint, SHA-256 of the jar bytes) — never by name or location, so
 * a verdict is found again only for exactly the bytes and the anchor it was reached for. Persisted in the trust
 * bundle's data area so a warm boot hashes every jar but need not verify the signatures again. Refusals are cached
 * too (the same bytes are refused for the same reason). Thread-safe.
 */
final class VerdictCache {

    /** What verification said about some bytes. */
    record Entry(boolean trusted, String signer, String reason) {}

    static final int MAX_ENTRIES = 4096;
    private static final Logger LOG = Logger.getLogger(Activator.LOGGER);
    private static final char SEP = '\t';

    private volatile Path file;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();

    /** @param file where to persist; null keeps the cache in memory only */
    private VerdictCache(Path file) {
        this.file = file;
    }

    static VerdictCache inMemory() {
        return new VerdictCache(null);
    }

    /** Loads the cache from {@code file}; an unreadable or damaged file gives an empty cache (verify again). */
    static VerdictCache load(Path file) {
        VerdictCache cache = new VerdictCache(file);
        try {
            Properties properties = Persist.load(file);
            for (String key : properties.stringPropertyNames()) {
                Entry entry = decode(properties.getProperty(key));
                if (entry != null && key.indexOf('/') > 0) {
                    cache.entries.put(key, entry);
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            LOG.warning("verdict cache " + file + " unreadable (" + e + "); every jar is verified again");
            cache.entries.clear();
        }
        return cache;
    }

    static String key(String anchorFingerprint, String contentSha256) {
        return anchorFingerprint + "/" + contentSha256;
    }

    synchronized Entry get(String anchorFingerprint, String contentSha256) {
        return entries.get(key(anchorFingerprint, contentSha256));
    }

    /** Stops persisting (the data area is gone: the trust bundle was uninstalled); the cache stays in memory. */
    void detach() {
        file = null;
    }

    void put(String anchorFingerprint, String contentSha256, Entry entry) {
        Properties snapshot;
        Path file;
        synchronized (this) {
            entries.put(key(anchorFingerprint, contentSha256), entry);
            Iterator<String> oldest = entries.keySet().iterator();
            while (entries.size() > MAX_ENTRIES) {
                oldest.next();
                oldest.remove();
            }
            file = this.file;
            if (file == null) {
                return;
            }
            snapshot = new Properties();
            for (Map.Entry<String, Entry> e : entries.entrySet()) {
                snapshot.setProperty(e.getKey(), encode(e.getValue()));
            }
        }
        synchronized (file) { // one writer at a time; the map lock is not held while writing
            try {
                Persist.store(snapshot, file, "StateOS trust: anchor-fingerprint/jar-sha256 = verdict");
            } catch (IOException e) {
                LOG.log(Level.WARNING, "cannot persist the verdict cache to " + file, e);
            }
        }
    }

    synchronized int size() {
        return entries.size();
    }

    private static String encode(Entry entry) {
        return (entry.trusted() ? "T" : "F") + SEP + clean(entry.signer()) + SEP + clean(entry.reason());
    }

    private static Entry decode(String value) {
        String[] parts = value.split(String.valueOf(SEP), 3);
        if (parts.length != 3 || !(parts[0].equals("T") || parts[0].equals("F"))) {
            return null;
        }
        return new Entry(parts[0].equals("T"), parts[1], parts[2]);
    }

    private static String clean(String text) {
        return text.replace(SEP, ' ').replace('\n', ' ').replace('\r', ' ');
    }
}
