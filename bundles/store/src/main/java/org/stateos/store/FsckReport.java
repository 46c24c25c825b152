package org.stateos.store;

import java.time.Duration;
import java.util.List;

/**
 * The result of a full verification. Every unit record is read (checksum checked by the engine), decoded and
 * hashed against the id it is stored under; every link is looked up; every head's signature is checked.
 *
 * @param badIds        units whose bytes do not hash to their id, or do not decode
 * @param badCrcs       records the engine found corrupt (checksum mismatch)
 * @param danglingLinks links to units not held here (evicted, never fetched, or lost: the mesh may have them)
 * @param badHeads      heads that fail signature verification, or whose unit is not held here
 */
public record FsckReport(
        long unitsChecked,
        long bytesChecked,
        List<UnitId> badIds,
        List<UnitId> badCrcs,
        List<Link> danglingLinks,
        long headsChecked,
        List<String> badHeads,
        long indexEntriesChecked,
        long indexEntriesMissingUnit,
        Duration elapsed) {

    public FsckReport {
        badIds = List.copyOf(badIds);
        badCrcs = List.copyOf(badCrcs);
        danglingLinks = List.copyOf(danglingLinks);
        badHeads = List.copyOf(badHeads);
    }

    /** No bad id, no bad checksum, no bad head. Dangling links are reported but are not damage by themselves. */
    public boolean clean() {
        return badIds.isEmpty() && badCrcs.isEmpty() && badHeads.isEmpty();
    }

    public record Link(UnitId from, UnitId to) {}
}
