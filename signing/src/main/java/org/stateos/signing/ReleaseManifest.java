package org.stateos.signing;

import java.time.Instant;
import java.util.List;

/**
 * What a release is: product, version, validity and every jar by content hash. Signed as CMS (release.p7s) and
 * checked by the appliance before an update is applied (see the README for the JSON form).
 *
 * @param format    always {@value #FORMAT}
 * @param product   always {@value #PRODUCT}
 * @param version   release version, ordered by {@link Versions}
 * @param createdAt when the manifest was made
 * @param expiresAt after this instant the manifest is refused, so an old, signed release cannot be replayed forever
 * @param bundles   the jars, sorted by path
 */
public record ReleaseManifest(int format, String product, String version, Instant createdAt, Instant expiresAt,
                              List<BundleEntry> bundles) {

    public static final int FORMAT = 1;
    public static final String PRODUCT = "stateos";

    public ReleaseManifest {
        bundles = bundles == null ? null : List.copyOf(bundles);
    }

    public boolean isExpired(Instant now) {
        return !now.isBefore(expiresAt);
    }

    /** True when this release may replace {@code runningVersion}: it is not older. */
    public boolean isAcceptable(String runningVersion) {
        return Versions.isNotOlder(version, runningVersion);
    }

    /** Compares two release versions; see {@link Versions#compare}. */
    public static int compareVersions(String a, String b) {
        return Versions.compare(a, b);
    }
}
