package org.stateos.transcoder.internal.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Cuts a worker's stderr into lines for the node's log, holding at most {@code max} bytes of a line: the rest of a
 * longer line is counted and skipped, not kept. The worker runs FFmpeg on outside bytes, so its stderr is not trusted;
 * a {@code readLine()} there held a whole line before it could be cut (96 MB without a newline grew the node's heap
 * by 131 MB).
 */
final class StderrLines {
    interface Sink {
        /** One line, CR/LF removed, decoded as UTF-8; {@code cutBytes} of it were skipped after the first max bytes. */
        void line(String text, long cutBytes);
    }

    private StderrLines() {
    }

    /** Reads {@code in} to its end (or a read error), handing each line to {@code sink}. */
    static void copy(InputStream in, int max, Sink sink) throws IOException {
        byte[] line = new byte[max];
        byte[] chunk = new byte[8192];
        int n = 0;
        long cut = 0;
        int r;
        while ((r = in.read(chunk)) != -1) {
            for (int i = 0; i < r; i++) {
                byte b = chunk[i];
                if (b == '\n') {
                    emit(line, n, cut, sink);
                    n = 0;
                    cut = 0;
                } else if (n < max) {
                    line[n++] = b;
                } else {
                    cut++;
                }
            }
        }
        if (n > 0 || cut > 0) {
            emit(line, n, cut, sink);
        }
    }

    private static void emit(byte[] line, int n, long cut, Sink sink) {
        int end = n;
        if (cut > 0) {
            end = wholeCharacters(line, n);   // a cut through a multi-byte character drops its first bytes too
            cut += n - end;
        } else if (end > 0 && line[end - 1] == '\r') {
            end--;
        }
        sink.line(new String(line, 0, end, StandardCharsets.UTF_8), cut);
    }

    /** The length of {@code b[0..n)} without a trailing UTF-8 sequence that is not complete. */
    private static int wholeCharacters(byte[] b, int n) {
        int lead = n - 1;
        while (lead >= 0 && n - lead < 4 && (b[lead] & 0xC0) == 0x80) {
            lead--;
        }
        if (lead < 0) {
            return n;
        }
        int v = b[lead] & 0xFF;
        int len = v < 0x80 ? 1 : v >= 0xF0 ? 4 : v >= 0xE0 ? 3 : v >= 0xC0 ? 2 : 1;
        return lead + len > n ? lead : n;
    }
}
