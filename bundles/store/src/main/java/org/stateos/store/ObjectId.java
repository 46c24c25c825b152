package org.stateos.store;

/**
 * The name of an object (a document, a media track, a workflow instance): 1 to {@value #MAX_BYTES} bytes
 * of UTF-8 without control characters, e.g. {@code media/cam1/video}. Every node that writes the same name
 * writes the same object; its state is its head.
 */
public record ObjectId(String name) implements Comparable<ObjectId> {
    public static final int MAX_BYTES = 128;

    public ObjectId {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("an object id is not empty");
        }
        int n = Wire.utf8(name, "object id").length;
        if (n > MAX_BYTES) {
            throw new IllegalArgumentException("object id is " + n + " UTF-8 bytes, at most " + MAX_BYTES);
        }
        String bad = Wire.controlCharacter(name);
        if (bad != null) {
            throw new IllegalArgumentException("object id contains control character " + bad);
        }
    }

    public static ObjectId of(String name) {
        return new ObjectId(name);
    }

    @Override
    public int compareTo(ObjectId o) {
        return name.compareTo(o.name);
    }

    @Override
    public String toString() {
        return name;
    }
}
