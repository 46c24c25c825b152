package org.stateos.trust;

import java.time.Instant;

/**
 * The gate's judgement of one bundle revision.
 *
 * @param bundleId      framework bundle id
 * @param symbolicName  Bundle-SymbolicName, or "?" when the manifest could not be read
 * @param version       Bundle-Version
 * @param contentSha256 SHA-256 of the bundle's jar bytes (hex): the key of the verdict cache
 * @param trusted       true when every entry is signed by a signer whose chain leads to the vendor anchor
 * @param signer        subject of the vendor signer, or of the first signer seen when refused (may be empty)
 * @param reason        why it was refused; "signed by the vendor" when trusted
 * @param checkedAt     when the verdict was reached
 */
public record Verdict(
        long bundleId,
        String symbolicName,
        String version,
        String contentSha256,
        boolean trusted,
        String signer,
        String reason,
        Instant checkedAt) {}
