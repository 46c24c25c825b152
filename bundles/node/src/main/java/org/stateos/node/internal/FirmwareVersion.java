package org.stateos.node.internal;

import org.osgi.framework.Bundle;

/** The firmware version: the assembly's "stateos.version" system property, else this bundle's version. */
public final class FirmwareVersion {
    public static final String PROPERTY = "stateos.version";

    private FirmwareVersion() {}

    public static String of(Bundle nodeBundle) {
        return of(System.getProperty(PROPERTY), nodeBundle == null ? null : nodeBundle.getVersion().toString());
    }

    static String of(String property, String bundleVersion) {
        if (property != null && !property.isBlank()) {
            return property.trim();
        }
        return bundleVersion != null ? bundleVersion : "unknown";
    }
}
