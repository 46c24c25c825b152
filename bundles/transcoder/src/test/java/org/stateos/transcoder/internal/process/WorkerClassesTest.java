package org.stateos.transcoder.internal.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.stateos.transcoder.internal.worker.WorkerMain;

/**
 * The worker's class path is this bundle's codec and worker packages plus codec-natives, nothing else: their
 * classes may refer to no other class of this bundle, the api bundle, Netty, SLF4J or OSGi (a reference would
 * fail only in the worker, at run time).
 */
class WorkerClassesTest {
    static final Pattern REF = Pattern.compile("(org/stateos/[A-Za-z0-9_/$]+|io/netty/|org/slf4j/|org/osgi/)");

    @Test
    void codecAndWorkerClassesNeedOnlyEachOtherCodecNativesAndTheJdk() throws IOException {
        Path classes = Path.of(CodecWorkerTest.codeSource(WorkerMain.class));
        List<String> bad = new ArrayList<>();
        int files = 0;
        for (String pkg : List.of("org/stateos/transcoder/internal/codec", "org/stateos/transcoder/internal/worker")) {
            try (Stream<Path> s = Files.list(classes.resolve(pkg))) {
                for (Path f : s.filter(p -> p.toString().endsWith(".class")).toList()) {
                    files++;
                    Matcher m = REF.matcher(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
                    while (m.find()) {
                        String ref = m.group(1);
                        if (!ref.startsWith("org/stateos/transcoder/internal/codec/")
                                && !ref.startsWith("org/stateos/transcoder/internal/worker/")) {
                            bad.add(f.getFileName() + " -> " + ref);
                        }
                    }
                }
            }
        }
        assertTrue(files > 10, "found the classes: " + files);
        assertEquals(List.of(), bad);
    }
}
