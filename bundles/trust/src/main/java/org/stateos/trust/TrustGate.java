package org.stateos.trust;

import java.security.cert.X509Certificate;
import java.util.List;

/** Read-only view of the signature gate, registered by the trust bundle for commands and status. */
public interface TrustGate {
    /** The latest verdict for every installed bundle, ordered by bundle id. */
    List<Verdict> verdicts();

    /** Refusals since boot, newest last, including those of bundles since uninstalled. */
    List<Verdict> refusals();

    /** The vendor certificate every bundle signature must lead to. */
    X509Certificate anchor();
}
