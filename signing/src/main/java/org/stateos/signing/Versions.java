package org.stateos.signing;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Orders release versions of the form {@code MAJOR[.MINOR[.PATCH[...]]][-QUALIFIER]}. (OSGi's
 * {@code 1.2.3.qualifier} is refused: OSGi sorts it after {@code 1.2.3}, Semantic Versioning before, and a release
 * version must not be ambiguous.) Numbers compare as numbers, missing ones count as 0 ({@code 1.2 == 1.2.0}). A version
 * with a qualifier is a pre-release of the same number and comes before it ({@code 1.0.0-rc.1 < 1.0.0},
 * {@code 1.0.0-SNAPSHOT < 1.0.0}); qualifiers compare by dot-separated parts, numeric parts as numbers and before
 * textual ones, textual parts in ASCII order ({@code rc.2 < rc.10 < rc.beta}), the Semantic Versioning rule.
 */
public final class Versions {

    private Versions() {}

    /** Negative, zero or positive as {@code a} is older than, the same as, or newer than {@code b}. */
    public static int compare(String a, String b) {
        Parsed left = parse(a);
        Parsed right = parse(b);
        int length = Math.max(left.numbers.size(), right.numbers.size());
        for (int i = 0; i < length; i++) {
            long x = i < left.numbers.size() ? left.numbers.get(i) : 0;
            long y = i < right.numbers.size() ? right.numbers.get(i) : 0;
            if (x != y) {
                return Long.compare(x, y);
            }
        }
        if (left.qualifier.isEmpty() || right.qualifier.isEmpty()) {
            return Boolean.compare(left.qualifier.isEmpty(), right.qualifier.isEmpty());
        }
        return compareQualifiers(left.qualifier, right.qualifier);
    }

    /** True when {@code offered} may replace {@code running}: it is the same or newer. */
    public static boolean isNotOlder(String offered, String running) {
        return compare(offered, running) >= 0;
    }

    /** Throws {@link IllegalArgumentException} with the reason unless {@code version} is a valid version. */
    public static void check(String version) {
        parse(version);
    }

    private record Parsed(List<Long> numbers, String qualifier) {}

    private static Parsed parse(String version) {
        if (version == null || version.isBlank()) {
            throw new IllegalArgumentException("empty version");
        }
        String text = version.trim();
        String qualifier = "";
        int dash = text.indexOf('-');
        if (dash >= 0) {
            qualifier = text.substring(dash + 1);
            text = text.substring(0, dash);
            if (!qualifier.matches("[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*")) {
                throw new IllegalArgumentException("version \"" + version + "\": the qualifier after '-' must be"
                        + " dot-separated letters, digits and hyphens");
            }
        }
        List<Long> numbers = new ArrayList<>();
        String[] parts = text.split("\\.", -1);
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (!part.isEmpty() && isNumber(part) && part.length() <= 18) {
                numbers.add(Long.parseLong(part));
            } else {
                throw new IllegalArgumentException("not a version: \"" + version
                        + "\" (expected numbers separated by dots, e.g. 1.4.2 or 1.4.2-rc.1)");
            }
        }
        return new Parsed(numbers, qualifier);
    }

    private static int compareQualifiers(String a, String b) {
        String[] left = a.split("\\.");
        String[] right = b.split("\\.");
        for (int i = 0; i < Math.min(left.length, right.length); i++) {
            int result = compareIdentifier(left[i], right[i]);
            if (result != 0) {
                return result;
            }
        }
        return Integer.compare(left.length, right.length);
    }

    private static int compareIdentifier(String a, String b) {
        boolean numericA = isNumber(a);
        boolean numericB = isNumber(b);
        if (numericA && numericB) {
            return new BigInteger(a).compareTo(new BigInteger(b));
        }
        if (numericA != numericB) {
            return numericA ? -1 : 1;
        }
        return a.compareTo(b);
    }

    private static boolean isNumber(String text) {
        return !text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9');
    }
}
