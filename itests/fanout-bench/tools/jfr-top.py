#!/usr/bin/env python3
"""Summarises a JFR recording: the top frames of jdk.ExecutionSample (self time) and of
jdk.ObjectAllocationSample (weighted by bytes), plus inclusive counts for frames under org.stateos / io.netty /
javax.crypto / sun.nio. Uses the JDK's `jfr print` (JDK 17 has no `jfr view`).
usage: jfr-top.py recording.jfr [top=25]"""
import collections, re, subprocess, sys

def events(path, name, depth):
    out = subprocess.run(["jfr", "print", "--events", name, "--stack-depth", str(depth), path],
                         capture_output=True, text=True, check=True).stdout
    for block in out.split("\n" + name.split(".")[-1] + " {")[1:] if False else re.split(r"\n(?=jdk\.\w+ \{)", out):
        frames = re.findall(r"^\s+([\w$.<>]+\.[\w$<>]+)\(", block, re.M)
        weight = re.search(r"weight = ([\d.]+) (\w+)", block)
        w = 1.0
        if weight:
            v, unit = float(weight.group(1)), weight.group(2)
            w = v * {"bytes": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9}.get(unit, 1)
        if frames:
            yield frames, w

def report(path, name, depth, top, label):
    self_c, incl = collections.Counter(), collections.Counter()
    total = 0.0
    for frames, w in events(path, name, depth):
        total += w
        self_c[frames[0]] += w
        for f in set(frames):
            incl[f] += w
    print(f"== {label}: {name} (total weight {total:.0f})")
    for f, w in self_c.most_common(top):
        print(f"  self {100*w/total:5.1f}%  {f}")
    print("  -- inclusive, project/netty/crypto/nio frames:")
    keep = [(f, w) for f, w in incl.items() if re.match(r"(org\.stateos|io\.netty|javax\.crypto|sun\.nio|com\.sun\.crypto)", f)]
    for f, w in sorted(keep, key=lambda x: -x[1])[:top]:
        print(f"  incl {100*w/total:5.1f}%  {f}")

if __name__ == "__main__":
    p = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    report(p, "jdk.ExecutionSample", 64, top, "CPU samples")
    report(p, "jdk.ObjectAllocationSample", 64, top, "allocation samples (bytes)")
