package org.stateos.transcoder.internal.process;

import java.io.IOException;

/** Where the worker JVM's classes come from. */
public interface WorkerClassPath {
    /** The class path for the next start, checked first (a copy that changed since it was made is refused). */
    String classPath() throws IOException;
}
