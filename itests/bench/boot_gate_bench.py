#!/usr/bin/env python3
"""Boot time to all bundles active, and idle RSS, of the signed distribution with and without the
signature gate, measured in the same run on the same machine (median of several runs).

The gate-less variant is the same assembly whose trust bundle has no Bundle-Activator: the bundle still
exports the gate's small API (the node bundle imports it) but the gate never starts. Everything else
(signed jars, features, config, start levels) is identical, so the difference is the gate's cost.

usage: itests/bench/boot_gate_bench.py [--runs N] [--assembly DIR]
"""
import argparse, sys, json, os, shutil, signal, statistics, subprocess, tempfile, time, urllib.request

def status():
    try:
        with urllib.request.urlopen("http://127.0.0.1:8080/api/status", timeout=0.5) as r:
            return json.load(r)
    except Exception:
        return None

def all_active(s):
    if not s:
        return False
    states = s["bundlesByState"]
    # One fragment (Karaf's framework extension) stays RESOLVED; everything else must be ACTIVE.
    return set(states) <= {"ACTIVE", "RESOLVED"} and states.get("RESOLVED", 0) <= 1 and states.get("ACTIVE", 0) >= 40

def java_pid(root_pid):
    out = subprocess.run(["pgrep", "-P", str(root_pid)], capture_output=True, text=True).stdout.split()
    for pid in out:
        if os.path.basename(os.readlink(f"/proc/{pid}/exe")) == "java":
            return int(pid)
    return root_pid

def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")

def boot_once(home, cold, idle_seconds):
    if cold:
        shutil.rmtree(os.path.join(home, "data"), ignore_errors=True)
    start = time.monotonic()
    proc = subprocess.Popen([os.path.join(home, "bin/karaf"), "server"], cwd=home,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = start + 120
        while not all_active(status()):
            if time.monotonic() > deadline:
                raise RuntimeError(f"{home}: not all bundles active after 120 s; last status: {status()}")
            time.sleep(0.02)
        boot = time.monotonic() - start
        print(f"  {os.path.basename(home)} {'cold' if cold else 'warm'}: {boot:.2f} s", file=sys.stderr, flush=True)
        pid = java_pid(proc.pid)
        time.sleep(idle_seconds)  # benchmark, not a test: let the node settle before reading RSS
        return boot, rss_mib(pid)
    finally:
        pids = {java_pid(proc.pid), proc.pid}
        for p in pids:
            try:
                os.kill(p, signal.SIGTERM)
            except ProcessLookupError:
                pass
        # The JVM must be gone (lock file released, cache closed) before the next run touches data/.
        deadline = time.monotonic() + 60
        while any(os.path.exists(f"/proc/{p}") and p != proc.pid for p in pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        for p in pids:
            if p != proc.pid and os.path.exists(f"/proc/{p}"):
                os.kill(p, signal.SIGKILL)
        proc.wait(timeout=60)

def remove_gate_activator(home):
    import glob, zipfile
    [jar] = glob.glob(os.path.join(home, "system/org/stateos/org.stateos.trust/*/org.stateos.trust-*.jar"))
    with zipfile.ZipFile(jar) as z:
        entries = [(i, z.read(i.filename)) for i in z.infolist()]
    out = jar + ".tmp"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in entries:
            name = info.filename
            if name.startswith("META-INF/") and name.rsplit(".", 1)[-1] in ("SF", "EC", "RSA", "DSA"):
                continue
            if name == "META-INF/MANIFEST.MF":
                kept, skipping = [], False
                for line in data.decode().replace("\r\n", "\n").split("\n"):
                    if line.startswith("Bundle-Activator:"):
                        skipping = True
                        continue
                    if skipping and line.startswith(" "):
                        continue
                    skipping = False
                    kept.append(line)
                data = "\r\n".join(kept).encode()
            z.writestr(info, data)
    os.replace(out, jar)

def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--idle", type=float, default=10.0)
    ap.add_argument("--assembly", default=os.path.join(here, "../../karaf-assembly/target/assembly"))
    args = ap.parse_args()
    if status() is not None:
        raise SystemExit("something already answers on port 8080: stop it first")
    work = tempfile.mkdtemp(prefix="stateos-boot-bench-")
    gated, ungated = os.path.join(work, "gated"), os.path.join(work, "ungated")
    shutil.copytree(args.assembly, gated, symlinks=True)
    shutil.copytree(args.assembly, ungated, symlinks=True)
    remove_gate_activator(ungated)

    results = {}
    for name, home in (("with gate", gated), ("without gate", ungated)):
        for mode in ("cold", "warm"):
            runs = []
            if mode == "warm":
                boot_once(home, cold=False, idle_seconds=0)  # make sure a cache exists
            for _ in range(args.runs):
                runs.append(boot_once(home, cold=(mode == "cold"), idle_seconds=args.idle))
            results[(name, mode)] = (statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs),
                                     [round(r[0], 2) for r in runs])
    print(f"boot to all bundles active and idle RSS after {args.idle:.0f} s, median of {args.runs} runs")
    print(f"{'variant':<14}{'boot':<6}{'median s':>9}{'RSS MiB':>9}  runs (s)")
    for (name, mode), (boot, rss, runs) in results.items():
        print(f"{name:<14}{mode:<6}{boot:>9.2f}{rss:>9.0f}  {runs}")
    for mode in ("cold", "warm"):
        g, u = results[("with gate", mode)], results[("without gate", mode)]
        print(f"gate cost, {mode} boot: {g[0] - u[0]:+.2f} s ({g[0] / u[0]:.2f}x), RSS {g[1] - u[1]:+.0f} MiB")
    shutil.rmtree(work, ignore_errors=True)

if __name__ == "__main__":
    main()
