package org.stateos.api.node;

import java.security.GeneralSecurityException;
import java.security.PublicKey;

/** This node's key pair (P-256, made on first boot) and the id derived from it. */
public interface NodeIdentity {
    NodeId nodeId();

    PublicKey publicKey();

    /** Signs data with the node key (SHA256withECDSA, DER encoded); the private key never leaves the node bundle. */
    byte[] sign(byte[] data) throws GeneralSecurityException;
}
