package org.stateos.store.internal.command;

import org.stateos.api.console.ConsoleText;

/** The shared console helpers ({@link ConsoleText}) and this bundle's own. */
final class Text extends ConsoleText {
    private Text() {}

    /** "1.5 GiB", "512 B": binary units, one decimal. */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
