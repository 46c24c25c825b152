package org.stateos.transcoder.internal.process;

import java.nio.charset.Charset;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The worker JVM options an operator may configure: heap and stacks, GC choice and tuning, JIT, CPU count, frame
 * pointers, pre-touch and the file encoding. Anything else is refused: an allow-list, because the JVM has hundreds
 * of options and a deny-list missed some that load or run code from elsewhere (review 5). An option is matched on
 * its exact name and its value must be what that option takes, so {@code -Xmxfoo} or {@code -XX:MaxGCPauseMillis=x}
 * is refused too. The list is in the module README (worker.jvm.options); keep both in step.
 */
final class JvmOptionAllowList {
    private enum Value {
        SIZE("a size such as 64m", Pattern.compile("[0-9]{1,12}[kKmMgG]?")),
        COUNT("a whole number", Pattern.compile("[0-9]{1,9}")),
        LEVEL("a level 0 to 4", Pattern.compile("[0-4]")),
        CHARSET("a charset name such as UTF-8", Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:+-]{0,39}"));

        final String expected;
        final Pattern pattern;

        Value(String expected, Pattern pattern) {
            this.expected = expected;
            this.pattern = pattern;
        }
    }

    static final String SEE = "see worker.jvm.options in the transcoder README for the options allowed";

    /** {@code -Xmx64m}: the name, then the value with no separator. */
    private static final Map<String, Value> X_OPTIONS = Map.of("-Xmx", Value.SIZE, "-Xms", Value.SIZE,
            "-Xmn", Value.SIZE, "-Xss", Value.SIZE);
    /** {@code -XX:Name=value}. */
    private static final Map<String, Value> XX_VALUES = Map.ofEntries(
            Map.entry("MaxDirectMemorySize", Value.SIZE), Map.entry("MetaspaceSize", Value.SIZE),
            Map.entry("MaxMetaspaceSize", Value.SIZE), Map.entry("ReservedCodeCacheSize", Value.SIZE),
            Map.entry("MaxGCPauseMillis", Value.COUNT), Map.entry("ParallelGCThreads", Value.COUNT),
            Map.entry("ConcGCThreads", Value.COUNT), Map.entry("CICompilerCount", Value.COUNT),
            Map.entry("ActiveProcessorCount", Value.COUNT), Map.entry("TieredStopAtLevel", Value.LEVEL));
    /** {@code -XX:+Name} and {@code -XX:-Name}. */
    private static final Set<String> XX_FLAGS = Set.of("UseSerialGC", "UseParallelGC", "UseG1GC", "TieredCompilation",
            "PreserveFramePointer", "AlwaysPreTouch");
    /** {@code -Dname=value}. */
    private static final Map<String, Value> PROPERTIES = Map.of("file.encoding", Value.CHARSET);

    private JvmOptionAllowList() {
    }

    /** Throws {@link IllegalArgumentException} naming the option unless it is on the list with a valid value. */
    static void check(String option) {
        if (option.startsWith("-XX:")) {
            String rest = option.substring(4);
            if (rest.startsWith("+") || rest.startsWith("-")) {
                if (XX_FLAGS.contains(rest.substring(1))) {
                    return;
                }
                throw refused(option);
            }
            int eq = rest.indexOf('=');
            Value v = eq < 0 ? null : XX_VALUES.get(rest.substring(0, eq));
            if (v == null) {
                throw refused(option);
            }
            checkValue(option, "-XX:" + rest.substring(0, eq), v, rest.substring(eq + 1));
        } else if (option.startsWith("-D")) {
            int eq = option.indexOf('=');
            Value v = eq < 0 ? null : PROPERTIES.get(option.substring(2, eq));
            if (v == null) {
                throw refused(option);
            }
            checkValue(option, option.substring(0, eq), v, option.substring(eq + 1));
        } else {
            // -Xmx and its kin are four characters; anything else starting with -X (-Xrun, -Xbootclasspath…) is refused
            Value v = option.length() >= 4 ? X_OPTIONS.get(option.substring(0, 4)) : null;
            if (v == null) {
                throw refused(option);
            }
            checkValue(option, option.substring(0, 4), v, option.substring(4));
        }
    }

    private static void checkValue(String option, String name, Value v, String value) {
        boolean ok = v.pattern.matcher(value).matches();
        if (ok && v == Value.CHARSET) {
            ok = Charset.isSupported(value);    // the worker runs this same JVM, so what it supports is what we do
        }
        if (!ok) {
            throw new IllegalArgumentException("worker JVM option '" + option + "': " + name + " takes " + v.expected);
        }
    }

    private static IllegalArgumentException refused(String option) {
        return new IllegalArgumentException("worker JVM option '" + option + "' is not allowed; " + SEE);
    }
}
