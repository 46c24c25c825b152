package org.stateos.node.internal.command;

import org.stateos.api.console.ConsoleText;

/** The shared console helpers ({@link ConsoleText}) and this bundle's own. */
final class Text extends ConsoleText {
    private Text() {}

    /** "CN=StateOS Vendor,O=StateOS" → "StateOS Vendor"; the whole name when it has no CN. */
    static String commonName(String dn) {
        if (dn == null || dn.isEmpty()) {
            return "";
        }
        for (String part : dn.split("(?<!\\\\),")) {
            String p = part.trim();
            if (p.regionMatches(true, 0, "CN=", 0, 3)) {
                return p.substring(3).replace("\\,", ",");
            }
        }
        return dn;
    }
}
