#!/usr/bin/env bash
# Server-added latency (issue 5) at 1, 10 and 100 load-client viewers, with the glass-to-glass figures of the same
# runs: one ESR and the stamping publisher (a pre-encoded 720p30 clip, -c copy) in their own network namespace;
# for each N the load client runs S seconds; the node's histogram is reset once the viewers are up and read at the
# end (GET /api/webrtc/latency), so start-up catch-up bursts are left out as in the client's figures.
#
#   [NODE_CPUS=1 CLIENT_CPUS=0] [CLIENT_NICE=19] [IO_REALTIME_PRIORITY=0] itests/load-client/server-latency.sh [OUT_DIR (/tmp/latency-bench)] [SECONDS (30)] [N ... (1 10 100)]
set -euo pipefail
set -m   # every background job in its own process group, see cleanup
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
OUT=${1:-/tmp/latency-bench}
SECONDS_PER_RUN=${2:-30}
COUNTS=("${@:3}")
[ ${#COUNTS[@]} -gt 0 ] || COUNTS=(1 10 100)
NS=${NS:-latency-bench}
STREAM=bench
JAR=$ROOT/itests/load-client/target/stateos-load-client-0.1.0-SNAPSHOT-cli.jar
DIST=${DIST:-$ROOT/karaf-assembly/target/assembly}   # DIST=/other/build/assembly for an A/B
[ -f "$JAR" ] && [ -x "$DIST/bin/karaf" ] || { echo "build first: $JAR, $DIST" >&2; exit 2; }
PUBLISHER_JAR=$JAR
CLIP_SECONDS=30
. "$ROOT/itests/load-client/node-and-stream.sh"
sleep 3
for N in "${COUNTS[@]}"; do
  niced_client_in_ns java -jar "$JAR" --url "http://127.0.0.1:8080/whep/$STREAM" --viewers "$N" --seconds "$SECONDS_PER_RUN" \
    --report json >"$OUT/client-$N.json" 2>"$OUT/client-$N.err" &
  CLIENT=$!
  PIDS+=($CLIENT)
  sleep $(( N * 20 / 1000 + 8 ))              # ramp (20 ms apart) + the slowest viewer's setup and catch-up
  in_ns curl -fs -X DELETE http://127.0.0.1:8080/api/webrtc/latency >/dev/null
  LOAD_START=$(cut -d' ' -f1 /proc/loadavg)
  wait $CLIENT || true
  SERVER=$(in_ns curl -fs http://127.0.0.1:8080/api/webrtc/latency | tr -d '\n')
  G2G=$(grep -o '"glass_to_glass": {"total": {[^}]*}' "$OUT/client-$N.json" || echo none)
  RECV=$(grep -o '"receiving": [0-9]*' "$OUT/client-$N.json" || echo none)
  echo "N=$N $(date -u +%FT%TZ) load ${LOAD_START}/$(cut -d' ' -f1 /proc/loadavg) $RECV server $SERVER client $G2G" | tee -a "$OUT/results.txt"
  sleep 3
done
