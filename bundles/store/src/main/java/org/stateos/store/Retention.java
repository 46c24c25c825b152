package org.stateos.store;

import java.time.Duration;

/** A retention class and, for {@link RetentionClass#DVR}, the window a recording is kept at least for. */
public record Retention(RetentionClass retentionClass, Duration window) {
    public static final Retention PINNED = new Retention(RetentionClass.PINNED, Duration.ZERO);
    public static final Retention NORMAL = new Retention(RetentionClass.NORMAL, Duration.ZERO);
    public static final Retention CACHE = new Retention(RetentionClass.CACHE, Duration.ZERO);

    public Retention {
        if (retentionClass == null || window == null || window.isNegative()) {
            throw new IllegalArgumentException("retention needs a class and a window >= 0");
        }
        if (retentionClass != RetentionClass.DVR && !window.isZero()) {
            throw new IllegalArgumentException("only DVR units have a window");
        }
    }

    /** A DVR recording kept at least {@code window} (unless its class quota is exceeded). */
    public static Retention dvr(Duration window) {
        if (window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("a DVR window is positive");
        }
        return new Retention(RetentionClass.DVR, window);
    }

    @Override
    public String toString() {
        return retentionClass == RetentionClass.DVR ? "DVR(" + window + ")" : retentionClass.name();
    }
}
