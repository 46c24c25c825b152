package org.stateos.store.internal.log;

import java.io.IOException;

/**
 * The device does not hold what was expected: {@code format} found a partition table, a file system or a
 * StateOS log and was not forced; or {@code open} found no valid StateOS superblock or an incompatible one.
 * {@link #found()} names what is on the device.
 */
public class DeviceFormatException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String found;

    public DeviceFormatException(String message, String found) {
        super(message);
        this.found = found;
    }

    /** What the device holds, e.g. "an ext2/3/4 file system (magic 0xEF53 at byte 1080)"; "nothing recognised" when blank. */
    public String found() {
        return found;
    }
}
