package org.stateos.fanoutbench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the run ran on: CPU model, cores, kernel, JDK, load average at the start. */
final class Machine {
    private Machine() {
    }

    static Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu", cpuModel());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("kernel", read("/proc/sys/kernel/osrelease").strip());
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        m.put("load_average_start", loadAverage());
        return m;
    }

    static String loadAverage() {
        return read("/proc/loadavg").strip();
    }

    private static String cpuModel() {
        for (String l : read("/proc/cpuinfo").split("\n")) {
            if (l.startsWith("model name")) {
                return l.substring(l.indexOf(':') + 1).strip();
            }
        }
        return "?";
    }

    private static String read(String p) {
        try {
            return Files.readString(Path.of(p));
        } catch (IOException e) {
            return "";
        }
    }
}
