#!/usr/bin/env bash
# Latency drift over a long session (issue 5): one ESR, the stamping publisher (a pre-encoded 720p30 clip looped
# with -c copy) and one load-client viewer, in their own network namespace, for MINUTES minutes. The viewer logs
# every stamped access unit's glass-to-glass latency; the node's server-added latency is read once a minute.
# At the end (or at any time, on a partial log) hour-drift-summary.sh compares the first and last 5 minutes.
#
#   itests/load-client/hour-drift.sh [OUT_DIR (/tmp/latency-hour)] [MINUTES (65)]
#
# Needs: root (ip netns), ffmpeg, curl, a built karaf-assembly/target/assembly and the load client's cli jar
#   mvn -B -o -q package -pl karaf-assembly,itests/load-client -am -DskipTests
set -euo pipefail
set -m   # job control: every background job gets its own process group (pgid = its pid), see cleanup
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}   # the source tree (set it when running a copy of this script)
OUT=${1:-/tmp/latency-hour}
MINUTES=${2:-65}
NS=${NS:-latency-hour}
STREAM=hour
JAR=$ROOT/itests/load-client/target/stateos-load-client-0.1.0-SNAPSHOT-cli.jar
DIST=$ROOT/karaf-assembly/target/assembly
[ -f "$JAR" ] && [ -x "$DIST/bin/karaf" ] || { echo "build first: $JAR, $DIST" >&2; exit 2; }

mkdir -p "$OUT"
cp "$JAR" "$OUT/load-client.jar"   # a copy: later builds must not change the running client
PUBLISHER_JAR=$OUT/load-client.jar
CLIP_SECONDS=60
. "$ROOT/itests/load-client/node-and-stream.sh"

date -u +"start %FT%TZ  load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/run.txt"
in_ns java -jar "$OUT/load-client.jar" --url "http://127.0.0.1:8080/whep/$STREAM" --viewers 1 \
  --seconds $((MINUTES * 60)) --latency-log "$OUT/latency.log" --report json >"$OUT/report.json" 2>"$OUT/client.err" &
CLIENT=$!
PIDS+=($CLIENT)
in_ns curl -fs -X DELETE http://127.0.0.1:8080/api/webrtc/latency >/dev/null || true
while kill -0 $CLIENT 2>/dev/null; do     # server-added latency, one JSON line per minute (the interval = that minute)
  sleep 60
  echo "$(date -u +%FT%TZ) $(cut -d' ' -f1-3 /proc/loadavg) $(in_ns curl -fs http://127.0.0.1:8080/api/webrtc/latency | tr -d '\n')" \
    >>"$OUT/server-latency.log" || true
done
date -u +"end %FT%TZ  load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/run.txt"
"$(dirname "$0")/hour-drift-summary.sh" "$OUT/latency.log" | tee "$OUT/summary.txt"
