package org.stateos.transcoder.internal.process;

/** A worker's exit status in words, for the log and transcoder:worker. */
final class ExitCause {
    private ExitCause() {
    }

    /** Java reports a process ended by signal N as 128 + N. */
    static String describe(int code) {
        if (code > 128 && code < 128 + 65) {
            int signal = code - 128;
            return "killed by signal " + signal + " (" + signalName(signal) + ")";
        }
        return switch (code) {
            case 0 -> "exited (0)";
            case 1 -> "exited (1)";
            case 2 -> "exited (2: protocol error on its input)";
            case 3 -> "exited (3: out of memory, -XX:+ExitOnOutOfMemoryError)";
            case 4 -> "exited (4: the FFmpeg natives could not be loaded)";
            default -> "exited (" + code + ")";
        };
    }

    private static String signalName(int signal) {
        return switch (signal) {
            case 6 -> "SIGABRT: the JVM crashed, e.g. a fault in native code; see its hs_err file";
            case 9 -> "SIGKILL: the kernel's OOM killer or an operator";
            case 11 -> "SIGSEGV";
            case 15 -> "SIGTERM";
            default -> "signal " + signal;
        };
    }
}
