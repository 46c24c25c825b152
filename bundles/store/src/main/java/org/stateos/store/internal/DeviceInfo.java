package org.stateos.store.internal;

/** What the store shows of its device. */
record DeviceInfo(String path, boolean directIo, long sizeBytes) {}
